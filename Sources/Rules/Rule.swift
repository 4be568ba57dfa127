import Devices
import Formats

/// One alerting rule from `config/rules/*.yaml`: which devices it watches, the condition
/// that raises the alert, how long it must hold, how it clears, when it is active, and what
/// the resulting ticket looks like. The rule id is the stable key for state and tickets.
/// A class of constants: the engine touches a rule per reading, and a struct this size
/// would be copied (and every field retained) each time.
public final class Rule: Sendable {
    /// Which devices a rule watches; an empty list means "any".
    public struct Match: Sendable, Hashable {
        /// A device type, or nil for `type: any`.
        public var type: String?
        public var communities: Set<String> = []
        public var buildings: Set<String> = []
        public var devices: Set<String> = []
        /// Attribute selectors (`attributes: {lives_alone: true}`): the device's resolved
        /// attributes must hold these values.
        public var attributes: [String: RuleSet.AttributeValue] = [:]

        public init(type: String?) { self.type = type }

        public func matches(_ device: Device, attributes resolved: [String: RuleSet.AttributeValue] = [:]) -> Bool {
            (type == nil || type == device.type)
                && (communities.isEmpty || communities.contains(device.community))
                && (buildings.isEmpty || buildings.contains(device.building))
                && (devices.isEmpty || devices.contains(device.id))
                && attributes.allSatisfy { resolved[$0.key] == $0.value }
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

    public let id: String
    public let match: Match
    /// Precondition (`require: worn`): when not definitely true, the condition is unknown.
    public let require: RuleCondition?
    public let when: RuleCondition?
    public let absent: Silence?
    public let holdSeconds: Double
    /// `for: attr.NAME`: the hold comes from each device's own attribute value.
    public let holdAttribute: String?
    /// `clear: {for: attr.NAME}`: the clear hold from each device's own attribute value.
    public let clearHoldAttribute: String?
    public let count: RuleTiming.Count?
    public let clear: RuleTiming.Clear
    public let clearWhen: RuleCondition?
    public let active: ActiveSchedule?
    public let severity: String
    public let category: String
    /// The title as English readers see it (`title: ...`, or `title: {en: ...}`).
    public let title: String
    /// The Chinese title (`title: {zh: ..., en: ...}`), first for the residents and staff who read it.
    public let titleZh: String?
    public let respondWithinSeconds: Double?
    public let resolveWithinSeconds: Double?
    /// `sla: {auto_resolve: true}`: the ticket resolves itself when the alert clears, if
    /// nobody acknowledged it (device offline, a door left open). Never for life safety.
    public let autoResolve: Bool
    /// `skill: first_aid`: only people with this skill are dispatched to its tickets.
    public let skill: String?
    /// `resources: [aed, clinic]`: classes of service resources its tickets list nearby.
    public let resourceClasses: [String]
    /// `item: fall_or_sos`: the demand catalogue's item its tickets are (its class is their category).
    public let item: String?
    /// Where `item` is written, for "unknown item" at its line and column.
    public let itemLine: Int
    public let itemColumn: Int
    /// Where the rule is defined, for messages.
    public let file: String
    public let line: Int
    /// The rule's definition as text: an unchanged fingerprint keeps its state on reload.
    public let fingerprint: String


    public init(id: String, match: Match, require: RuleCondition?, when: RuleCondition?, absent: Silence?, holdSeconds: Double, holdAttribute: String?, clearHoldAttribute: String? = nil,
                count: RuleTiming.Count?, clear: RuleTiming.Clear, clearWhen: RuleCondition?, active: ActiveSchedule?, severity: String,
                category: String, title: String, respondWithinSeconds: Double?, resolveWithinSeconds: Double?, file: String, line: Int,
                fingerprint: String, autoResolve: Bool = false, skill: String? = nil, resourceClasses: [String] = [],
                item: String? = nil, itemLine: Int = 0, itemColumn: Int = 0, titleZh: String? = nil) {
        self.titleZh = titleZh
        self.item = item
        self.itemLine = itemLine
        self.itemColumn = itemColumn
        self.autoResolve = autoResolve
        self.skill = skill
        self.resourceClasses = resourceClasses
        self.id = id
        self.match = match
        self.require = require
        self.when = when
        self.absent = absent
        self.holdSeconds = holdSeconds
        self.holdAttribute = holdAttribute
        self.clearHoldAttribute = clearHoldAttribute
        self.count = count
        self.clear = clear
        self.clearWhen = clearWhen
        self.active = active
        self.severity = severity
        self.category = category
        self.title = title
        self.respondWithinSeconds = respondWithinSeconds
        self.resolveWithinSeconds = resolveWithinSeconds
        self.file = file
        self.line = line
        self.fingerprint = fingerprint
    }

    /// The title for one device: `{device}`, `{community}`, `{building}`, `{unit}` and `{rule}`
    /// in the rule's title are filled in ("Smoke alarm in {building}-{unit}").
    public func title(for device: Device) -> String { Self.fill(title, for: device, rule: id) }

    /// The Chinese title for one device, when the rule has one.
    public func titleZh(for device: Device) -> String? { titleZh.map { Self.fill($0, for: device, rule: id) } }

    static func fill(_ title: String, for device: Device, rule id: String) -> String {
        PlaceholderText.fill(title) { name in
            switch name {
            case "device": device.id
            case "community": device.community
            case "building": device.building
            case "unit": device.unit
            case "rule": id
            default: nil
            }
        }
    }

    /// Timing for the state machine, given the device type's reporting interval and the
    /// rule set's gap tolerance (in reporting intervals).
    public func timing(reportingInterval: Double, gapIntervals: Double, attributes: [String: RuleSet.AttributeValue] = [:]) -> RuleTiming {
        let holdSeconds = holdAttribute.flatMap { attributes[$0]?.number } ?? self.holdSeconds
        let tolerance = Int64(max(reportingInterval * gapIntervals, holdSeconds > 0 ? reportingInterval : 0) * 1000)
        var clear = self.clear
        if case .condition = clear, let name = clearHoldAttribute, let seconds = attributes[name]?.number {
            clear = .condition(holdMs: Int64(seconds * 1000))
        }
        return RuleTiming(holdMs: Int64(holdSeconds * 1000), gapToleranceMs: max(tolerance, 1000), clear: clear, count: count)
    }
}

/// A condition as written in a rule file, compiled, with the place it came from. A class of
/// constants so that reaching it from a rule per reading copies nothing.
public final class RuleCondition: Sendable {
    public let text: String
    public let compiled: CompiledRuleExpression
    public let file: String
    public let line: Int
    public let column: Int
    public let style: RuleScalarStyle

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

    /// Whether a source firing on `source` holds back the target on `target`: they share
    /// every `equal` label (a building is only the same within one community).
    public func joins(_ source: Device, _ target: Device) -> Bool { joinKey(source) == joinKey(target) }

    /// The values of the `equal` labels for `device`: a source and a target join when theirs
    /// are the same (the engine counts firing sources by this key).
    public func joinKey(_ device: Device) -> [String] {
        equal.flatMap { label in
            switch label {
            case "building": [device.community, device.building]
            case "community": [device.community]
            default: [device.id]
            }
        }
    }
}
