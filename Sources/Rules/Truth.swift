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
