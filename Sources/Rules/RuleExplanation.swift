/// Why one rule did or did not fire for one device at one instant, taken from the engine's
/// own state (`RuleEngine.explain`): each condition with the value of every sub-expression,
/// what was unknown and why, the hold or window progress, the schedule, the inhibitions.
/// Pure data: `text(timeZone:)` and `json(timeZone:)` render it, with the verdict in words.
public struct RuleExplanation: Sendable, Hashable {
    /// Which of the rule's conditions a `Condition` is.
    public enum Role: String, Sendable, Hashable { case require, when, clear }

    /// One sub-expression of a condition and its value on the device's last reading.
    public struct Term: Sendable, Hashable {
        public var text: String
        /// Nesting below the condition itself (0 = the whole condition).
        public var depth: Int
        /// The value as the language writes it (`130`, `true`, `"tamper"`, `10m`), or `unknown`.
        public var value: String
        /// Why the value is unknown (`no hr_bpm in the reading`); nil when it is known.
        public var unknownReason: String?
    }

    /// A `require`, `when` or `clear` condition, evaluated on the device's last reading.
    public struct Condition: Sendable, Hashable {
        public var role: Role
        public var text: String
        public var truth: Truth
        /// The whole condition first, then its parts, depth first.
        public var terms: [Term]
        /// What would make a true `when` false, resolved against the reading
        /// (`hr_bpm drops to 120 or below`); nil when the condition is not true.
        public var unless: String?
    }

    /// How far the alert's clock has run: the `for` hold, the `count` window, the clear hold,
    /// the quiet period or the silence of an `absent` rule.
    public enum Progress: Sendable, Hashable {
        /// Pending: `when` has held since `sinceMs`; it fires at `sinceMs + holdMs` if a
        /// reading confirms it at least every `gapToleranceMs`.
        case hold(sinceMs: Int64, holdMs: Int64, lastTrueMs: Int64, gapToleranceMs: Int64)
        /// `count`: true readings inside the sliding window ending now.
        case count(occurrencesMs: [Int64], atLeast: Int, withinMs: Int64)
        /// Firing with `clear: {when, for}`: the clear condition has held since `sinceMs` (nil: not holding).
        case clearHold(sinceMs: Int64?, holdMs: Int64)
        /// Firing with `clear: {quiet_for}`: `when` was last true at `lastTrueMs`.
        case quiet(lastTrueMs: Int64, quietMs: Int64)
        /// An `absent` rule: silent since `lastHeardMs` (nil: never heard); absent at `deadlineMs`.
        case silence(lastHeardMs: Int64?, silenceMs: Int64, deadlineMs: Int64?, linkUp: Bool)
    }

    /// The rule's `active` window and whether `atMs` lies inside it.
    public struct Schedule: Sendable, Hashable {
        /// As written: `23:00-05:00`, with the days when not every day (`23:00-05:00 sat,sun`).
        public var text: String
        public var activeNow: Bool
        /// When it next opens or closes.
        public var nextEdgeMs: Int64?
    }

    /// An `inhibit` entry that can hold this rule back, and the firing source, if any.
    public struct Inhibition: Sendable, Hashable {
        public var source: String
        public var equal: [String]
        /// The device on which `source` fires and holds this alert back now; nil when none.
        public var firingOn: String?
    }

    public var ruleID: String
    public var deviceID: String
    /// The device's type, whose personal fields a caller may not be shown.
    public var deviceType: String
    public var severity: String
    public var atMs: Int64
    public var phase: AlertInstance.Phase
    public var pendingSinceMs: Int64?
    public var firingSinceMs: Int64?
    /// How the alert ends once firing (`whenFalse`, a clear hold, quiet period, manual).
    public var clear: RuleTiming.Clear
    /// When the device's last reading arrived; nil when none did.
    public var lastReadingMs: Int64?
    /// How old a reading may be before what it said is no longer trusted (the gap tolerance).
    public var staleAfterMs: Int64
    public var conditions: [Condition]
    public var progress: Progress?
    public var schedule: Schedule?
    public var inhibitions: [Inhibition]

    /// The last reading is older than the gap tolerance: its values count as unknown now.
    public var isStale: Bool {
        guard let lastReadingMs else { return false }
        return atMs - lastReadingMs > staleAfterMs
    }

    /// The firing source rule holding this alert back, if any.
    public var inhibitedBy: String? { inhibitions.first { $0.firingOn != nil }?.source }

    public func condition(_ role: Role) -> Condition? { conditions.first { $0.role == role } }

    /// The explanation for a caller who may not see personal data: the value of every part
    /// that reads one of `fields` and is not itself true or false (`hr_bpm`, `rate(hr_bpm, 5m)`)
    /// becomes `hidden`. Truths stay: whether the alert's condition held is not the reading.
    public func hidingValues(of fields: Set<String>) -> RuleExplanation {
        guard !fields.isEmpty else { return self }
        var copy = self
        for index in copy.conditions.indices {
            for term in copy.conditions[index].terms.indices {
                let part = copy.conditions[index].terms[term]
                guard !["true", "false", "unknown"].contains(part.value) else { continue }
                let names = part.text.split { !($0.isLetter || $0.isNumber || $0 == "_" || $0 == ".") }
                if names.contains(where: { fields.contains(String($0)) }) { copy.conditions[index].terms[term].value = "hidden" }
            }
        }
        return copy
    }
}
