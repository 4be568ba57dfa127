import Foundation
import PostgresNIO
import Storage
import Tickets

/// Tickets and their reports on PostgreSQL.
extension PostgresStore {
    /// Each ticket opening counts the active tickets per assignee (dispatch's load), which
    /// parsed every active ticket's JSON body: 20.9 ms with 1,333 active tickets in psql's
    /// `EXPLAIN ANALYZE`, 0.22 ms as an index-only scan of this column. PostgreSQL fills it from
    /// the body at every write, so neither the ledger's saves nor `db copy` name it.
    static let activeAssigneeSchema = """
        ALTER TABLE tickets ADD COLUMN assignee text GENERATED ALWAYS AS (body::json->>'assignee') STORED;
        CREATE INDEX tickets_active_assignee ON tickets(assignee) WHERE state IN ('open', 'acknowledged', 'in_progress', 'pending');
        """

    public func updateTickets<T>(_ body: (inout any StoreTicketLedger) throws -> T) throws -> T {
        try write { session in
            // Taken first, before any row is read: every ticket transaction in the cluster runs
            // one at a time, so none deadlocks on another's rows and event seqs commit in order.
            try session.query("SELECT pg_advisory_xact_lock($1)", [.int(PostgresSchema.ticketLockKey)])
            var ledger: any StoreTicketLedger = PostgresTicketLedger(session)
            return try body(&ledger)
        }
    }

    public func tickets(_ filter: TicketFilter, withTimeline: Bool) throws -> [Ticket] {
        var clauses: [String] = []
        var binds: [SQLValue] = []
        func bind(_ value: SQLValue) -> String {
            binds.append(value)
            return "$\(binds.count)"
        }
        if let states = filter.states { clauses.append("state = ANY(\(bind(.texts(states.map(\.rawValue).sorted()))))") }
        for (column, value) in [("severity", filter.severity), ("community", filter.community), ("building", filter.building),
                                ("device", filter.device), ("team", filter.team), ("body::json->>'grid'", filter.grid),
                                ("category", filter.category), ("body::json->>'item'", filter.item)] {
            guard let value else { continue }
            clauses.append("\(column) = \(bind(.text(value)))")
        }
        if let level = filter.minEscalationLevel { clauses.append("escalation_level >= \(bind(.int(level)))") }
        if let from = filter.openedFromMs { clauses.append("opened_at >= \(bind(.int(from)))") }
        if let before = filter.openedBeforeMs { clauses.append("opened_at < \(bind(.int(before)))") }
        if filter.followUpOpen {
            clauses.append("state IN ('resolved', 'closed') AND body::json->'follow_up'->>'due_at' IS NOT NULL "
                + "AND body::json->'follow_up'->>'done_at' IS NULL")
        }
        let whereClause = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
        let limit = bind(.int(Int64(min(filter.limit, Int(Int64.max)))))
        return try read { session in
            let decoder = JSONDecoder()
            var tickets = try session.query("SELECT body FROM tickets \(whereClause) ORDER BY number DESC LIMIT \(limit)", binds).map {
                try decoder.decode(Ticket.self, from: Data((try $0.decode(String.self)).utf8))
            }
            if withTimeline {
                let timelines = try Self.timelines(session, ticketIDs: tickets.map(\.id))
                for index in tickets.indices { tickets[index].timeline = timelines[tickets[index].id] ?? [] }
            }
            return tickets
        }
    }

    public func ticket(id: String) throws -> Ticket? {
        try read { session in
            guard let body = try session.scalar("SELECT body FROM tickets WHERE id = $1", [.text(id)], as: String.self) else { return nil }
            var ticket = try JSONDecoder().decode(Ticket.self, from: Data(body.utf8))
            ticket.timeline = try Self.timelines(session, ticketIDs: [id])[id] ?? []
            return ticket
        }
    }

    /// The timelines of several tickets in one query, each in entry order.
    static func timelines(_ session: PostgresSession, ticketIDs: [String]) throws -> [String: [TimelineEntry]] {
        guard !ticketIDs.isEmpty else { return [:] }
        var result: [String: [TimelineEntry]] = [:]
        for row in try session.query("SELECT ticket_id, at, actor, action, detail FROM ticket_timeline WHERE ticket_id = ANY($1) ORDER BY id",
                                     [.texts(ticketIDs)]) {
            let entry = TimelineEntry(at: try row.required("at"), actor: try row.required("actor"), action: try row.required("action"),
                                      detail: try row.required("detail"))
            result[try row.required("ticket_id", as: String.self), default: []].append(entry)
        }
        return result
    }

    public func hasTicketsDue(by nowMs: Int64) throws -> Bool {
        try read { session in
            try session.scalar("SELECT EXISTS (SELECT 1 FROM tickets WHERE next_deadline <= $1)", [.int(nowMs)], as: Bool.self) ?? false
        }
    }

    public func activeTicketCounts() throws -> [(severity: String, level: Int, count: Int)] {
        try read { session in
            try session.query("""
                SELECT severity, escalation_level, count(*) AS n FROM tickets
                WHERE state IN ('open', 'acknowledged', 'in_progress', 'pending') GROUP BY severity, escalation_level
                """).map { (severity: try $0.required("severity"), level: Int(try $0.required("escalation_level", as: Int32.self)),
                            count: Int(try $0.required("n", as: Int64.self))) }
        }
    }

    public func ticketHeatmap(openedFromMs fromMs: Int64, community: String? = nil) throws -> [TicketHeatCell] {
        try read { session in
            try session.query("""
                SELECT building, coalesce(body::json->>'grid', '') AS grid, category, coalesce(body::json->>'item', '') AS item, count(*) AS n,
                       count(*) FILTER (WHERE state IN ('open', 'acknowledged', 'in_progress', 'pending')) AS active
                FROM tickets WHERE opened_at >= $1 AND ($2::text IS NULL OR community = $2::text) GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
                """, [.int(fromMs), .text(community)]).map {
                var cell = TicketHeatCell(building: try $0.required("building"), category: try $0.required("category"),
                                          tickets: Int(try $0.required("n", as: Int64.self)), active: Int(try $0.required("active", as: Int64.self)))
                cell.grid = try $0.required("grid")
                cell.item = try $0.required("item")
                return cell
            }
        }
    }

    public func activeTicketsByDevice() throws -> [String: Int] {
        try read { session in
            var result: [String: Int] = [:]
            for row in try session.query("""
                SELECT device, count(*) AS n FROM tickets WHERE state IN ('open', 'acknowledged', 'in_progress', 'pending') AND device != ''
                GROUP BY device
                """) { result[try row.required("device")] = Int(try row.required("n", as: Int64.self)) }
            return result
        }
    }
}
