import Devices
import Formats
import Foundation

/// The settings a ticket's clocks use that are not frozen on the ticket: the calendar (an
/// official fact, not a policy), the warning levels and hierarchy for new cycles and transfers,
/// and the acknowledgement timeout.
public struct TicketSettings: Sendable {
    public var calendar: WorkCalendar
    public var warnings: WarningPolicy
    /// The resolve clock's levels, as fractions of the resolution window by default: the
    /// response levels are often fixed minutes, which mean nothing against 72 hours.
    public var resolveWarnings: WarningPolicy = .standard
    public var hierarchy: TeamHierarchy
    /// Acknowledged but neither started nor resolved within this: back to open, escalated.
    /// nil: no timeout.
    public var ackTimeoutMs: Int64?
    /// Per-tier timeouts, overriding `ackTimeoutMs` (an emergency's is minutes, a repair's hours).
    public var ackTimeoutMsByTier: [String: Int64] = [:]
    /// The timeline's actor for what the clocks do.
    public var systemActor: String
    /// How long after a resolution the follow-up (回访) is due; nil: no follow-ups.
    public var followUpWithin: SLADuration? = .workingDays(3)
    /// Tries before a resident who cannot be reached is given up, and the ticket closed.
    public var followUpAttempts = 3

    public init(calendar: WorkCalendar, warnings: WarningPolicy = .standard, hierarchy: TeamHierarchy = TeamHierarchy(),
                ackTimeoutMs: Int64? = nil, systemActor: String = "gridwatch") {
        self.calendar = calendar
        self.warnings = warnings
        self.hierarchy = hierarchy
        self.ackTimeoutMs = ackTimeoutMs
        self.systemActor = systemActor
    }

    /// The acknowledgement timeout for a tier; nil: none.
    public func ackTimeout(for tier: String) -> Int64? { ackTimeoutMsByTier[tier] ?? ackTimeoutMs }
}

/// A ticket's state machine: `eventHappened` for what people and rules do, `timePassed` for
/// what the clocks do. Pure: `now` is always an argument, so `run` and `replay` share it.
public struct TicketLifecycle: Sendable {
    public var ticket: Ticket
    public var settings: TicketSettings

    /// Continues a stored ticket (after a restart): its clocks and fired levels are on it.
    public init(resuming ticket: Ticket, settings: TicketSettings) {
        self.ticket = ticket
        self.settings = settings
    }

    /// Opens `ticket` at its `openedAt`: starts clock cycle 1 from its frozen policy.
    public init(opening ticket: Ticket, by actor: String, settings: TicketSettings) {
        self.ticket = ticket
        self.settings = settings
        startCycle(at: ticket.openedAt)
        // `self.`: the parameter has no deadlines yet; the cycle just set them on ours.
        let opened = self.ticket
        log(opened.openedAt, actor, "opened", "\(opened.severity): respond by \(stamp(opened.respondBy)), resolve by \(stamp(opened.resolveBy)); team \(opened.team)"
            + (opened.assignee.map { ", on duty \($0)" } ?? ""))
    }

    /// Applies a person's or the rules engine's event. Call `timePassed(to:)` first, so that
    /// warnings due before `nowMs` come out before the event's own action.
    public mutating func eventHappened(_ event: TicketEvent, at nowMs: Int64, by actor: String) throws(TicketTransitionError) -> TicketAction {
        let state = ticket.state
        func allow(_ states: Set<Ticket.State>) throws(TicketTransitionError) { try allowed(states, for: event) }
        func text(_ value: String, _ what: String) throws(TicketTransitionError) -> String { try required(value, what, for: event) }
        let active = Self.activeStates
        switch event {
        case .acknowledge:
            // Saying "already acknowledged at ..." helps a second responder more than "invalid".
            if state.isActive, let at = ticket.acknowledgedAt { throw .alreadyAcknowledged(at: at) }
            try allow([.open, .pending])
            respond(at: nowMs, by: actor)
            if state == .open { ticket.state = .acknowledged } else { ticket.stateBeforePending = .acknowledged }
            return .acknowledged
        case .start:
            try allow([.open, .acknowledged])
            if ticket.acknowledgedAt == nil { respond(at: nowMs, by: actor) }
            ticket.state = .inProgress
            log(nowMs, actor, "started")
            return .started
        case let .pend(reason):
            let reason = try text(reason, "a reason")
            try allow([.open, .acknowledged, .inProgress])
            ticket.stateBeforePending = state
            ticket.state = .pending
            ticket.pendingSince = nowMs
            log(nowMs, actor, "pended", reason)
            return .pended
        case .resume:
            try allow([.pending])
            let paused = endPause(at: nowMs)
            ticket.state = ticket.stateBeforePending ?? (ticket.acknowledgedAt == nil ? .open : .acknowledged)
            ticket.stateBeforePending = nil
            log(nowMs, actor, "resumed", "resolution clock paused \(paused / 1000) s; resolve by \(stamp(ticket.resolveBy))")
            return .resumed
        case let .resolve(note):
            try allow(active)
            resolve(note, at: nowMs, by: actor)
            return .resolved(automatically: false)
        case .close:
            try allow([.resolved])
            ticket.closedAt = nowMs
            ticket.state = .closed
            log(nowMs, actor, "closed")
            return .closed
        case let .reopen(reason, cause):
            let reason = try text(reason, "a reason")
            try allow([.resolved, .closed])
            reopen(because: reason, cause: cause, at: nowMs, by: actor)
            return .reopened(cycle: ticket.cycle)
        case let .cancel(reason):
            let reason = try text(reason, "a reason")
            try allow(active)
            endPause(at: nowMs)
            ticket.state = .cancelled
            log(nowMs, actor, "cancelled", reason)
            return .cancelled
        case .alertFired, .assign, .decline, .comment, .followUp, .alertCleared:
            return try sideEventHappened(event, at: nowMs, by: actor)
        }
    }

