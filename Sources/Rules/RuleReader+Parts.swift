import Devices
import Formats
import Foundation
import Yams

extension RuleReader {
    static func readMatch(_ map: YAMLMapping, source: YAMLSource, context: RuleReadContext, diagnostics: inout DiagnosticList) -> Rule.Match? {
        guard let node = map.require("match", what: "a rule", diagnostics: &diagnostics),
              let match = YAMLMapping(node, in: source, what: "'match'", diagnostics: &diagnostics) else { return nil }
        match.rejectUnknownKeys(["type", "community", "building", "device", "attributes"], what: "'match'", diagnostics: &diagnostics)
        guard match.require("type", what: "'match'", diagnostics: &diagnostics) != nil, let type = match.string("type", diagnostics: &diagnostics) else { return nil }
        if type != "any", context.catalog[type] == nil {
            diagnostics.append(source.diagnostic(at: match["type"], "unknown device type '\(type)' (known: any, \(context.catalog.names.joined(separator: ", ")))"))
            return nil
        }
        var result = Rule.Match(type: type == "any" ? nil : type)
        func names(_ key: String) -> Set<String> {
            guard let value = match[key] else { return [] }
            if let scalar = value.scalar { return [scalar.string] }
            return Set(match.stringList(key, diagnostics: &diagnostics) ?? [])
        }
        result.communities = names("community")
        result.buildings = names("building")
        result.devices = names("device")
        if let selectors = YAMLMapping(match["attributes"], in: source, what: "'attributes'", diagnostics: &diagnostics) {
            for (name, keyNode, value) in selectors.entries {
                guard let declared = context.attributes[name] else {
                    diagnostics.append(source.diagnostic(at: keyNode, "unknown attribute '\(name)' (declare it under 'attributes' first)"))
                    continue
                }
                guard let wanted = RuleFileParser.attributeValue(value, source: source, diagnostics: &diagnostics) else { continue }
                if RuleFileParser.kind(wanted) != RuleFileParser.kind(declared) {
                    diagnostics.append(source.diagnostic(at: value, "'\(name)' is declared as a \(RuleFileParser.kind(declared)), not a \(RuleFileParser.kind(wanted))"))
                    continue
                }
                result.attributes[name] = wanted
            }
        }
        return result
    }

    /// `3 * interval`, `interval * 3`, `interval`, or a duration.
    static func silence(_ node: Node, source: YAMLSource, diagnostics: inout DiagnosticList) -> Rule.Silence? {
        let text = (node.scalar?.string ?? "").replacingOccurrences(of: " ", with: "")
        if let seconds = DurationText.seconds(text) { return .seconds(seconds) }
        if text == "interval" { return .intervals(1) }
        let parts = text.split(separator: "*").map(String.init)
        if parts.count == 2, let factor = Double(parts[0] == "interval" ? parts[1] : parts[0]), parts.contains("interval"), factor > 0 {
            return .intervals(factor)
        }
        diagnostics.append(source.diagnostic(at: node, "'absent.for' must be a duration or N * interval (the device type's reporting interval)"))
        return nil
    }

    /// A duration, or `attr.NAME` naming a duration attribute.
    static func readDuration(_ node: Node, key: String, source: YAMLSource, attributes: [String: RuleSet.AttributeValue],
                             diagnostics: inout DiagnosticList) -> Double? {
        let text = node.scalar?.string ?? ""
        if let seconds = DurationText.seconds(text) { return seconds }
        if text.hasPrefix("attr.") {
            let name = String(text.dropFirst(5))
            switch attributes[name] {
            case let .duration(seconds)?: return seconds
            case nil: diagnostics.append(source.diagnostic(at: node, "unknown attribute '\(name)'"))
            default: diagnostics.append(source.diagnostic(at: node, "attribute '\(name)' is not a duration"))
            }
            return nil
        }
        diagnostics.append(source.diagnostic(at: node, "'\(key)' must be a duration such as 45s, 10m or 3h, or attr.NAME"))
        return nil
    }

    static func readSchedule(_ node: Node, source: YAMLSource, timeZone: TimeZone, diagnostics: inout DiagnosticList) -> ActiveSchedule? {
        guard let map = YAMLMapping(node, in: source, what: "'active'", diagnostics: &diagnostics) else { return nil }
        map.rejectUnknownKeys(["from", "to", "days", "timezone"], what: "'active'", diagnostics: &diagnostics)
        var zone = timeZone
        if let name = map.string("timezone", diagnostics: &diagnostics) {
            if let named = TimeZone(identifier: name) { zone = named } else {
                diagnostics.append(source.diagnostic(at: map["timezone"], "unknown time zone '\(name)'"))
            }
        }
        var days = ActiveSchedule.allWeekdays
        if let names = map.stringList("days", diagnostics: &diagnostics) {
            days = []
            for name in names {
                if let day = ActiveSchedule.weekdayNames[name.lowercased().prefix(3).description] { days.insert(day) } else {
                    diagnostics.append(source.diagnostic(at: map["days"], "unknown day '\(name)' (mon, tue, wed, thu, fri, sat, sun)"))
                }
            }
        }
        let from = map.require("from", what: "'active'", diagnostics: &diagnostics).flatMap { _ in map.string("from", diagnostics: &diagnostics) }
        let to = map.require("to", what: "'active'", diagnostics: &diagnostics).flatMap { _ in map.string("to", diagnostics: &diagnostics) }
        let fromMinute = from.flatMap(ActiveSchedule.minutes)
        let toMinute = to.flatMap(ActiveSchedule.minutes)
        if from != nil, fromMinute == nil { diagnostics.append(source.diagnostic(at: map["from"], "'from' must be a time HH:MM")) }
        if to != nil, toMinute == nil { diagnostics.append(source.diagnostic(at: map["to"], "'to' must be a time HH:MM")) }
        guard let fromMinute, let toMinute else { return nil }
        return ActiveSchedule(fromMinute: fromMinute, toMinute: toMinute % 1440, weekdays: days, timeZone: zone)
    }

