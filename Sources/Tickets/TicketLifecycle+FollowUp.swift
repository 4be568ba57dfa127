import Devices
import Formats
import Foundation

/// The follow-up (回访) after each resolution by a person: due after `followUpWithin` on the
/// working calendar, tried up to `followUpAttempts` times, closing the loop when the resident is
/// content and reopening the ticket as remediation (服务补救) when they are not.
extension TicketLifecycle {
    /// Opens the follow-up of the resolution just made, keeping an earlier cycle's answer.
    mutating func openFollowUp(at nowMs: Int64) {
        guard let within = settings.followUpWithin else { return }
        if let earlier = ticket.followUp, !earlier.isOpen { ticket.followUpHistory = (ticket.followUpHistory ?? []) + [earlier] }
        let due = within.deadline(from: Date(timeIntervalSince1970: Double(nowMs) / 1000), calendar: settings.calendar)
        ticket.followUp = FollowUp(cycle: ticket.cycle, openedAt: nowMs, dueAt: Int64((due.timeIntervalSince1970 * 1000).rounded()))
    }

    /// Records one follow-up call or visit.
    mutating func followedUp(_ answer: FollowUpAnswer, at nowMs: Int64, by actor: String) throws(TicketTransitionError) -> TicketAction {
        guard [.resolved, .closed].contains(ticket.state) else { throw .invalidTransition(event: "follow_up", state: ticket.state) }
        guard var followUp = ticket.followUp else { throw .followUp("no follow-up is open on this ticket (only a resolution by a person opens one)") }
        guard followUp.isOpen else {
            throw .followUp("the follow-up was already done at \(RFC3339.format(milliseconds: followUp.doneAt ?? 0, timeZone: settings.calendar.timeZone))")
        }
        if let problem = answer.problem { throw .followUp(problem) }
        let comment = answer.comment?.trimmingCharacters(in: .whitespacesAndNewlines)
        followUp.by = actor
        if let comment, !comment.isEmpty { followUp.comment = comment }
        guard answer.reached else { return notReached(&followUp, at: nowMs, by: actor) }
        followUp.doneAt = nowMs
        followUp.reached = true
        followUp.satisfaction = answer.satisfaction
        followUp.recommend = answer.recommend
        ticket.followUp = followUp
        let scores = [answer.satisfaction.map { "satisfaction \($0)/5" }, answer.recommend.map { "recommend \($0)/10" }].compactMap { $0 }
        log(nowMs, actor, "followed_up", (["reached"] + scores).joined(separator: ", "))
        if let satisfaction = answer.satisfaction, satisfaction <= FollowUpAnswer.dissatisfiedAtOrBelow {
            reopen(because: "remediation: satisfaction \(satisfaction)/5 at the follow-up", cause: .dissatisfaction, at: nowMs, by: actor)
            return .followedUp(outcome: .reopened)
        }
        return .followedUp(outcome: closeAfterFollowUp(at: nowMs, "the follow-up closed the loop"))
    }

    /// A try that did not reach the resident; the last allowed one gives up.
    private mutating func notReached(_ followUp: inout FollowUp, at nowMs: Int64, by actor: String) -> TicketAction {
        followUp.failedAttempts += 1
        let attempts = max(settings.followUpAttempts, 1)
        guard followUp.failedAttempts >= attempts else {
            ticket.followUp = followUp
            log(nowMs, actor, "follow_up_attempt", "not reached (attempt \(followUp.failedAttempts) of \(attempts))")
            return .followedUp(outcome: .attemptFailed)
        }
        followUp.doneAt = nowMs
        followUp.reached = false
        ticket.followUp = followUp
        log(nowMs, actor, "followed_up", "not reached after \(attempts) attempt\(attempts == 1 ? "" : "s")")
        let outcome = closeAfterFollowUp(at: nowMs, "closed as not reached")
        return .followedUp(outcome: outcome == .closed ? .notReached : outcome)
    }

    private mutating func closeAfterFollowUp(at nowMs: Int64, _ detail: String) -> FollowUpOutcome {
        guard ticket.state == .resolved else { return .recorded }
        ticket.state = .closed
        ticket.closedAt = nowMs
        log(nowMs, settings.systemActor, "closed", detail)
        return .closed
    }

    /// The follow-up's overdue warning, once; called by `timePassed` on resolved and closed tickets.
    mutating func followUpClock(to nowMs: Int64) -> [TicketAction] {
        guard var followUp = ticket.followUp, followUp.isOpen, followUp.warnedAt == nil, nowMs >= followUp.dueAt else { return [] }
        followUp.warnedAt = nowMs
        ticket.followUp = followUp
        let targets = settings.warnings.notify[1] ?? []
        let notify = targets.isEmpty ? "" : "; notify \(targets.joined(separator: ", "))"
        log(nowMs, settings.systemActor, "follow_up_overdue", "due \(stamp(followUp.dueAt))\(notify)")
        return [.followUpOverdue]
    }

    /// When the follow-up's overdue warning falls due; nil when none is pending.
    var followUpDeadline: Int64? {
        guard [.resolved, .closed].contains(ticket.state), let followUp = ticket.followUp, followUp.isOpen, followUp.warnedAt == nil else { return nil }
        return followUp.dueAt
    }
}
