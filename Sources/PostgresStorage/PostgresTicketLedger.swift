import Foundation
import Storage
import Tickets

/// The tickets table as a `StoreTicketLedger` inside one PostgreSQL transaction. The
/// transaction holds the cluster-wide ticket lock (`PostgresSchema.ticketLockKey`) from its
/// start, so ticket changes from every instance and command are serialised as SQLite's write
/// lock serialises them: a staff action and a warning never overwrite each other, and event
/// numbers commit in order.
public struct PostgresTicketLedger: StoreTicketLedger {
    let session: PostgresSession
    /// Tickets read or written in this transaction, and how many of their timeline entries
    /// are already stored (a loaded ticket carries only entries not yet written).
    private var loaded: [String: Ticket] = [:]
    private var written: [String: Int] = [:]
    /// Counted once per transaction, then kept by `save`: the cluster-wide ticket lock this
    /// ledger holds keeps every other writer out of the tickets table until it ends.
    private var assignments: AssignmentTally?
    private let encoder = JSONEncoder()
    private let decoder = JSONDecoder()

    init(_ session: PostgresSession) { self.session = session }

    @discardableResult
    public func appendEvents(_ events: [StoredTicketEvent]) throws -> [StoredTicketEvent] {
        try PostgresStore.appendTicketEvents(events, session)
    }

    public mutating func ticket(id: String) throws -> Ticket? {
        if let ticket = loaded[id] { return ticket }
        guard let body = try session.scalar("SELECT body FROM tickets WHERE id = $1", [.text(id)], as: String.self) else { return nil }
        let ticket = try decoder.decode(Ticket.self, from: Data(body.utf8))
        loaded[id] = ticket
        written[id] = ticket.timeline.count
        return ticket
    }

    public mutating func latestTicket(alertKey: String) throws -> Ticket? {
        guard let id = try session.scalar("SELECT id FROM tickets WHERE alert_key = $1 ORDER BY number DESC LIMIT 1", [.text(alertKey)],
                                          as: String.self) else { return nil }
        return try ticket(id: id)
    }

    public func ticketsDue(by nowMs: Int64) throws -> [String] {
        try session.query("SELECT id FROM tickets WHERE next_deadline <= $1 ORDER BY id", [.int(nowMs)]).map { try $0.decode(String.self) }
    }

    public func activeTicketIDs() throws -> [String] {
        try session.query("SELECT id FROM tickets WHERE state IN ('open', 'acknowledged', 'in_progress', 'pending') ORDER BY id")
            .map { try $0.decode(String.self) }
    }

    public mutating func activeAssignments() throws -> [String: Int] {
        if let assignments { return assignments.counts }
        // `assignee` and the condition match `tickets_active_assignee`: an index-only scan.
        let rows = try session.query("""
            SELECT assignee AS who, count(*) AS n FROM tickets
            WHERE state IN ('open', 'acknowledged', 'in_progress', 'pending') AND assignee IS NOT NULL GROUP BY 1
            """)
        let tally = AssignmentTally(counts: Dictionary(try rows.map { (try $0.required("who", as: String.self), Int(try $0.required("n", as: Int64.self))) },
                                                       uniquingKeysWith: +))
        assignments = tally
        return tally.counts
    }

    public mutating func activeTickets(assignee: String) throws -> [Ticket] {
        let ids = try session.query("""
            SELECT id FROM tickets WHERE state IN ('open', 'acknowledged', 'in_progress', 'pending')
            AND assignee = $1 ORDER BY id
            """, [.text(assignee)]).map { try $0.decode(String.self) }
        return try ids.compactMap { try ticket(id: $0) }
    }

    /// From a sequence: with several instances, `max(number) + 1` would hand one number out twice.
    public mutating func newTicketID() throws -> String {
        guard let number = try session.scalar("SELECT nextval('ticket_number_seq')", as: Int64.self) else {
            throw PostgresStoreError("ticket_number_seq returned nothing")
        }
        return TicketNumber.id(Int(number))
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
        try session.execute("""
            INSERT INTO tickets (id, number, alert_key, rule, device, community, building, category, severity, state, team,
                                 escalation_level, opened_at, next_deadline, body)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
            ON CONFLICT (id) DO UPDATE SET state = excluded.state, team = excluded.team, escalation_level = excluded.escalation_level,
                next_deadline = excluded.next_deadline, body = excluded.body
            """, [.text(ticket.id), .int(Int64(TicketNumber.number(ticket.id) ?? 0)), .text(ticket.alertKey), .text(ticket.rule), .text(ticket.device),
                  .text(ticket.community), .text(ticket.building), .text(ticket.category), .text(ticket.severity), .text(ticket.state.rawValue),
                  .text(ticket.team), .int(ticket.escalationLevel), .int(ticket.openedAt), .int(nextDeadline), .text(json)])
        let already = written[ticket.id] ?? 0
        if ticket.timeline.count > already {
            let entries = Array(ticket.timeline[already...])
            try session.execute("""
                INSERT INTO ticket_timeline (ticket_id, at, actor, action, detail)
                SELECT $1, e.at, e.actor, e.action, e.detail
                FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[]) WITH ORDINALITY AS e(at, actor, action, detail, n) ORDER BY e.n
                """, [.text(ticket.id), .ints(entries.map(\.at)), .texts(entries.map(\.actor)), .texts(entries.map(\.action)), .texts(entries.map(\.detail))])
        }
        written[ticket.id] = ticket.timeline.count
        loaded[ticket.id] = ticket
    }
}
