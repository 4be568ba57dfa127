import Devices
import Formats

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
