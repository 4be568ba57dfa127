import Foundation
import GridDispatch

/// When the desk dispatches: as a ticket opens, at a level-3 transfer, when the assignee
/// declines and when an acknowledgement lapses. The decision is made and saved in the same
/// ledger transaction as the change that called for it, so a crash never leaves one without
/// the other, and `replay` makes the same decisions in virtual time.
extension TicketDesk {
    /// The actions after which the ticket needs (another) person.
    static func callsForDispatch(_ action: TicketAction) -> Bool {
        switch action {
        case .opened, .transferred, .declined, .fellBackToOpen: true
        default: false
        }
    }

    /// Dispatches the ticket in `lifecycle` at `nowMs`, if this desk dispatches. The lapsed or
    /// overdue assignee of a transfer or an acknowledgement timeout is passed over first.
    func dispatch(_ lifecycle: inout TicketLifecycle, after action: TicketAction, at nowMs: Int64,
                  in ledger: inout some TicketLedger) throws -> Happening? {
        guard let dispatch, Self.callsForDispatch(action), lifecycle.ticket.state.isActive else { return nil }
        // A late resolution moves the ticket up for oversight; someone who took it on and is
        // working it keeps it (only a response nobody gave calls for another person).
        if case .transferred(_, .resolve) = action, lifecycle.ticket.assignee != nil, lifecycle.ticket.acknowledgedAt != nil { return nil }
        switch action {
        case .transferred, .fellBackToOpen:
            if let current = lifecycle.ticket.assignee { lifecycle.passOver(current) }
        default: break
        }
        var active = try ledger.activeAssignments()
        // This ticket's own assignee is about to be replaced: it must not count against them.
        if let current = lifecycle.ticket.assignee, let count = active[current] { active[current] = max(count - 1, 0) }
        let decision = dispatch.decide(for: lifecycle.ticket, activeTickets: active, nowMs: nowMs)
        let result = lifecycle.dispatched(decision, at: nowMs)
        return Happening(atMs: nowMs, action: result, ticket: lifecycle.ticket)
    }

    /// A staff member's live position, received at `nowMs`: each of their dispatched tickets
    /// not yet reached whose location is now within the arrival radius records the arrival.
    public func positionReported(_ report: StaffPositionReport, at nowMs: Int64, in ledger: inout some TicketLedger) throws -> [Happening] {
        guard let dispatch else { return [] }
        var happenings: [Happening] = []
        for ticket in try ledger.activeTickets(assignee: report.staffID) {
            guard ticket.arrivedAt == nil, let dispatchedAt = ticket.dispatchedAt, ticket.dispatch?.assignee == report.staffID,
                  let destination = dispatch.request(for: ticket).location else { continue }
            var tracker = ArrivalTracker(assignee: report.staffID, destination: destination, dispatchedAtMs: dispatchedAt,
                                         radiusMetres: dispatch.settings.arrivalRadiusMetres)
            guard case let .arrived(atMs, distanceMetres) = tracker.positionReported(staffID: report.staffID, at: report.position, nowMs: nowMs) else {
                continue
            }
            var lifecycle = TicketLifecycle(resuming: ticket, settings: settings)
            let action = lifecycle.arrived(report.staffID, at: atMs, distanceMetres: distanceMetres)
            try ledger.save(lifecycle.ticket, nextDeadline: lifecycle.nextDeadline())
            happenings.append(Happening(atMs: max(atMs, ticket.updatedAt), action: action, ticket: lifecycle.ticket))
        }
        return happenings
    }
}
