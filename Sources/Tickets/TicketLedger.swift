/// Where a `TicketDesk` keeps its tickets: memory for `replay`, the database for the live
/// gateway and the staff commands. The desk decides; the ledger only finds and keeps, so the
/// same decisions run in virtual time and against SQLite.
public protocol TicketLedger {
    /// A ticket by id, as last saved (its timeline may hold only what this ledger has not
    /// written yet: stored history is not needed to decide anything).
    mutating func ticket(id: String) throws -> Ticket?
    /// The most recent ticket opened for an alert key (`rule|device`), in any state.
    mutating func latestTicket(alertKey: String) throws -> Ticket?
    /// Active tickets with a clock deadline at or before `nowMs`, in id order.
    mutating func ticketsDue(by nowMs: Int64) throws -> [String]
    /// A fresh ticket id, never handed out before.
    mutating func newTicketID() throws -> String
    /// Keeps `ticket`; `nextDeadline` is when its clocks next need `timePassed` (nil: never).
    mutating func save(_ ticket: Ticket, nextDeadline: Int64?) throws
    /// How many active tickets each assignee has: dispatch sends the least busy among equals.
    mutating func activeAssignments() throws -> [String: Int]
    /// The active tickets assigned to `assignee`, in id order: where their arrival may be.
    mutating func activeTickets(assignee: String) throws -> [Ticket]
}

/// Tickets held in memory, for `replay` and tests: fast enough for a day of a large community.
public struct MemoryTicketLedger: TicketLedger, Sendable {
    public private(set) var tickets: [String: Ticket] = [:]
    private var latestByAlert: [String: String] = [:]
    private var deadlines: [String: Int64] = [:]
    /// The earliest of `deadlines`, so most clock ticks cost one comparison.
    private var earliestDeadline: Int64?
    private var nextNumber = 1
    private var assignments = AssignmentTally()

    public init() {}

    public func ticket(id: String) -> Ticket? { tickets[id] }

    public func latestTicket(alertKey: String) -> Ticket? { latestByAlert[alertKey].flatMap { tickets[$0] } }

    public func ticketsDue(by nowMs: Int64) -> [String] {
        guard let earliestDeadline, earliestDeadline <= nowMs else { return [] }
        return deadlines.filter { $0.value <= nowMs }.keys.sorted()
    }

    public func activeAssignments() -> [String: Int] { assignments.counts }

    public func activeTickets(assignee: String) -> [Ticket] {
        tickets.values.filter { $0.state.isActive && $0.assignee == assignee }.sorted { $0.id < $1.id }
    }

    public mutating func newTicketID() -> String {
        defer { nextNumber += 1 }
        return TicketNumber.id(nextNumber)
    }

    public mutating func save(_ ticket: Ticket, nextDeadline: Int64?) {
        let previous = deadlines[ticket.id]
        assignments.saved(ticket, over: tickets[ticket.id])
        tickets[ticket.id] = ticket
        if let key = ticket.alertKey { latestByAlert[key] = ticket.id }
        deadlines[ticket.id] = nextDeadline
        if let nextDeadline, nextDeadline <= earliestDeadline ?? .max {
            earliestDeadline = nextDeadline
        } else if let previous, previous == earliestDeadline {
            // The earliest deadline moved or went away: look for the new earliest.
            earliestDeadline = deadlines.values.min()
        }
    }
}

/// Ticket ids: `T-000042`, sortable as text up to a million tickets and still unique past it.
public enum TicketNumber {
    public static func id(_ number: Int) -> String {
        let digits = String(number)
        return "T-" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }

    /// The number in an id, for the database's sequence.
    public static func number(_ id: String) -> Int? {
        guard id.hasPrefix("T-") else { return nil }
        return Int(id.dropFirst(2))
    }
}
