/// How many active tickets each person has, kept up to date as a ledger saves tickets.
///
/// Dispatch asks for these counts at every opening (it sends the least busy among equals).
/// Counted afresh from the store each time, a burst of n openings in one transaction cost
/// n²: 27,000 alerts firing at once after a long stop held the ticket transaction, and with
/// it `/readyz` and shutdown, for minutes. A ledger counts once and then follows its saves.
public struct AssignmentTally: Sendable, Equatable {
    /// Active tickets per assignee; nobody appears with zero.
    public private(set) var counts: [String: Int]

    public init(counts: [String: Int] = [:]) {
        self.counts = counts.filter { $0.value > 0 }
    }

    /// `ticket` was saved over `previous`, the same ticket as the ledger held it before (nil:
    /// a new ticket).
    public mutating func saved(_ ticket: Ticket, over previous: Ticket?) {
        if let previous, previous.state.isActive, let assignee = previous.assignee, let count = counts[assignee] {
            counts[assignee] = count > 1 ? count - 1 : nil
        }
        if ticket.state.isActive, let assignee = ticket.assignee { counts[assignee, default: 0] += 1 }
    }
}
