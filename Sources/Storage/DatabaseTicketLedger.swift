import Foundation
import GRDB
import Tickets

/// The tickets table as a `TicketLedger`, inside one write transaction: the gateway and the
/// staff commands both change tickets through it, and SQLite serialises them, so a responder's
/// acknowledgement from the command line and a warning from the running gateway never
/// overwrite each other.
public struct DatabaseTicketLedger: StoreTicketLedger {
    let db: Database
    /// Tickets read or written in this transaction, and how many of their timeline entries
    /// are already in `ticket_timeline` (a loaded ticket carries only entries not yet written).
    private var loaded: [String: Ticket] = [:]
    private var written: [String: Int] = [:]
    private var lastNumber: Int?
    /// Counted once per transaction, then kept by `save`: the write lock this ledger runs
    /// under keeps every other writer out of the tickets table until it ends.
    private var assignments: AssignmentTally?
    private let encoder = JSONEncoder()
    private let decoder = JSONDecoder()

    init(_ db: Database) { self.db = db }

    /// Records ticket events in this transaction: they commit with the change they describe.
    @discardableResult
    public func appendEvents(_ events: [StoredTicketEvent]) throws -> [StoredTicketEvent] {
        try GatewayDatabase.appendTicketEvents(events, in: db)
    }

    public mutating func ticket(id: String) throws -> Ticket? {
        if let ticket = loaded[id] { return ticket }
        guard let body = try String.fetchOne(db.cachedStatement(sql: "SELECT body FROM tickets WHERE id = ?"), arguments: [id]) else { return nil }
        let ticket = try decoder.decode(Ticket.self, from: Data(body.utf8))
        loaded[id] = ticket
        written[id] = ticket.timeline.count
        return ticket
    }

    public mutating func latestTicket(alertKey: String) throws -> Ticket? {
        guard let id = try String.fetchOne(db.cachedStatement(sql: "SELECT id FROM tickets WHERE alert_key = ? ORDER BY number DESC LIMIT 1"), arguments: [alertKey]) else { return nil }
        return try ticket(id: id)
    }

    public func ticketsDue(by nowMs: Int64) throws -> [String] {
        try String.fetchAll(db.cachedStatement(sql: Self.ticketsDueSQL), arguments: [nowMs])
    }

    /// Named index: for `ORDER BY id` SQLite's planner preferred walking the primary key and
    /// reading every ticket ever opened, which every ticket change does first (27 ms a time
    /// with 11,000 tickets, so a storm of openings was quadratic and each alert's ticket cost
    /// more as history grew); the deadline index finds the few due and sorts them.
    static let ticketsDueSQL = "SELECT id FROM tickets INDEXED BY tickets_deadline WHERE next_deadline <= ? ORDER BY id"

    /// Active tickets, for re-arming their deadlines after a configuration change.
    public func activeTicketIDs() throws -> [String] {
        try String.fetchAll(db, sql: "SELECT id FROM tickets WHERE state IN ('open', 'acknowledged', 'in_progress', 'pending') ORDER BY id")
    }

    public mutating func activeAssignments() throws -> [String: Int] {
        if let assignments { return assignments.counts }
        // Counted from the index alone; its expression and condition are repeated word for word.
        let rows = try Row.fetchAll(db.cachedStatement(sql: """
            SELECT json_extract(body, '$.assignee') AS who, count(*) AS n FROM tickets INDEXED BY \(GatewayDatabase.activeAssigneeIndex)
            WHERE state IN ('open', 'acknowledged', 'in_progress', 'pending') AND json_extract(body, '$.assignee') IS NOT NULL GROUP BY 1
            """))
        let tally = AssignmentTally(counts: Dictionary(rows.map { ($0["who"] as String, $0["n"] as Int) }, uniquingKeysWith: +))
        assignments = tally
        return tally.counts
    }

    public mutating func activeTickets(assignee: String) throws -> [Ticket] {
        let ids = try String.fetchAll(db.cachedStatement(sql: """
            SELECT id FROM tickets INDEXED BY \(GatewayDatabase.activeAssigneeIndex) WHERE state IN ('open', 'acknowledged', 'in_progress', 'pending')
            AND json_extract(body, '$.assignee') = ? ORDER BY id
            """), arguments: [assignee])
        return try ids.compactMap { try ticket(id: $0) }
    }

    public mutating func newTicketID() throws -> String {
        let stored = try Int.fetchOne(db.cachedStatement(sql: "SELECT max(number) FROM tickets")) ?? 0
        let number = max(stored, lastNumber ?? 0) + 1
        lastNumber = number
        return TicketNumber.id(number)
    }

    public mutating func save(_ ticket: Ticket, nextDeadline: Int64?) throws {
        if assignments != nil {
            // What the row holds before this save (read once if this transaction has not yet).
            let previous = try self.ticket(id: ticket.id)
            assignments?.saved(ticket, over: previous)
        }
        var body = ticket
        body.timeline = []
        let json = String(decoding: try encoder.encode(body), as: UTF8.self)
        try db.cachedStatement(sql: """
            INSERT INTO tickets (id, number, alert_key, rule, device, community, building, category, severity, state, team,
                                 escalation_level, opened_at, next_deadline, body)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(id) DO UPDATE SET state = excluded.state, team = excluded.team, escalation_level = excluded.escalation_level,
                next_deadline = excluded.next_deadline, body = excluded.body
            """).execute(arguments: [ticket.id, TicketNumber.number(ticket.id) ?? 0, ticket.alertKey, ticket.rule, ticket.device, ticket.community,
                             ticket.building, ticket.category, ticket.severity, ticket.state.rawValue, ticket.team,
                             ticket.escalationLevel, ticket.openedAt, nextDeadline, json])
        let already = written[ticket.id] ?? 0
        if ticket.timeline.count > already {
            let insert = try db.cachedStatement(sql: "INSERT INTO ticket_timeline (ticket_id, at, actor, action, detail) VALUES (?, ?, ?, ?, ?)")
            for entry in ticket.timeline[already...] {
                try insert.execute(arguments: [ticket.id, entry.at, entry.actor, entry.action, entry.detail])
            }
        }
        written[ticket.id] = ticket.timeline.count
        loaded[ticket.id] = ticket
    }
}
