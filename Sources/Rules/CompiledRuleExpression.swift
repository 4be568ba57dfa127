import Devices
import Formats

/// A rule expression parsed, type-checked against a schema and lowered to flat code: the
/// unit the rules engine keeps per rule and evaluates on every reading.
///
/// ```swift
/// let schema = RuleSchema(deviceType: wristband, attributes: ["hr_low": .number, "hr_high": .number])
/// let when = try CompiledRuleExpression("hr_bpm > attr.hr_high or hr_bpm < attr.hr_low", schema: schema)
/// switch when.truth(in: deviceState) { case .true: fire; case .false: maybe clear; case .unknown: hold }
/// ```
/// Compile once, evaluate many times: evaluation does no parsing, no name lookup and no
/// allocation of its own; its cost is the instructions plus what the context's answers cost.
public struct CompiledRuleExpression: Sendable, CustomStringConvertible {
    /// The expression text as written.
    public let source: String
    /// The syntax tree (with offsets), for tooling.
    public let expression: RuleExpression
    /// What the expression computes: `.bool` for conditions.
    public let type: RuleType
    /// Every payload field the expression reads, each once, numbered by `slot` from 0.
    public var fields: [RuleField] { Array(program.fields) }
    /// Every attribute the expression reads, each once, numbered by `slot` from 0.
    public var attributes: [RuleAttribute] { Array(program.attributes) }
    /// The history the window functions need: keep at least this much per field.
    public let windows: [RuleWindowUse]
    /// Fields whose previous reading `delta` reads.
    public let previousFields: [String]

    @usableFromInline let program: RuleProgram

    /// Parses and checks `text` against `schema`. `expecting` is the type the place needs:
    /// `.bool` for `when:`/`clear:` conditions, `.duration` for a `for:` value, nil for any.
    /// Throws every syntax and type error at once, sorted by position.
    public init(_ text: String, schema: RuleSchema, expecting expected: RuleType? = .bool) throws(RuleExpressionErrors) {
        let (expression, syntaxIssues) = RuleExpressionParser.parse(text)
        let (result, lowered) = RuleExpressionChecker(schema: schema).compile(expression, expecting: expected)
        // A syntax error leaves `.invalid` nodes the checker skips silently, so both lists
        // are worth reporting: the checker's errors are about the parts that did parse.
        let issues = (syntaxIssues + result.issues).sorted {
            ($0.range.lowerBound, $0.range.upperBound) < ($1.range.lowerBound, $1.range.upperBound)
        }
        guard issues.isEmpty, let lowered, let type = result.type else {
            throw RuleExpressionErrors(source: text, issues: issues)
        }
        self.source = text
        self.expression = expression
        self.type = type
        self.program = lowered.program
        self.windows = lowered.windows
        self.previousFields = lowered.previousFields
    }

    /// The truth of a condition: `.unknown` whenever what it depends on is unknown. For
    /// an expression that is not a condition, always `.unknown`.
    @inlinable
    public func truth<Context: RuleContext>(in context: Context) -> Truth {
        guard program.shape == .truth else { return .unknown }
        return RuleExpressionEvaluator(program: program, context: context).truth(program.root)
    }

    /// The value of the expression, whatever its type (`.unknown` when it cannot be known).
    @inlinable
    public func evaluate<Context: RuleContext>(in context: Context) -> RuleValue {
        let evaluator = RuleExpressionEvaluator(program: program, context: context)
        switch program.shape {
        case .truth:
            switch evaluator.truth(program.root) {
            case .true: return .bool(true)
            case .false: return .bool(false)
            case .unknown: return .unknown
            }
        case .number: return evaluator.number(program.root).map(RuleValue.number) ?? .unknown
        case .text: return evaluator.text(program.root).map(RuleValue.string) ?? .unknown
        }
    }

    public var description: String { source }
}

/// Every syntax and type error of one expression, thrown by `CompiledRuleExpression.init`.
public struct RuleExpressionErrors: Error, Sendable, CustomStringConvertible {
    public var source: String
    /// Sorted by position in the expression.
    public var issues: [RuleExpressionIssue]

    public init(source: String, issues: [RuleExpressionIssue]) {
        self.source = source
        self.issues = issues
    }

    /// File diagnostics for every issue; see `RuleExpressionIssue.diagnostic`.
    public func diagnostics(file: String, line: Int, column: Int, style: RuleScalarStyle = .plain) -> [Diagnostic] {
        issues.diagnostics(file: file, line: line, column: column, style: style)
    }

    public var description: String {
        issues.map { "\($0.range.lowerBound + 1): \($0.message)" }.joined(separator: "\n")
    }
}
