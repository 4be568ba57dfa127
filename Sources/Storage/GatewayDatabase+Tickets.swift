import Foundation
import GRDB
import Tickets

/// Which tickets a list shows; nil fields match anything.
public struct TicketFilter: Sendable {
    public var states: Set<Ticket.State>?
    public var severity: String?
    public var community: String?
    public var building: String?
    /// The unit's grid (网格) as the ticket recorded it when it opened.
    public var grid: String?
    public var device: String?
    public var team: String?
    public var minEscalationLevel: Int?
    public var openedFromMs: Int64?
    public var openedBeforeMs: Int64?
    /// The demand class (`category`) and the catalogue item.
    public var category: String?
    public var item: String?
    /// Only tickets whose follow-up (回访) is still to be done: the follow-up queue.
    public var followUpOpen = false
    public var limit: Int

    public init(states: Set<Ticket.State>? = nil, severity: String? = nil, community: String? = nil, building: String? = nil,
                device: String? = nil, team: String? = nil, minEscalationLevel: Int? = nil, openedFromMs: Int64? = nil,
                openedBeforeMs: Int64? = nil, limit: Int = 1000) {
        self.states = states
        self.severity = severity
        self.community = community
        self.building = building
        self.device = device
        self.team = team
        self.minEscalationLevel = minEscalationLevel
        self.openedFromMs = openedFromMs
        self.openedBeforeMs = openedBeforeMs
        self.limit = limit
    }

    /// Tickets somebody still has to act on.
    public static var active: TicketFilter { TicketFilter(states: [.open, .acknowledged, .inProgress, .pending]) }
}

extension GatewayDatabase {
    /// The assignee of each active ticket, indexed: dispatch counts every responder's active
    /// tickets at each opening, and reading that from the bodies parsed every active ticket's
    /// JSON (opening a ticket took 0.7 ms with none active and 3.5 ms with 600, `bench/alert-latency`).
    static func migrateActiveAssigneeIndex(_ db: Database) throws {
        try db.execute(sql: """
            CREATE INDEX tickets_active_assignee ON tickets(json_extract(body, '$.assignee'))
                WHERE state IN ('open', 'acknowledged', 'in_progress', 'pending');
            """)
    }

    /// Named in the queries that must read it (`INDEXED BY`): the planner would otherwise
    /// prefer the state index and parse each active ticket's body. The migration writes the
    /// name out: a database migrated once keeps it whatever this constant later says.
    static let activeAssigneeIndex = "tickets_active_assignee"

    /// Runs `body` with the tickets table as a ledger, in one write transaction: everything it
    /// changes commits together or not at all.
    public func updateTickets<T>(_ body: (inout any StoreTicketLedger) throws -> T) throws -> T {
        try pool.write { db in
            var ledger: any StoreTicketLedger = DatabaseTicketLedger(db)
            return try body(&ledger)
        }
    }

    /// Tickets matching `filter`, newest first; with their timelines when asked (reports).
    public func tickets(_ filter: TicketFilter = TicketFilter(), withTimeline: Bool = false) throws -> [Ticket] {
        try pool.read { db in
            var clauses: [String] = []
            var arguments: StatementArguments = []
            if let states = filter.states {
                clauses.append("state IN (\(states.map { _ in "?" }.joined(separator: ", ")))")
                for state in states.sorted(by: { $0.rawValue < $1.rawValue }) { arguments += [state.rawValue] }
            }
            for (column, value) in [("severity", filter.severity), ("community", filter.community), ("building", filter.building),
                                    ("device", filter.device), ("team", filter.team), ("json_extract(body, '$.grid')", filter.grid),
                                    ("category", filter.category), ("json_extract(body, '$.item')", filter.item)] {
                guard let value else { continue }
                clauses.append("\(column) = ?")
                arguments += [value]
            }
            if let level = filter.minEscalationLevel {
                clauses.append("escalation_level >= ?")
                arguments += [level]
            }
            if let from = filter.openedFromMs {
                clauses.append("opened_at >= ?")
                arguments += [from]
            }
            if let before = filter.openedBeforeMs {
                clauses.append("opened_at < ?")
                arguments += [before]
            }
            if filter.followUpOpen {
                clauses.append("state IN ('resolved', 'closed') AND json_extract(body, '$.follow_up.due_at') IS NOT NULL "
                    + "AND json_extract(body, '$.follow_up.done_at') IS NULL")
            }
            let whereClause = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
            arguments += [filter.limit]
            let bodies = try String.fetchAll(db, sql: "SELECT body FROM tickets \(whereClause) ORDER BY number DESC LIMIT ?", arguments: arguments)
            let decoder = JSONDecoder()
            var tickets = try bodies.map { try decoder.decode(Ticket.self, from: Data($0.utf8)) }
            if withTimeline {
                for index in tickets.indices { tickets[index].timeline = try Self.timeline(db, ticketID: tickets[index].id) }
            }
            return tickets
        }
    }

    /// One ticket with its whole timeline, or nil.
    public func ticket(id: String) throws -> Ticket? {
        try pool.read { db in
            guard let body = try String.fetchOne(db, sql: "SELECT body FROM tickets WHERE id = ?", arguments: [id]) else { return nil }
            var ticket = try JSONDecoder().decode(Ticket.self, from: Data(body.utf8))
            ticket.timeline = try Self.timeline(db, ticketID: id)
            return ticket
        }
    }

    /// Whether any ticket's clock needs to run by `nowMs`: a read, so the once-a-second check
    /// does not take the write lock from the ingest batches when nothing is due.
    public func hasTicketsDue(by nowMs: Int64) throws -> Bool {
        try pool.read { db in try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM tickets WHERE next_deadline <= ?)", arguments: [nowMs]) ?? false }
    }

    /// Active tickets per (tier, warning level), for the metrics.
    public func activeTicketCounts() throws -> [(severity: String, level: Int, count: Int)] {
        try pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT severity, escalation_level, count(*) AS n FROM tickets
                WHERE state IN ('open', 'acknowledged', 'in_progress', 'pending') GROUP BY severity, escalation_level
                """).map { (severity: $0["severity"], level: $0["escalation_level"], count: $0["n"]) }
        }
    }

    static func timeline(_ db: Database, ticketID: String) throws -> [TimelineEntry] {
        try Row.fetchAll(db, sql: "SELECT at, actor, action, detail FROM ticket_timeline WHERE ticket_id = ? ORDER BY id", arguments: [ticketID])
            .map { TimelineEntry(at: $0["at"], actor: $0["actor"], action: $0["action"], detail: $0["detail"]) }
    }
}
