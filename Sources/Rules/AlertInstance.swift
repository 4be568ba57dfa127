/// Where one (rule, device) pair stands, and what its state machine decides on each event.
/// Pure and serialisable: the engine persists it so timers resume after a restart.
public struct AlertInstance: Sendable, Codable, Hashable {
    /// Prometheus-style phases: pending while a `for` hold runs, firing until cleared.
    public enum Phase: String, Sendable, Codable { case inactive, pending, firing }

    /// What an event did to the alert.
    public enum Action: Sendable, Equatable {
        case none
        case becamePending
        case fired
        case resolved
        /// Pending went back to inactive before firing (the hold was broken).
        case cancelledPending
    }

    public var phase: Phase = .inactive
    public var pendingSinceMs: Int64?
    public var firingSinceMs: Int64?
    /// Last time the firing condition was definitely true (for `quiet_for` and gap tolerance).
    public var lastTrueMs: Int64?
    /// Since when the clear condition has held (for `clear: {when, for}`).
    public var clearingSinceMs: Int64?
    /// Last time the clear condition was definitely true.
    public var lastClearTrueMs: Int64?
    /// Occurrence times inside the `count` window, oldest first.
    public var occurrencesMs: [Int64] = []

    public init() {}

    /// The condition was evaluated on a reading at `nowMs`.
    public mutating func conditionEvaluated(_ truth: Truth, clear: Truth?, at nowMs: Int64, rule: RuleTiming) -> Action {
        switch truth {
        case .true:
            // A gap longer than the tolerance breaks a hold: the state in between is unknown.
            if phase == .pending, let last = lastTrueMs, nowMs - last > rule.gapToleranceMs {
                pendingSinceMs = nowMs
            }
            lastTrueMs = nowMs
            clearingSinceMs = nil
            if let count = rule.count {
                occurrencesMs.append(nowMs)
                occurrencesMs.removeAll { $0 <= nowMs - count.withinMs }
                if phase != .firing, occurrencesMs.count < count.atLeast { return .none }
            }
            return becomeTrue(at: nowMs, rule: rule)
        case .false:
            if phase == .pending {
                phase = .inactive
                pendingSinceMs = nil
                return .cancelledPending
            }
            if phase == .firing, case .whenFalse = rule.clear { return resolve() }
        case .unknown:
            break
        }
        if phase == .firing, let clear, case let .condition(holdMs) = rule.clear {
            switch clear {
            case .true:
                if clearingSinceMs == nil || (lastClearTrueMs.map { nowMs - $0 > rule.gapToleranceMs } ?? false) { clearingSinceMs = nowMs }
                lastClearTrueMs = nowMs
                if nowMs - (clearingSinceMs ?? nowMs) >= holdMs { return resolve() }
            case .false:
                clearingSinceMs = nil
            case .unknown:
                break
            }
        }
        return .none
    }

    private mutating func becomeTrue(at nowMs: Int64, rule: RuleTiming) -> Action {
        switch phase {
        case .firing:
            return .none
        case .inactive:
            if rule.holdMs <= 0 { return fire(at: nowMs) }
            phase = .pending
            pendingSinceMs = nowMs
            return .becamePending
        case .pending:
            if nowMs - (pendingSinceMs ?? nowMs) >= rule.holdMs { return fire(at: nowMs) }
            return .none
        }
    }

    /// Time passed without a reading: holds that are due fire, quiet periods resolve, and
    /// a hold whose condition went stale is dropped.
    public mutating func timePassed(to nowMs: Int64, rule: RuleTiming) -> Action {
        switch phase {
        case .pending:
            guard let since = pendingSinceMs, let last = lastTrueMs else { return .none }
            if nowMs - last > rule.gapToleranceMs {
                // No confirming reading for longer than the tolerance: unknown, not held.
                phase = .inactive
                pendingSinceMs = nil
                return .cancelledPending
            }
            if nowMs - since >= rule.holdMs { return fire(at: nowMs) }
        case .firing:
            if case let .quiet(quietMs) = rule.clear, let last = lastTrueMs, nowMs - last >= quietMs { return resolve() }
            if case let .condition(holdMs) = rule.clear, let since = clearingSinceMs, let last = lastClearTrueMs {
                // Not confirmed for longer than the tolerance: the clear hold is unknown, broken.
                if nowMs - last > rule.gapToleranceMs {
                    clearingSinceMs = nil
                } else if nowMs - since >= holdMs {
                    return resolve()
                }
            }
        case .inactive:
            break
        }
        if let count = rule.count { occurrencesMs.removeAll { $0 <= nowMs - count.withinMs } }
        return .none
    }

    /// The next instant at which `timePassed` could change something, for the timer wheel.
    public func nextDeadline(rule: RuleTiming) -> Int64? {
        switch phase {
        case .pending:
            guard let since = pendingSinceMs, let last = lastTrueMs else { return nil }
            return min(since + rule.holdMs, last + rule.gapToleranceMs + 1)
        case .firing:
            if case let .quiet(quietMs) = rule.clear, let last = lastTrueMs { return last + quietMs }
            if case let .condition(holdMs) = rule.clear, let since = clearingSinceMs { return since + holdMs }
            return nil
        case .inactive:
            return nil
        }
    }

    /// A person or the absence detector ends the alert.
    public mutating func resolve() -> Action {
        guard phase != .inactive else { return .none }
        let wasFiring = phase == .firing
        phase = .inactive
        pendingSinceMs = nil
        firingSinceMs = nil
        clearingSinceMs = nil
        lastClearTrueMs = nil
        occurrencesMs.removeAll()
        return wasFiring ? .resolved : .cancelledPending
    }

    public mutating func fire(at nowMs: Int64) -> Action {
        phase = .firing
        firingSinceMs = nowMs
        pendingSinceMs = nil
        clearingSinceMs = nil
        return .fired
    }
}

/// The timing parts of a rule that the state machine needs.
public struct RuleTiming: Sendable, Hashable {
    /// How a firing alert ends.
    public enum Clear: Sendable, Hashable {
        /// When the firing condition is definitely false (the default for non-emergency rules).
        case whenFalse
        /// When the clear condition has held for the duration (ms); a dead band.
        case condition(holdMs: Int64)
        /// When the firing condition has not been true for the duration (ms).
        case quiet(Int64)
        /// Only a person ends it.
        case manual
    }

    /// `count: {at_least, within}`.
    public struct Count: Sendable, Hashable {
        public var atLeast: Int
        public var withinMs: Int64
        public init(atLeast: Int, withinMs: Int64) {
            self.atLeast = atLeast
            self.withinMs = withinMs
        }
    }

    public var holdMs: Int64
    public var gapToleranceMs: Int64
    public var clear: Clear
    public var count: Count?

    public init(holdMs: Int64 = 0, gapToleranceMs: Int64, clear: Clear, count: Count? = nil) {
        self.holdMs = holdMs
        self.gapToleranceMs = gapToleranceMs
        self.clear = clear
        self.count = count
    }
}