    /// The condition under `key`, compiled against `schema`; nil without a schema (no usable
    /// match, whose error is already reported: checking against `any` would only repeat it).
    static func readCondition(_ key: String, in mapping: YAMLMapping, schema: RuleSchema?, diagnostics: inout DiagnosticList) -> RuleCondition? {
        guard let value = mapping[key], let schema else { return nil }
        guard let scalar = value.scalar, !scalar.string.trimmingCharacters(in: .whitespaces).isEmpty else {
            diagnostics.append(mapping.source.diagnostic(at: value, "'\(key)' must be a condition such as hr_bpm > attr.hr_high"))
            return nil
        }
        let style: RuleScalarStyle = switch scalar.style {
        case .singleQuoted: .singleQuoted
        case .doubleQuoted: .doubleQuoted
        case .literal, .folded: .block
        default: scalar.string.contains("\n") ? .block : .plain
        }
        let mark = value.mark
        return RuleConditionCompiler.compile(scalar.string, file: mapping.source.path, line: mark?.line ?? 1, column: mark?.column ?? 1,
                                             style: style, schema: schema, diagnostics: &diagnostics)
    }

    /// `absent: {for: ...}`: how long a device may stay silent.
    static func readAbsent(_ map: YAMLMapping, diagnostics: inout DiagnosticList) -> Rule.Silence? {
        let source = map.source
        if let absentMap = YAMLMapping(map["absent"], in: source, what: "'absent'", diagnostics: &diagnostics) {
            absentMap.rejectUnknownKeys(["for"], what: "'absent'", diagnostics: &diagnostics)
            if let forNode = absentMap.require("for", what: "'absent'", diagnostics: &diagnostics) {
                return silence(forNode, source: source, diagnostics: &diagnostics)
            }
        }
        return nil
    }

    /// `count: {at_least, within}`: how often the condition must hold, instead of `for`.
    static func readCount(_ map: YAMLMapping, hold: Double, diagnostics: inout DiagnosticList) -> RuleTiming.Count? {
        let source = map.source
        var count: RuleTiming.Count?
        if let countMap = YAMLMapping(map["count"], in: source, what: "'count'", diagnostics: &diagnostics) {
            countMap.rejectUnknownKeys(["at_least", "within"], what: "'count'", diagnostics: &diagnostics)
            let atLeast = countMap.require("at_least", what: "'count'", diagnostics: &diagnostics).flatMap { _ in countMap.int("at_least", diagnostics: &diagnostics) }
            let within = countMap.require("within", what: "'count'", diagnostics: &diagnostics).flatMap { _ in countMap.duration("within", diagnostics: &diagnostics) }
            if let atLeast, atLeast < 1 { diagnostics.append(source.diagnostic(at: countMap["at_least"], "'at_least' must be 1 or more")) }
            if let atLeast, let within { count = RuleTiming.Count(atLeast: atLeast, withinMs: Int64(within * 1000)) }
            if hold > 0 { diagnostics.append(source.diagnostic(at: map["count"], "a rule has either 'for' or 'count', not both")) }
        }
        return count
    }

    /// `clear`: manual, `{when, for}` or `{quiet_for}`; with the attribute a `for` names, if any.
    static func readClear(_ map: YAMLMapping, context: RuleReadContext, schema: RuleSchema?,
                          diagnostics: inout DiagnosticList) -> (RuleTiming.Clear, RuleCondition?, String?) {
        let source = map.source
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
                    clearWhen = readCondition("when", in: clearMap, schema: schema, diagnostics: &diagnostics)
                    let holdClear = clearMap["for"].flatMap { readDuration($0, key: "for", source: source, attributes: context.attributes, diagnostics: &diagnostics) } ?? 0
                    clear = .condition(holdMs: Int64(holdClear * 1000))
                    if let text = clearMap["for"]?.scalar?.string, text.hasPrefix("attr.") { clearHoldAttribute = String(text.dropFirst(5)) }
                } else {
                    diagnostics.append(source.diagnostic(at: clearNode, "'clear' needs 'when' or 'quiet_for' (or write clear: manual)"))
                }
            }
        }
        return (clear, clearWhen, clearHoldAttribute)
    }

    /// `sla: {respond, resolve, auto_resolve}`: the rule's own response and resolution times.
    static func readSLA(_ map: YAMLMapping, severity: String, diagnostics: inout DiagnosticList) -> (Double?, Double?, Bool) {
        let source = map.source
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
        return (respond, resolve, autoResolve)
    }
}
