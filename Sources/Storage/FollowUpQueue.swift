import Foundation
import Tickets

/// The follow-up queue (回访): resolved or closed tickets whose resident is still to be called,
/// soonest due first, for the dashboard, the API and `gridwatch tickets follow-ups`.
public enum FollowUpQueue {
    /// The queue, optionally of one community and only what is overdue at `overdueAt`.
    public static func tickets(in store: any GatewayStore, community: String? = nil, overdueAt: Int64? = nil,
                               limit: Int = 1000) throws -> [Ticket] {
        var filter = TicketFilter(community: community, limit: 100_000)
        filter.followUpOpen = true
        let open = try store.tickets(filter, withTimeline: false).filter { ticket in
            guard let due = ticket.followUp?.dueAt else { return false }
            return overdueAt.map { due < $0 } ?? true
        }
        return Array(open.sorted { ($0.followUp?.dueAt ?? 0, $0.id) < ($1.followUp?.dueAt ?? 0, $1.id) }.prefix(limit))
    }
}
