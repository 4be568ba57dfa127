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
        let schema = RuleConditionCompiler.schema(deviceType: deviceType, attributes: context.attributes)

        func condition(_ key: String, in mapping: YAMLMapping) -> RuleCondition? {
            guard let value = mapping[key], match != nil else { return nil }
            guard let scalar = value.scalar, !scalar.string.trimmingCharacters(in: .whitespaces).isEmpty else {
                diagnostics.append(source.diagnostic(at: value, "'\(key)' must be a condition such as hr_bpm > attr.hr_high"))
                return nil
            }
            let style: RuleScalarStyle = switch scalar.style {
            case .singleQuoted: .singleQuoted
            case .doubleQuoted: .doubleQuoted
            case .literal, .folded: .block
            default: scalar.string.contains("\n") ? .block : .plain
            }
            let mark = value.mark
            return RuleConditionCompiler.compile(scalar.string, file: source.path, line: mark?.line ?? 1, column: mark?.column ?? 1,
                                                 style: style, schema: schema, diagnostics: &diagnostics)
        }

        let require = condition("require", in: map)
        let when = condition("when", in: map)
        var absent: Rule.Silence?
        if let absentMap = YAMLMapping(map["absent"], in: source, what: "'absent'", diagnostics: &diagnostics) {
            absentMap.rejectUnknownKeys(["for"], what: "'absent'", diagnostics: &diagnostics)
            if let forNode = absentMap.require("for", what: "'absent'", diagnostics: &diagnostics) {
                absent = silence(forNode, source: source, diagnostics: &diagnostics)
            }
        }
        if map["when"] == nil && map["absent"] == nil {
            diagnostics.append(source.diagnostic(at: node, "rule '\(id)' needs a 'when' condition or 'absent'"))
        }
        if when != nil && absent != nil {
            diagnostics.append(source.diagnostic(at: map["absent"], "a rule has either 'when' or 'absent', not both"))
        }
        let hold = map["for"].flatMap { readDuration($0, key: "for", source: source, attributes: context.attributes, diagnostics: &diagnostics) } ?? 0
        var count: RuleTiming.Count?
        if let countMap = YAMLMapping(map["count"], in: source, what: "'count'", diagnostics: &diagnostics) {
            countMap.rejectUnknownKeys(["at_least", "within"], what: "'count'", diagnostics: &diagnostics)
            let atLeast = countMap.require("at_least", what: "'count'", diagnostics: &diagnostics).flatMap { _ in countMap.int("at_least", diagnostics: &diagnostics) }
            let within = countMap.require("within", what: "'count'", diagnostics: &diagnostics).flatMap { _ in countMap.duration("within", diagnostics: &diagnostics) }
            if let atLeast, atLeast < 1 { diagnostics.append(source.diagnostic(at: countMap["at_least"], "'at_least' must be 1 or more")) }
            if let atLeast, let within { count = RuleTiming.Count(atLeast: atLeast, withinMs: Int64(within * 1000)) }
            if hold > 0 { diagnostics.append(source.diagnostic(at: map["count"], "a rule has either 'for' or 'count', not both")) }
        }
        let severity = map.require("severity", what: "rule '\(id)'", diagnostics: &diagnostics).flatMap { _ in map.string("severity", diagnostics: &diagnostics) } ?? "general"
        if !context.tiers.contains(severity) {
            diagnostics.append(source.diagnostic(at: map["severity"], "unknown severity '\(severity)' (tiers: \(context.tiers.sorted().joined(separator: ", ")))"))
        }
        var clear: RuleTiming.Clear = .whenFalse
        var clearWhen: RuleCondition?
        var clearHoldAttribute: String?
        if let clearNode = map["clear"] {
            if clearNode.scalar?.string == "manual" {
                clear = .manual
            } else if let clearMap = YAMLMapping(clearNode, in: source, what: "'clear' (manual, {when, for} or {quiet_for})", diagnostics: &diagnostics) {
                clearMap.rejectUnknownKeys(["when", "for", "quiet_for"], what: "'clear'", diagnostics: &diagnostics)
                if let quiet = clearMap.duration("quiet_for", diagnostics: &diagnostics) {
                    clear = .quiet(Int64(quiet * 1000))
                    if clearMap["when"] != nil { diagnostics.append(source.diagnostic(at: clearMap["when"], "'clear' has either 'when' or 'quiet_for'")) }
                } else if clearMap["when"] != nil {
                    clearWhen = condition("when", in: clearMap)
                    let holdClear = clearMap["for"].flatMap { readDuration($0, key: "for", source: source, attributes: context.attributes, diagnostics: &diagnostics) } ?? 0
                    clear = .condition(holdMs: Int64(holdClear * 1000))
                    if let text = clearMap["for"]?.scalar?.string, text.hasPrefix("attr.") { clearHoldAttribute = String(text.dropFirst(5)) }
                } else {
                    diagnostics.append(source.diagnostic(at: clearNode, "'clear' needs 'when' or 'quiet_for' (or write clear: manual)"))
                }
            }
        }
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
        var respond: Double?
        var resolve: Double?
        var autoResolve = false
        if let sla = YAMLMapping(map["sla"], in: source, what: "'sla'", diagnostics: &diagnostics) {
            sla.rejectUnknownKeys(["respond", "resolve", "auto_resolve"], what: "'sla'", diagnostics: &diagnostics)
            respond = sla.duration("respond", diagnostics: &diagnostics)
            resolve = sla.duration("resolve", diagnostics: &diagnostics)
            autoResolve = sla.bool("auto_resolve", diagnostics: &diagnostics) ?? false
            if autoResolve, severity == "emergency" {
                diagnostics.append(source.diagnostic(at: sla["auto_resolve"], "an emergency is life safety: its ticket is always resolved by a person, so 'auto_resolve' has no effect", severity: .warning))
            }
        }
        guard diagnostics.errors.count == errorsBefore, let match else { return nil }
        let category = map.string("category", diagnostics: &diagnostics) ?? (match.type ?? "device")
        let title = map.string("title", diagnostics: &diagnostics) ?? id.replacingOccurrences(of: "_", with: " ")
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
                        item: item, itemLine: map["item"]?.mark?.line ?? 0, itemColumn: map["item"]?.mark?.column ?? 0)
    }
}
