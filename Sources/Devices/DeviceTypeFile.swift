import Formats
import Foundation
import Yams

/// Reads one device type file:
/// ```yaml
/// type: wristband
/// reporting_interval: 60s
/// heartbeat: 5m
/// fields:
///   hr_bpm: {type: number, unit: bpm, range: [25, 230], personal: true}
/// ```
enum DeviceTypeFile {
    static func read(_ source: YAMLSource, diagnostics: inout DiagnosticList) -> DeviceType? {
        guard let root = source.root else { return nil }
        guard let top = YAMLMapping(root, in: source, what: "a device type file", diagnostics: &diagnostics) else { return nil }
        top.rejectUnknownKeys(["type", "description", "reporting_interval", "heartbeat", "self_test_interval", "battery", "fields"], what: "a device type", diagnostics: &diagnostics)
        let name = top.require("type", what: "a device type", diagnostics: &diagnostics).flatMap { _ in top.string("type", diagnostics: &diagnostics) }
        if let name, name.range(of: "^[a-z][a-z0-9_]*$", options: .regularExpression) == nil {
            diagnostics.append(source.diagnostic(at: top["type"], "type name '\(name)' must be lower_snake_case"))
        }
        let interval = top.require("reporting_interval", what: "a device type", diagnostics: &diagnostics)
            .flatMap { _ in top.duration("reporting_interval", diagnostics: &diagnostics) }
        let heartbeat = top.duration("heartbeat", diagnostics: &diagnostics)
        if let interval, interval <= 0 {
            diagnostics.append(source.diagnostic(at: top["reporting_interval"], "reporting_interval must be positive"))
        }
        if let interval, let heartbeat, heartbeat < interval {
            diagnostics.append(source.diagnostic(at: top["heartbeat"], "heartbeat (\(DurationText.format(heartbeat))) is shorter than reporting_interval (\(DurationText.format(interval)))"))
        }
        let selfTest = readSelfTestInterval(top, source: source, interval: interval, diagnostics: &diagnostics)
        let battery = top.string("battery", diagnostics: &diagnostics) ?? "replaceable"
        if !["replaceable", "rechargeable"].contains(battery) {
            diagnostics.append(source.diagnostic(at: top["battery"], "battery must be replaceable (the default) or rechargeable, not '\(battery)'"))
        }
        var fields: [DeviceType.Field] = []
        if let fieldsNode = top.require("fields", what: "a device type", diagnostics: &diagnostics),
           let fieldMap = YAMLMapping(fieldsNode, in: source, what: "'fields'", diagnostics: &diagnostics) {
            for (fieldName, keyNode, value) in fieldMap.entries {
                if DeviceType.commonFields[fieldName] != nil {
                    diagnostics.append(source.diagnostic(at: keyNode, "field '\(fieldName)' is common to every type and cannot be redeclared"))
                    continue
                }
                if let field = readField(fieldName, value, source: source, diagnostics: &diagnostics) { fields.append(field) }
            }
        }
        if selfTest != nil, !fields.contains(where: { $0.name == "test" && $0.kind == .bool }) {
            diagnostics.append(source.diagnostic(at: top["self_test_interval"], "self_test_interval needs a bool field 'test' (the self-test reading)"))
        }
        guard let name, let interval else { return nil }
        return DeviceType(name: name, description: top.string("description", diagnostics: &diagnostics) ?? "",
                          reportingInterval: interval, heartbeat: heartbeat ?? interval * 3, fields: fields,
                          selfTestInterval: selfTest, rechargeable: battery == "rechargeable")
    }

    /// `self_test_interval`: positive and no shorter than the reporting interval (a device
    /// cannot be seen testing more often than it reports).
    private static func readSelfTestInterval(_ top: YAMLMapping, source: YAMLSource, interval: Double?, diagnostics: inout DiagnosticList) -> Double? {
        guard top["self_test_interval"] != nil, let value = top.duration("self_test_interval", diagnostics: &diagnostics) else { return nil }
        if value <= 0 {
            diagnostics.append(source.diagnostic(at: top["self_test_interval"], "self_test_interval must be positive"))
            return nil
        }
        if let interval, value < interval {
            diagnostics.append(source.diagnostic(at: top["self_test_interval"],
                                                 "self_test_interval (\(DurationText.format(value))) is shorter than reporting_interval (\(DurationText.format(interval)))"))
        }
        return value
    }

    private static func readField(_ name: String, _ node: Node, source: YAMLSource, diagnostics: inout DiagnosticList) -> DeviceType.Field? {
        guard let map = YAMLMapping(node, in: source, what: "field '\(name)'", diagnostics: &diagnostics) else { return nil }
        map.rejectUnknownKeys(["type", "unit", "range", "values", "description", "personal"], what: "field '\(name)'", diagnostics: &diagnostics)
        guard map.require("type", what: "field '\(name)'", diagnostics: &diagnostics) != nil,
              let kindText = map.string("type", diagnostics: &diagnostics) else { return nil }
        guard let kind = DeviceType.ValueKind(rawValue: kindText) else {
            let kinds = DeviceType.ValueKind.allCases.map(\.rawValue).joined(separator: ", ")
            diagnostics.append(source.diagnostic(at: map["type"], "unknown field type '\(kindText)' (expected one of: \(kinds))"))
            return nil
        }
        var range: ClosedRange<Double>?
        if let rangeNode = map["range"] {
            let bounds = rangeNode.sequence?.compactMap { $0.float ?? $0.int.map(Double.init) } ?? []
            if bounds.count == 2, rangeNode.sequence?.count == 2, bounds[0] <= bounds[1] {
                range = bounds[0]...bounds[1]
            } else {
                diagnostics.append(source.diagnostic(at: rangeNode, "'range' must be [low, high] with low <= high"))
            }
            if kind != .number && kind != .integer {
                diagnostics.append(source.diagnostic(at: rangeNode, "'range' applies to number and integer fields only"))
            }
        }
        let values = map.stringList("values", diagnostics: &diagnostics) ?? []
        if kind == .enum && values.isEmpty {
            diagnostics.append(source.diagnostic(at: node, "enum field '\(name)' needs a non-empty 'values' list"))
        }
        return DeviceType.Field(name: name, kind: kind, unit: map.string("unit", diagnostics: &diagnostics), range: range,
                                values: values, description: map.string("description", diagnostics: &diagnostics),
                                personal: map.bool("personal", diagnostics: &diagnostics) ?? false)
    }
}
