import Foundation
import GridDispatch

/// Dispatch and arrival as the ticket records them: the decision with its candidates on the
/// timeline (so a supervisor can check why that person went), and the arrival once.
extension TicketLifecycle {
    /// Records `decision`, made at `nowMs`. A chosen person becomes the assignee; when nobody
    /// is available the ticket stays with its team (and a passed-over assignee is taken off).
    public mutating func dispatched(_ decision: DispatchDecision, at nowMs: Int64) -> TicketAction {
        ticket.dispatch = decision
        ticket.dispatchedAt = nowMs
        ticket.arrivedAt = nil
        let candidates = decision.candidates.map { candidate in
            candidate.distanceMetres.map { "\(candidate.id) \($0) m" } ?? candidate.id
        }
        let resources = decision.resources.map { "\($0.resourceClass) \($0.id) \($0.distanceMetres) m" }
        var detail = decision.reason
        if !candidates.isEmpty { detail += "; candidates: " + candidates.joined(separator: ", ") }
        if !resources.isEmpty { detail += "; resources: " + resources.joined(separator: ", ") }
        guard let assignee = decision.assignee else {
            if let current = ticket.assignee, (ticket.passedOverBy ?? []).contains(current) { ticket.assignee = nil }
            log(nowMs, "dispatch", "not_dispatched", "nobody available, left to \(ticket.team): " + detail)
            return .dispatched(assignee: nil)
        }
        ticket.assignee = assignee
        log(nowMs, "dispatch", "dispatched", "\(assignee): " + detail)
        return .dispatched(assignee: assignee)
    }

    /// The dispatched `person` reached the location at `atMs`, `distanceMetres` from it.
    public mutating func arrived(_ person: String, at atMs: Int64, distanceMetres: Int) -> TicketAction {
        ticket.arrivedAt = atMs
        let seconds = ticket.dispatchedAt.map { max(atMs - $0, 0) / 1000 }
        let minutes = seconds.map { " \($0 / 60) min \($0 % 60) s after dispatch" } ?? ""
        log(max(atMs, ticket.updatedAt), person, "arrived", "within \(distanceMetres) m of the location\(minutes)")
        return .arrived(person: person)
    }

    /// Takes `person` out of the running for this ticket (an acknowledgement that lapsed, a
    /// response overdue at the transfer): the next dispatch chooses someone else.
    mutating func passOver(_ person: String) {
        if !(ticket.passedOverBy ?? []).contains(person) { ticket.passedOverBy = (ticket.passedOverBy ?? []) + [person] }
    }
}