    static let activeStates: Set<Ticket.State> = [.open, .acknowledged, .inProgress, .pending]

    /// Throws unless the ticket's state is one of `states`.
    func allowed(_ states: Set<Ticket.State>, for event: TicketEvent) throws(TicketTransitionError) {
        guard states.contains(ticket.state) else { throw .invalidTransition(event: event.name, state: ticket.state) }
    }

    /// The text trimmed; throws when nothing is left.
    func required(_ value: String, _ what: String, for event: TicketEvent) throws(TicketTransitionError) -> String {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw .missingText(event: event.name, what: what) }
        return trimmed
    }

    /// Stops both clocks; a resolution by a person opens its follow-up.
    private mutating func resolve(_ note: String, at nowMs: Int64, by actor: String) {
        endPause(at: nowMs)
        // Resolving answers the resident too: it counts as the response when nobody acknowledged.
        if ticket.acknowledgedAt == nil { respond(at: nowMs, by: actor) }
        ticket.resolvedAt = nowMs
        ticket.state = .resolved
        if nowMs >= ticket.resolveBy, !ticket.resolutionBreached {
            ticket.resolutionBreached = true
            log(nowMs, settings.systemActor, "resolution_breached", "due \(stamp(ticket.resolveBy))")
        }
        log(nowMs, actor, "resolved", note)
        openFollowUp(at: nowMs)
    }

    /// A new clock cycle for a problem that came back, counted by its cause.
    mutating func reopen(because reason: String, cause: ReopenCause, at nowMs: Int64, by actor: String) {
        // Remediation (返工) counts fixes by people that did not hold; an alert that cleared
        // by itself and came back was never fixed by anyone.
        if !ticket.autoResolved {
            ticket.reopenCount += 1
            ticket.reopenCauses = (ticket.reopenCauses ?? [:]).merging([cause.rawValue: 1], uniquingKeysWith: +)
        }
        // The follow-up of a fix that did not hold is moot: the next resolution gets its own.
        if ticket.followUp?.isOpen == true { ticket.followUp = nil }
        ticket.cycle += 1
        startCycle(at: nowMs)
        log(nowMs, actor, "reopened", "cycle \(ticket.cycle): \(reason); respond by \(stamp(ticket.respondBy)), resolve by \(stamp(ticket.resolveBy))")
    }

    /// Stops the response clock.
    private mutating func respond(at nowMs: Int64, by actor: String) {
        ticket.acknowledgedAt = nowMs
        if nowMs >= ticket.respondBy, !ticket.responseBreached {
            ticket.responseBreached = true
            log(nowMs, settings.systemActor, "response_breached", "due \(stamp(ticket.respondBy))")
        }
        log(nowMs, actor, "acknowledged")
    }

    /// Ends a pause, moving the resolution deadline on by its length; returns that length.
    @discardableResult
    private mutating func endPause(at nowMs: Int64) -> Int64 {
        guard let since = ticket.pendingSince else { return 0 }
        let paused = max(nowMs - since, 0)
        // Wall-clock shift: exact for the hour-based resolve standards (72 h); for a resolve
        // clock in working days it slightly favours the team across nights.
        ticket.pausedMs += paused
        ticket.resolveBy += paused
        // The resolve clock's warnings not yet fired move with its deadline.
        if var levels = ticket.resolveWarnAt {
            for index in levels.indices where index >= (ticket.resolveEscalationLevel ?? 0) { levels[index] += paused }
            ticket.resolveWarnAt = levels
        }
        ticket.pendingSince = nil
        return paused
    }

    /// A fresh clock cycle from `nowMs`, on the ticket's frozen policy.
    private mutating func startCycle(at nowMs: Int64) {
        let due = ticket.policy.due(openedAt: Date(timeIntervalSince1970: Double(nowMs) / 1000), calendar: settings.calendar)
        ticket.cycleStartedAt = nowMs
        ticket.respondBy = Int64((due.respondBy.timeIntervalSince1970 * 1000).rounded())
        ticket.resolveBy = Int64((due.resolveBy.timeIntervalSince1970 * 1000).rounded())
        ticket.warnAt = settings.warnings.schedule(start: nowMs, respondBy: ticket.respondBy, tier: ticket.severity, calendar: settings.calendar)
        ticket.resolveWarnAt = settings.resolveWarnings.schedule(start: nowMs, respondBy: ticket.resolveBy, tier: ticket.severity, calendar: settings.calendar)
        ticket.resolveEscalationLevel = 0
        ticket.escalationLevel = 0
        ticket.responseBreached = false
        ticket.resolutionBreached = false
        ticket.acknowledgedAt = nil
        ticket.resolvedAt = nil
        ticket.closedAt = nil
        ticket.pendingSince = nil
        ticket.stateBeforePending = nil
        ticket.pausedMs = 0
        ticket.autoResolved = false
        ticket.state = .open
    }

    /// Timeline details show deadlines as the contract writes times, in the calendar's zone.
    func stamp(_ ms: Int64) -> String { RFC3339.format(milliseconds: ms, timeZone: settings.calendar.timeZone) }

    mutating func log(_ at: Int64, _ actor: String, _ action: String, _ detail: String = "") {
        ticket.timeline.append(TimelineEntry(at: at, actor: actor, action: action, detail: detail))
        ticket.updatedAt = max(ticket.updatedAt, at)
    }
}
