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
}
