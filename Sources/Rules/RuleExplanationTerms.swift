import Devices
import Formats
import Foundation

/// Takes a condition apart for `RuleExplanation`: every sub-expression is compiled on its
/// own against the rule's schema and evaluated by the engine's evaluator over the same
/// track, so the values shown are the ones the engine computed, not a second reading of them.
struct RuleExplanationTerms {
    let schema: RuleSchema
    let context: TrackContext
    /// False before the device's first reading: every field is unknown for that reason.
    let hasReading: Bool

    func explain(_ condition: RuleCondition, role: RuleExplanation.Role) -> RuleExplanation.Condition {
        var terms: [RuleExplanation.Term] = []
        walk(condition.compiled.expression, source: condition.text, depth: 0, into: &terms)
        let truth = condition.compiled.truth(in: context)
        let unless = role == .when && truth == .true ? unless(condition.compiled.expression, source: condition.text) : nil
        return RuleExplanation.Condition(role: role, text: condition.text, truth: truth, terms: terms, unless: unless)
    }

    private func walk(_ node: RuleExpression, source: String, depth: Int, into terms: inout [RuleExplanation.Term]) {
        guard !Self.isLiteral(node) else { return }
        let text = Self.slice(source, node.range)
        if let (value, type) = evaluate(text) {
            terms.append(RuleExplanation.Term(text: text, depth: depth, value: Self.written(value, type: type),
                                              unknownReason: value.isUnknown ? unknownReason(node, source: source) : nil))
        }
        for child in Self.children(of: node) { walk(child, source: source, depth: depth + 1, into: &terms) }
    }

    /// The value of a piece of the condition; nil when the piece does not stand alone.
    private func evaluate(_ text: String) -> (RuleValue, RuleType)? {
        guard let compiled = try? CompiledRuleExpression(text, schema: schema, expecting: nil) else { return nil }
        return (compiled.evaluate(in: context), compiled.type)
    }

    private func value(_ node: RuleExpression, source: String) -> RuleValue {
        evaluate(Self.slice(source, node.range))?.0 ?? .unknown
    }

    private func unknownReason(_ node: RuleExpression, source: String) -> String {
        guard hasReading else { return "no reading from the device yet" }
        switch node.kind {
        case let .field(name):
            switch context.track.currentValue(name) {
            case nil: return "no \(name) in the reading"
            case .null?: return "\(name) is null in the reading"
            default: return "\(name) is not a single value"
            }
        case let .attribute(name):
            return "attr.\(name) has no value for this device"
        case let .call(name, _, arguments):
            let field = arguments.first.map { Self.slice(source, $0.range) } ?? "the field"
            if arguments.contains(where: { if case .field = $0.kind { return false }; return value($0, source: source).isUnknown }) {
                break
            }
            return name == "delta" ? "no earlier reading with \(field)" : "too few readings of \(field) in the window"
        default:
            break
        }
        let unknownPart = Self.children(of: node).first { child in
            if Self.isLiteral(child) { return false }
            return value(child, source: source).isUnknown
        }
        return unknownPart.map { "\(Self.slice(source, $0.range)) is unknown" } ?? "unknown"
    }

    /// What would turn a true condition false, in words, with attributes resolved.
    private func unless(_ node: RuleExpression, source: String) -> String {
        switch node.kind {
        case let .comparison(first, steps) where steps.count == 1:
            let name = Self.slice(source, first.range)
            guard !Self.isLiteral(first), let (bound, type) = evaluate(Self.slice(source, steps[0].operand.range)),
                  !bound.isUnknown else { break }
            let limit = Self.written(bound, type: type)
            switch steps[0].op {
            case .greater: return "\(name) drops to \(limit) or below"
            case .greaterOrEqual: return "\(name) drops below \(limit)"
            case .less: return "\(name) rises to \(limit) or above"
            case .lessOrEqual: return "\(name) rises above \(limit)"
            case .equal: return "\(name) is no longer \(limit)"
            case .notEqual: return "\(name) becomes \(limit)"
            }
        case let .field(name):
            return "\(name) turns false"
        case let .unary(.not, operand):
            if case let .field(name) = operand.kind { return "\(name) turns true" }
        case let .binary(.and, left, right):
            return unless(left, source: source) + " or " + unless(right, source: source)
        case let .binary(.or, left, right):
            let holding = [left, right].filter { value($0, source: source) == .bool(true) }
            if !holding.isEmpty { return holding.map { unless($0, source: source) }.joined(separator: " and ") }
        default:
            break
        }
        return "\(Self.slice(source, node.range)) turns false"
    }

    static func isLiteral(_ node: RuleExpression) -> Bool {
        switch node.kind {
        case .number, .string, .bool, .duration, .invalid: true
        default: false
        }
    }

    static func children(of node: RuleExpression) -> [RuleExpression] {
        switch node.kind {
        case let .unary(_, operand): [operand]
        case let .binary(_, left, right): [left, right]
        case let .comparison(first, steps): [first] + steps.map(\.operand)
        case let .call(_, _, arguments): arguments
        default: []
        }
    }

    /// The text of a node: ranges count Unicode scalars.
    static func slice(_ source: String, _ range: Range<Int>) -> String {
        let scalars = Array(source.unicodeScalars)
        let clamped = max(0, range.lowerBound)..<min(scalars.count, range.upperBound)
        var text = String.UnicodeScalarView()
        text.append(contentsOf: scalars[clamped])
        return String(text)
    }

    /// A value as the rule language writes it; durations as `10m`.
    static func written(_ value: RuleValue, type: RuleType) -> String {
        if type == .duration, let seconds = value.number { return DurationText.format(seconds) }
        // Six significant digits: a rate of 0.28649541185056127 m³/h reads as 0.286495.
        if let number = value.number, number != number.rounded(), abs(number) < 1e6 { return String(format: "%.6g", number) }
        return value.description
    }
}
