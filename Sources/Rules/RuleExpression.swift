/// The syntax tree of one rule expression (a `when:` condition, a `clear:` condition, a value).
///
/// Every node keeps the range of Unicode-scalar offsets it came from in the expression text,
/// so the checker can point at the exact operand that is wrong, and a YAML loader can turn
/// that into `FILE:LINE:COL` with `RuleExpressionIssue.diagnostic(...)`.
public struct RuleExpression: Sendable, Hashable, CustomStringConvertible {
    /// `not x` and `-x`.
    public enum UnaryOperator: String, Sendable, Hashable {
        case not
        case negate = "-"
    }

    /// Two-sided operators other than comparisons (which chain, so they have their own node).
    public enum BinaryOperator: String, Sendable, Hashable {
        case or, and
        case add = "+"
        case subtract = "-"
        case multiply = "*"
        case divide = "/"

        /// `and` and `or` combine truths; the others combine numbers.
        public var isLogical: Bool { self == .and || self == .or }
    }

    /// The comparison operators.
    public enum ComparisonOperator: String, Sendable, Hashable, CaseIterable {
        case equal = "=="
        case notEqual = "!="
        case less = "<"
        case lessOrEqual = "<="
        case greater = ">"
        case greaterOrEqual = ">="

        /// `<`, `<=`, `>`, `>=`: these need values that have an order (numbers, durations).
        public var isOrdering: Bool { self != .equal && self != .notEqual }
        /// `<` and `<=` go up, `>` and `>=` go down; a chain must go one way to read naturally.
        var direction: Int {
            switch self {
            case .less, .lessOrEqual: 1
            case .greater, .greaterOrEqual: -1
            case .equal, .notEqual: 0
            }
        }
    }

    /// One `op operand` link of a comparison chain such as `a <= x <= b`.
    public struct ComparisonStep: Sendable, Hashable {
        public var op: ComparisonOperator
        /// Where the operator itself is written.
        public var operatorRange: Range<Int>
        public var operand: RuleExpression

        public init(op: ComparisonOperator, operatorRange: Range<Int>, operand: RuleExpression) {
            self.op = op
            self.operatorRange = operatorRange
            self.operand = operand
        }
    }

    /// What a node is. `indirect` because expressions nest.
    public indirect enum Kind: Sendable, Hashable {
        case number(Double)
        case string(String)
        case bool(Bool)
        /// A duration literal (`10m`, `1h30m`, `500ms`), kept as seconds and as written.
        case duration(seconds: Double, text: String)
        /// A payload field of the reading (`hr_bpm`).
        case field(String)
        /// A rule attribute (`attr.hr_high`), resolved per device by the caller.
        case attribute(String)
        case unary(UnaryOperator, RuleExpression)
        case binary(BinaryOperator, RuleExpression, RuleExpression)
        /// `first op1 x1 op2 x2 ...`: one step is a plain comparison, more is a chain that
        /// means `first op1 x1 and x1 op2 x2` with each operand evaluated once.
        case comparison(RuleExpression, [ComparisonStep])
        case call(name: String, nameRange: Range<Int>, arguments: [RuleExpression])
        /// What the parser put where the text was unreadable; its error is already reported,
        /// and the checker stays silent about it so one typo does not cascade.
        case invalid
    }

    public var kind: Kind
    public var range: Range<Int>

    public init(_ kind: Kind, _ range: Range<Int>) {
        self.kind = kind
        self.range = range
    }

    /// A fully parenthesised rendering, so tests can see how the parser grouped things.
    public var description: String {
        switch kind {
        case let .number(value): Self.format(value)
        case let .string(value): "\"" + value + "\""
        case let .bool(value): value ? "true" : "false"
        case let .duration(_, text): text
        case let .field(name): name
        case let .attribute(name): "attr." + name
        case let .unary(.not, operand): "(not \(operand))"
        case let .unary(.negate, operand): "(-\(operand))"
        case let .binary(op, left, right): "(\(left) \(op.rawValue) \(right))"
        case let .comparison(first, steps):
            "(" + ([first.description] + steps.map { "\($0.op.rawValue) \($0.operand)" }).joined(separator: " ") + ")"
        case let .call(name, _, arguments): name + "(" + arguments.map(\.description).joined(separator: ", ") + ")"
        case .invalid: "<invalid>"
        }
    }

    /// Whole numbers print without a fraction (`5`, not `5.0`), as the author wrote them.
    static func format(_ value: Double) -> String {
        if value.isFinite, value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }
}
