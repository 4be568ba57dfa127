import Devices
import Formats
import Foundation
import Yams

/// Reads one entry of `rules:`, checking every part and its conditions against the device
/// type it matches.
enum RuleReader {
    static func read(_ node: Node, source: YAMLSource, context: RuleReadContext, diagnostics: inout DiagnosticList) -> Rule? {
        guard let map = YAMLMapping(node, in: source, what: "a rule", diagnostics: &diagnostics) else { return nil }
        map.rejectUnknownKeys(RuleFileParser.ruleKeys, what: "a rule", diagnostics: &diagnostics)
        let errorsBefore = diagnostics.errors.count
        guard map.require("id", what: "a rule", diagnostics: &diagnostics) != nil, let id = map.string("id", diagnostics: &diagnostics) else { return nil }
        if id.range(of: "^[a-z][a-z0-9_]*$", options: .regularExpression) == nil {
            diagnostics.append(source.diagnostic(at: map["id"], "rule id '\(id)' must be lower_snake_case (it keys alert state and tickets)"))
        }
        let match = readMatch(map, source: source, context: context, diagnostics: &diagnostics)
        let deviceType = match?.type.flatMap { context.catalog[$0] }
        // With no usable match there is no schema to check conditions against: checking them
        // against `any` would add errors that only repeat the match error.
        let schema = match == nil ? nil : RuleConditionCompiler.schema(deviceType: deviceType, attributes: context.attributes)
        let require = readCondition("require", in: map, schema: schema, diagnostics: &diagnostics)
        let when = readCondition("when", in: map, schema: schema, diagnostics: &diagnostics)
        let absent = readAbsent(map, diagnostics: &diagnostics)
        if map["when"] == nil && map["absent"] == nil {
            diagnostics.append(source.diagnostic(at: node, "rule '\(id)' needs a 'when' condition or 'absent'"))
        }
        if when != nil && absent != nil {
            diagnostics.append(source.diagnostic(at: map["absent"], "a rule has either 'when' or 'absent', not both"))
        }
        let hold = map["for"].flatMap { readDuration($0, key: "for", source: source, attributes: context.attributes, diagnostics: &diagnostics) } ?? 0
        let count = readCount(map, hold: hold, diagnostics: &diagnostics)
        let severity = map.require("severity", what: "rule '\(id)'", diagnostics: &diagnostics).flatMap { _ in map.string("severity", diagnostics: &diagnostics) } ?? "general"
        if !context.tiers.contains(severity) {
            diagnostics.append(source.diagnostic(at: map["severity"], "unknown severity '\(severity)' (tiers: \(context.tiers.sorted().joined(separator: ", ")))"))
        }
        let (clear, clearWhen, clearHoldAttribute) = readClear(map, context: context, schema: schema, diagnostics: &diagnostics)
        if severity == "emergency", clear != .manual {
            diagnostics.append(source.diagnostic(at: map["clear"] ?? map["severity"], "emergency rule '\(id)' clears automatically: emergency alerts should clear manually (clear: manual)", severity: .warning))
        }
        if absent != nil, case .condition = clear {
            diagnostics.append(source.diagnostic(at: map["clear"], "an absent rule clears when the device reports again; 'clear: {when}' does not apply"))
        }
        if let deviceType, hold > 0, hold < deviceType.reportingInterval {
            diagnostics.append(source.diagnostic(at: map["for"], "'for' (\(DurationText.format(hold))) is shorter than \(deviceType.name)'s reporting interval (\(DurationText.format(deviceType.reportingInterval))): it will fire on a single reading", severity: .warning))
        }
        let active = map["active"].flatMap { readSchedule($0, source: source, timeZone: context.timeZone, diagnostics: &diagnostics) }
        let (respond, resolve, autoResolve) = readSLA(map, severity: severity, diagnostics: &diagnostics)
        guard diagnostics.errors.count == errorsBefore, let match else { return nil }
        let category = map.string("category", diagnostics: &diagnostics) ?? (match.type ?? "device")
        let titles = Self.titles(map, source: source, diagnostics: &diagnostics)
        let title = titles.en ?? id.replacingOccurrences(of: "_", with: " ")
        let fingerprint = (try? Yams.serialize(node: node)) ?? id
        let holdAttribute = map["for"]?.scalar?.string.hasPrefix("attr.") == true ? map["for"]?.scalar.map { String($0.string.dropFirst(5)) } : nil
        let skill = map.string("skill", diagnostics: &diagnostics).flatMap { $0.isEmpty ? nil : $0 }
        let resourceClasses = map.stringList("resources", diagnostics: &diagnostics) ?? []
        let item = map.string("item", diagnostics: &diagnostics).flatMap { $0.isEmpty ? nil : $0 }
        return Rule(id: id, match: match, require: require, when: when, absent: absent, holdSeconds: hold, holdAttribute: holdAttribute, clearHoldAttribute: clearHoldAttribute, count: count, clear: clear,
                        clearWhen: clearWhen, active: active, severity: severity, category: category, title: title,
                        respondWithinSeconds: respond, resolveWithinSeconds: resolve, file: source.path, line: node.mark?.line ?? 1,
                        fingerprint: fingerprint, autoResolve: autoResolve && severity != "emergency",
                        skill: skill, resourceClasses: resourceClasses,
                        item: item, itemLine: map["item"]?.mark?.line ?? 0, itemColumn: map["item"]?.mark?.column ?? 0, titleZh: titles.zh)
    }

    /// `title: Smoke alarm in {building}-{unit}`, or `title: {zh: 烟感报警 {building}-{unit}, en: ...}`
    /// (Chinese first; both required in that form).
    static func titles(_ map: YAMLMapping, source: YAMLSource, diagnostics: inout DiagnosticList) -> (zh: String?, en: String?) {
        guard let node = map["title"], node.mapping != nil else { return (nil, map.string("title", diagnostics: &diagnostics)) }
        guard let titles = YAMLMapping(node, in: source, what: "'title' ({zh, en})", diagnostics: &diagnostics) else { return (nil, nil) }
        titles.rejectUnknownKeys(["zh", "en"], what: "'title'", diagnostics: &diagnostics)
        var texts: [String: String] = [:]
        for language in ["zh", "en"] {
            guard titles.require(language, what: "'title'", diagnostics: &diagnostics) != nil,
                  let text = titles.string(language, diagnostics: &diagnostics) else { continue }
            if text.trimmingCharacters(in: .whitespaces).isEmpty {
                diagnostics.append(source.diagnostic(at: titles[language], "the \(language) title must not be empty"))
            } else {
                texts[language] = text
            }
        }
        return (texts["zh"], texts["en"])
    }
}
