/// The clocks: three-level warnings (三级预警), transfer up the hierarchy, breaches and the
/// acknowledgement timeout. Everything they fire is recorded on the ticket (the level reached,
/// the breach flags), so after a restart a level that fell due while the gateway was down
/// fires once when time passes, and never a second time.
extension TicketLifecycle {
    /// Fires everything due at or before `nowMs`, in order. Safe to call at any moment and
    /// as often as wanted: nothing fires twice in one clock cycle.
    public mutating func timePassed(to nowMs: Int64) -> [TicketAction] {
        guard ticket.state.isActive else { return [] }
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

        // Paused while pending: the deadline moves on when the pause ends.
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
        guard ticket.state.isActive else { return nil }
        var candidates: [Int64] = []
        if ticket.state == .acknowledged, let timeout = settings.ackTimeout(for: ticket.severity), let acknowledged = ticket.acknowledgedAt {
            candidates.append(acknowledged + timeout)
        }
        if ticket.responseClockRunning {
            if ticket.escalationLevel < min(3, ticket.warnAt.count) { candidates.append(ticket.warnAt[ticket.escalationLevel]) }
            if !ticket.responseBreached { candidates.append(ticket.respondBy) }
        }
        if ticket.resolutionClockRunning, !ticket.resolutionBreached { candidates.append(ticket.resolveBy) }
        return candidates.min()
    }

    /// Raises the warning level; level 3 hands the ticket to the next team up, if any.
    private mutating func escalate(to level: Int, at nowMs: Int64, into actions: inout [TicketAction]) {
        let actor = settings.systemActor
        ticket.escalationLevel = level
        let due = level <= ticket.warnAt.count ? " (due \(stamp(ticket.warnAt[level - 1])))" : ""
        let targets = settings.warnings.notify[level] ?? []
        // The targets go on the timeline: who was told, and when, is part of what is audited.
        let notify = targets.isEmpty ? "" : "; notify \(targets.joined(separator: ", "))"
        log(nowMs, actor, "warned", "level \(level)\(due); respond by \(stamp(ticket.respondBy))\(notify)")
        actions.append(.warned(level: level))
        guard level == 3 else { return }
        if let upper = settings.hierarchy.above(ticket.team) {
            log(nowMs, actor, "transferred", "from \(ticket.team) to \(upper): response overdue")
            ticket.team = upper
            actions.append(.transferred(team: upper))
        } else {
            // The top of the chain: nobody to hand it to, but the timeline says so.
            log(nowMs, actor, "not_transferred", "\(ticket.team) is the highest team; it stays there")
        }
    }
}
