import Devices

/// One alerting rule from `config/rules/*.yaml`: which devices it watches, the condition
/// that raises the alert, how long it must hold, how it clears, when it is active, and what
/// the resulting ticket looks like. The rule id is the stable key for state and tickets.
public struct Rule: Sendable {
    /// Which devices a rule watches; an empty list means "any".
    public struct Match: Sendable, Hashable {
        /// A device type, or nil for `type: any`.
        public var type: String?
        public var communities: Set<String> = []
        public var buildings: Set<String> = []
        public var devices: Set<String> = []

        public init(type: String?) { self.type = type }

        public func matches(_ device: Device) -> Bool {
            (type == nil || type == device.type)
                && (communities.isEmpty || communities.contains(device.community))
                && (buildings.isEmpty || buildings.contains(device.building))
                && (devices.isEmpty || devices.contains(device.id))
        }
    }

    /// How long a device must be silent for an `absent` rule.
    public enum Silence: Sendable, Hashable {
        case seconds(Double)
        /// A multiple of the device type's reporting interval (`3 * interval`).
        case intervals(Double)

        public func milliseconds(interval: Double) -> Int64 {
            switch self {
            case let .seconds(seconds): Int64(seconds * 1000)
            case let .intervals(count): Int64(count * interval * 1000)
            }
        }
    }

    public var id: String
    public var match: Match
    /// Precondition (`require: worn`): when not definitely true, the condition is unknown.
    public var require: RuleCondition?
    public var when: RuleCondition?
    public var absent: Silence?
    public var holdSeconds: Double = 0
    public var count: RuleTiming.Count?
    public var clear: RuleTiming.Clear
    public var clearWhen: RuleCondition?
    public var active: ActiveSchedule?
    public var severity: String
    public var category: String
    public var title: String
    public var respondWithinSeconds: Double?
    public var resolveWithinSeconds: Double?
    /// Where the rule is defined, for messages.
    public var file: String
    public var line: Int
    /// The rule's definition as text: an unchanged fingerprint keeps its state on reload.
    public var fingerprint: String

    /// Timing for the state machine, given the device type's reporting interval and the
    /// rule set's gap tolerance (in reporting intervals).
    public func timing(reportingInterval: Double, gapIntervals: Double) -> RuleTiming {
        let tolerance = Int64(max(reportingInterval * gapIntervals, holdSeconds > 0 ? reportingInterval : 0) * 1000)
        return RuleTiming(holdMs: Int64(holdSeconds * 1000), gapToleranceMs: max(tolerance, 1000), clear: clear, count: count)
    }
}

/// A condition as written in a rule file, compiled, with the place it came from.
public struct RuleCondition: Sendable {
    public var text: String
    public var compiled: CompiledRuleExpression
    public var file: String
    public var line: Int
    public var column: Int
    public var style: RuleScalarStyle

    public init(text: String, compiled: CompiledRuleExpression, file: String, line: Int, column: Int, style: RuleScalarStyle) {
        self.text = text
        self.compiled = compiled
        self.file = file
        self.line = line
        self.column = column
        self.style = style
    }
}

/// `inhibit:` — while `source` fires for a device, alerts of `targets` sharing the `equal`
/// labels (device, building, community) are held back.
public struct InhibitRule: Sendable, Hashable {
    public var source: String
    public var targets: Set<String>
    public var equal: [String]

    public init(source: String, targets: Set<String>, equal: [String]) {
        self.source = source
        self.targets = targets
        self.equal = equal
    }
}
