/// A payload field an expression reads, resolved when the expression is compiled: `slot`
/// numbers the expression's distinct fields from 0 (see `CompiledRuleExpression.fields`),
/// so a context can keep one array per device and answer by index instead of hashing names.
public struct RuleField: Sendable, Hashable, CustomStringConvertible {
    public let slot: Int
    public let name: String

    public init(slot: Int, name: String) {
        self.slot = slot
        self.name = name
    }

    public var description: String { name }
}

/// An attribute an expression reads (`attr.hr_high` is `name == "hr_high"`), with its slot
/// among the expression's distinct attributes.
public struct RuleAttribute: Sendable, Hashable, CustomStringConvertible {
    public let slot: Int
    public let name: String

    public init(slot: Int, name: String) {
        self.slot = slot
        self.name = name
    }

    public var description: String { "attr." + name }
}

/// One point of a field's history: when the gateway received the reading (epoch ms) and the
/// field's value, booleans as 0/1 (see `RuleValue.sampleValue`).
public struct RuleSample: Sendable, Hashable {
    public var atMs: Int64
    public var value: Double

    public init(atMs: Int64, value: Double) {
        self.atMs = atMs
        self.value = value
    }
}

/// What an expression reads while it is evaluated; the rules engine implements it over
/// its per-device state, tests over dictionaries (`InMemoryRuleContext`).
///
/// Every method is called with the field or attribute resolved at compile time, and is
/// called only for what the expression actually needs (`and`/`or` stop early), so a context
/// should answer from memory it already holds: no allocation, no parsing.
///
/// Unknown is the context's to decide: a field absent from the reading, null, or stale
/// (older than the device's tolerated gap) must come back as `.unknown`, never as a
/// default; the expression then stays unknown instead of firing or clearing an alert.
public protocol RuleContext {
    /// A window of readings, oldest first. An `ArraySlice` of stored history is the natural
    /// choice: slicing copies nothing.
    associatedtype Series: Collection where Series.Element == RuleSample

    /// The field in the current reading (`.unknown` when absent, null or stale).
    func value(field: RuleField) -> RuleValue
    /// The attribute as it applies to this device (device < building < community overrides
    /// resolved by the caller). Durations are numbers of seconds.
    func attribute(_ attribute: RuleAttribute) -> RuleValue
    /// The field's value before the current one (for `delta`): from the latest earlier
    /// reading that carried it, so a heartbeat without the field does not hide a jump;
    /// `.unknown` when there is none (or it is too old to compare, the context's call).
    func previous(field: RuleField) -> RuleValue
    /// The readings of `field` received in the last `windowSeconds` up to and including the
    /// current one, i.e. times in (now - window, now], oldest first, leaving out readings
    /// that lacked the field. Numbers as they are, booleans 0/1, enum values as a stable code.
    func series(field: RuleField, windowSeconds: Double) -> Series
    /// A window function over `series(field:windowSeconds:)`. A context that keeps running
    /// tallies may answer without visiting the samples, but must give the same bits as
    /// `RuleFunction.window` over the series (the default).
    func windowValue(_ function: RuleFunction, field: RuleField, windowSeconds: Double) -> Double?
}

extension RuleContext {
    public func windowValue(_ function: RuleFunction, field: RuleField, windowSeconds: Double) -> Double? {
        RuleFunction.window(function, series(field: field, windowSeconds: windowSeconds))
    }
}

/// How much history a compiled expression needs for one field, so the engine keeps enough
/// readings (and no more) and knows which fields need their previous value.
public struct RuleWindowUse: Sendable, Hashable {
    /// How long the window is.
    public enum Length: Sendable, Hashable {
        /// A duration literal, in seconds.
        case fixed(Double)
        /// `attr.NAME`: its value per device decides.
        case attribute(String)
        /// Any other duration expression (`2 * attr.window`): evaluate it per device.
        case computed
    }

    public var field: String
    public var function: RuleFunction
    public var length: Length

    public init(field: String, function: RuleFunction, length: Length) {
        self.field = field
        self.function = function
        self.length = length
    }
}
