import Devices
import Formats
import Foundation
import Rules
import Testing

/// Shared fixtures: a made-up device type with one field of every kind, the shipped device
/// types from `devices/`, and shorthands to compile and evaluate.
enum RuleTestSupport {
    static let probeType = DeviceType(name: "probe", description: "test device", reportingInterval: 60, heartbeat: 180, fields: [
        DeviceType.Field(name: "x", kind: .number),
        DeviceType.Field(name: "y", kind: .number),
        DeviceType.Field(name: "n", kind: .integer),
        DeviceType.Field(name: "a", kind: .bool),
        DeviceType.Field(name: "b", kind: .bool),
        DeviceType.Field(name: "label", kind: .string),
        DeviceType.Field(name: "mode", kind: .enum, values: ["auto", "manual", "off"]),
        DeviceType.Field(name: "total", kind: .number),
    ])

    static let probeAttributes: [String: RuleSchema.AttributeKind] = [
        "low": .number, "high": .number, "window": .duration, "site": .string, "enabled": .bool,
    ]

    static let probe = RuleSchema(deviceType: probeType, attributes: probeAttributes)

    /// The repository's `devices/` directory, found from this file so tests run anywhere.
    static let devicesDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("devices").path

    static func shippedTypes() -> DeviceTypeCatalog {
        var diagnostics = DiagnosticList()
        let catalog = DeviceTypeCatalog.load(directory: devicesDirectory, diagnostics: &diagnostics)
        #expect(diagnostics.items.isEmpty, "\(diagnostics.items)")
        return catalog
    }

    static func compile(_ text: String, _ schema: RuleSchema = probe, expecting: RuleType? = .bool) throws(RuleExpressionErrors) -> CompiledRuleExpression {
        try CompiledRuleExpression(text, schema: schema, expecting: expecting)
    }

    /// The truth of `text` over `values` (and attributes), or a recorded issue.
    static func truth(_ text: String, _ values: [String: RuleValue] = [:], attributes: [String: RuleValue] = [:],
                      stale: Set<String> = []) -> Truth {
        do {
            let compiled = try compile(text)
            return compiled.truth(in: InMemoryRuleContext(values: values, attributes: attributes, stale: stale))
        } catch {
            Issue.record("\(text): \(error)")
            return .unknown
        }
    }

    /// The value of `text` over `context`.
    static func value(_ text: String, _ context: InMemoryRuleContext, _ schema: RuleSchema = probe) -> RuleValue {
        do {
            return try compile(text, schema, expecting: nil).evaluate(in: context)
        } catch {
            Issue.record("\(text): \(error)")
            return .unknown
        }
    }

    /// The errors of `text` as `start..<end: message`.
    static func errors(_ text: String, _ schema: RuleSchema = probe, expecting: RuleType? = .bool) -> [String] {
        do {
            _ = try compile(text, schema, expecting: expecting)
            return []
        } catch {
            return error.issues.map(\.description)
        }
    }
}
