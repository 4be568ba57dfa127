import Devices
import Formats

/// Binds rule files to the expression language: compiles a condition against the schema of
/// the rule's device type (reporting its errors at their file positions), evaluates it over
/// a device track, and tells the engine how much history it needs.
enum RuleConditionCompiler {
    static func schema(deviceType: DeviceType?, attributes: [String: RuleSet.AttributeValue]) -> RuleSchema {
        let kinds = attributes.mapValues { value -> RuleSchema.AttributeKind in
            switch value {
            case .number: .number
            case .duration: .duration
            case .string: .string
            case .bool: .bool
            }
        }
        if let deviceType { return RuleSchema(deviceType: deviceType, attributes: kinds) }
        return RuleSchema.anyType(attributes: kinds)
    }

    static func compile(_ text: String, file: String, line: Int, column: Int, style: RuleScalarStyle, schema: RuleSchema,
                        diagnostics: inout DiagnosticList) -> RuleCondition? {
        do {
            let compiled = try CompiledRuleExpression(text, schema: schema, expecting: .bool)
            return RuleCondition(text: text, compiled: compiled, file: file, line: line, column: column, style: style)
        } catch {
            diagnostics.append(contentsOf: error.diagnostics(file: file, line: line, column: column, style: style))
            return nil
        }
    }

    static func evaluate(_ condition: RuleCondition, in context: TrackContext) -> Truth {
        condition.compiled.truth(in: context)
    }

    /// Seconds of history each windowed field needs for this device's attributes.
    static func windows(of condition: RuleCondition, attributes: [String: RuleSet.AttributeValue]) -> [String: Double] {
        var result: [String: Double] = [:]
        for use in condition.compiled.windows {
            let seconds: Double = switch use.length {
            case let .fixed(value): value
            case let .attribute(name): attributes[name]?.number ?? 0
            // An expression of attributes: keep a day, the longest window a rule sensibly uses.
            case .computed: 86_400
            }
            result[use.field] = max(result[use.field] ?? 0, seconds)
        }
        return result
    }
}
