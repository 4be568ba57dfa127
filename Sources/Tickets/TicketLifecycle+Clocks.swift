/// The clocks: three-level warnings (三级预警), transfer up the hierarchy, breaches and the
/// acknowledgement timeout. Everything they fire is recorded on the ticket (the level reached,
/// the breach flags), so after a restart a level that fell due while the gateway was down
/// fires once when time passes, and never a second time.
extension TicketLifecycle {
    /// Fires everything due at or before `nowMs`, in order. Safe to call at any moment and
    /// as often as wanted: nothing fires twice in one clock cycle.
    public mutating func timePassed(to nowMs: Int64) -> [TicketAction] {
        guard ticket.state.isActive else { return followUpClock(to: nowMs) }
        var actions: [TicketAction] = []
        let actor = settings.systemActor

        // First, because it puts the response clock back on.
        if ticket.state == .acknowledged, let timeout = settings.ackTimeout(for: ticket.severity), let acknowledged = ticket.acknowledgedAt,
           nowMs >= acknowledged + timeout {
            // Like an acknowledgement timeout in on-call tools: an acknowledgement nobody acts
            // on must not silence the clocks for good. The response clock runs again.
            ticket.state = .open
            ticket.acknowledgedAt = nil
            log(nowMs, actor, "ack_timeout", "acknowledged at \(stamp(acknowledged)) but not started within \(timeout / 60_000) min; back to open")
            actions.append(.fellBackToOpen)
            if ticket.escalationLevel < 3 { escalate(to: ticket.escalationLevel + 1, at: nowMs, into: &actions) }
        }

        if ticket.responseClockRunning {
            while ticket.escalationLevel < 3, ticket.escalationLevel < ticket.warnAt.count,
                  nowMs >= ticket.warnAt[ticket.escalationLevel] {
                escalate(to: ticket.escalationLevel + 1, at: nowMs, into: &actions)
            }
            if nowMs >= ticket.respondBy, !ticket.responseBreached {
                ticket.responseBreached = true
                log(nowMs, actor, "response_breached", "due \(stamp(ticket.respondBy))")
                actions.append(.responseBreached)
            }
        }

        // Paused while pending: the deadline and the levels move on when the pause ends.
        if ticket.resolutionClockRunning, let levels = ticket.resolveWarnAt {
            while resolveLevel < min(3, levels.count), nowMs >= levels[resolveLevel] {
                escalateResolution(to: resolveLevel + 1, at: nowMs, into: &actions)
            }
        }
        if ticket.resolutionClockRunning, !ticket.resolutionBreached, nowMs >= ticket.resolveBy {
            ticket.resolutionBreached = true
            log(nowMs, actor, "resolution_breached", "due \(stamp(ticket.resolveBy))")
            actions.append(.resolutionBreached)
        }
        return actions
    }

    /// The next instant at which `timePassed` could change something, for the timer wheel;
    /// nil when no clock runs.
    public func nextDeadline() -> Int64? {
        guard ticket.state.isActive else { return followUpDeadline }
        var candidates: [Int64] = []
        if ticket.state == .acknowledged, let timeout = settings.ackTimeout(for: ticket.severity), let acknowledged = ticket.acknowledgedAt {
            candidates.append(acknowledged + timeout)
        }
        if ticket.responseClockRunning {
            if ticket.escalationLevel < min(3, ticket.warnAt.count) { candidates.append(ticket.warnAt[ticket.escalationLevel]) }
            if !ticket.responseBreached { candidates.append(ticket.respondBy) }
        }
        if ticket.resolutionClockRunning, !ticket.resolutionBreached { candidates.append(ticket.resolveBy) }
        if ticket.resolutionClockRunning, let levels = ticket.resolveWarnAt, resolveLevel < min(3, levels.count) {
            candidates.append(levels[resolveLevel])
        }
        return candidates.min()
    }

    /// The resolve clock's level fired this cycle (0 none).
    var resolveLevel: Int { ticket.resolveEscalationLevel ?? 0 }

    /// Raises the warning level; level 3 hands the ticket to the next team up, if any.
    private mutating func escalate(to level: Int, at nowMs: Int64, into actions: inout [TicketAction]) {
        ticket.escalationLevel = level
        let due = level <= ticket.warnAt.count ? " (due \(stamp(ticket.warnAt[level - 1])))" : ""
        log(nowMs, settings.systemActor, "warned", "level \(level)\(due); respond by \(stamp(ticket.respondBy))\(notifyText(level))")
        actions.append(.warned(level: level))
        if level == 3 { transferUp(at: nowMs, clock: .respond, into: &actions) }
    }

    /// The same three levels on the resolution deadline (服务超期自动转接上级部门): level 3, at
    /// `resolve_by`, transfers the overdue ticket up.
    private mutating func escalateResolution(to level: Int, at nowMs: Int64, into actions: inout [TicketAction]) {
        ticket.resolveEscalationLevel = level
        let due = ticket.resolveWarnAt.map { level <= $0.count ? " (due \(stamp($0[level - 1])))" : "" } ?? ""
        log(nowMs, settings.systemActor, "resolve_warned", "level \(level)\(due); resolve by \(stamp(ticket.resolveBy))\(notifyText(level))")
        actions.append(.warned(level: level, clock: .resolve))
        if level == 3 { transferUp(at: nowMs, clock: .resolve, into: &actions) }
    }

    /// Who is told at `level`: on the timeline, because who was told, and when, is audited.
    private func notifyText(_ level: Int) -> String {
        let targets = settings.warnings.notify[level] ?? []
        return targets.isEmpty ? "" : "; notify \(targets.joined(separator: ", "))"
    }

    private mutating func transferUp(at nowMs: Int64, clock: TicketClock, into actions: inout [TicketAction]) {
        let why = clock == .resolve ? "resolution overdue" : "response overdue"
        if let upper = settings.hierarchy.above(ticket.team) {
            log(nowMs, settings.systemActor, "transferred", "from \(ticket.team) to \(upper): \(why)")
            ticket.team = upper
            actions.append(.transferred(team: upper, clock: clock))
        } else {
            // The top of the chain: nobody to hand it to, but the timeline says so.
            log(nowMs, settings.systemActor, "not_transferred", "\(ticket.team) is the highest team; it stays there (\(why))")
        }
    }
}
