import Devices

/// The outcome of a condition under three-valued logic. `unknown` is the point: a missing,
/// null or stale reading is neither true nor false, so the caller can refuse to fire an alert
/// on it and equally refuse to clear one (docs/design.md §6.2).
public enum Truth: Sendable, Hashable, CustomStringConvertible {
    case `true`, `false`, unknown

    @inlinable
    public init(_ value: Bool) { self = value ? .true : .false }

    /// True only when known to be true: the reading for "fire now".
    public var isTrue: Bool { self == .true }
    /// True only when known to be false: the reading for "clear now".
    public var isFalse: Bool { self == .false }
    public var isKnown: Bool { self != .unknown }

    /// Kleene conjunction: false wins over unknown, unknown wins over true.
    @inlinable
    public func and(_ other: Truth) -> Truth {
        if self == .false || other == .false { return .false }
        if self == .unknown || other == .unknown { return .unknown }
        return .true
    }

    /// Kleene disjunction: true wins over unknown, unknown wins over false.
    @inlinable
    public func or(_ other: Truth) -> Truth {
        if self == .true || other == .true { return .true }
        if self == .unknown || other == .unknown { return .unknown }
        return .false
    }

    /// Negation keeps unknown unknown: `not` can never turn a missing reading into a firing.
    @inlinable
    public var negated: Truth {
        switch self {
        case .true: .false
        case .false: .true
        case .unknown: .unknown
        }
    }

    public var description: String {
        switch self {
        case .true: "true"
        case .false: "false"
        case .unknown: "unknown"
        }
    }
}

/// A value an expression works with: what the evaluation context hands in for a field or an
/// attribute, and what a non-boolean expression evaluates to. Integers are numbers (Double
/// holds every plausible sensor integer exactly); durations are numbers of seconds.
public enum RuleValue: Sendable, Hashable, CustomStringConvertible {
    /// Absent, null, stale, or of the wrong kind: never treated as false or zero.
    case unknown
    case bool(Bool)
    case number(Double)
    case string(String)

    /// The value of a decoded payload field: null, a missing field, arrays and objects are unknown.
    public init(_ json: JSONValue?) {
        switch json {
        case let .bool(value)?: self = .bool(value)
        case let .int(value)?: self = .number(Double(value))
        case let .double(value)?: self = value.isFinite ? .number(value) : .unknown
        case let .string(value)?: self = .string(value)
        case .null?, .array?, .object?, nil: self = .unknown
        }
    }

    @inlinable
    public var isUnknown: Bool {
        if case .unknown = self { return true }
        return false
    }

    /// The truth of a boolean value; anything else is unknown (a number is not a condition).
    @inlinable
    public var truth: Truth {
        if case let .bool(value) = self { return Truth(value) }
        return .unknown
    }

    @inlinable
    public var number: Double? {
        if case let .number(value) = self { return value }
        return nil
    }

    @inlinable
    public var string: String? {
        if case let .string(value) = self { return value }
        return nil
    }

    /// The value as a point of a window series: numbers as they are, booleans as 0 and 1.
    /// Strings (enum values) have no number; give them a stable code of your own, such as
    /// the index in the field's `values`, since `changes` only compares them for equality.
    @inlinable
    public var sampleValue: Double? {
        switch self {
        case let .number(value): value
        case let .bool(value): value ? 1 : 0
        case .string, .unknown: nil
        }
    }

    public var description: String {
        switch self {
        case .unknown: "unknown"
        case let .bool(value): value ? "true" : "false"
        case let .number(value): RuleExpression.format(value)
        case let .string(value): "\"" + value + "\""
        }
    }
}

/// Literals for contexts and tests: `["hr_bpm": 80, "worn": true, "event": "doorbell"]`.
extension RuleValue: ExpressibleByBooleanLiteral, ExpressibleByFloatLiteral, ExpressibleByIntegerLiteral, ExpressibleByStringLiteral {
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(stringLiteral value: String) { self = .string(value) }
}
