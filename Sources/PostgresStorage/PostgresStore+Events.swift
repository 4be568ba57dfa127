import Foundation
import PostgresNIO
import Storage

/// Live ticket events and their consumers' cursors on PostgreSQL.
extension PostgresStore {
    /// Appends events inside the caller's ticket transaction (which holds the ticket lock, so
    /// seqs are taken and committed in order), each body given its seq as first member.
    @discardableResult
    static func appendTicketEvents(_ events: [StoredTicketEvent], _ session: PostgresSession) throws -> [StoredTicketEvent] {
        guard !events.isEmpty else { return [] }
        let seqs = try session.query("SELECT nextval('ticket_events_seq') FROM generate_series(1, $1)", [.int(events.count)])
            .map { try $0.decode(Int64.self) }.sorted()
        var stored: [StoredTicketEvent] = []
        for (var event, seq) in zip(events, seqs) {
            event.seq = seq
            event.body = PostgresTicketLedger.numberedBody(event.body, seq: seq)
            stored.append(event)
        }
        try session.execute("""
            INSERT INTO ticket_events (seq, at, event, ticket_id, community, severity, body)
            SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
            """, [.ints(stored.map(\.seq)), .ints(stored.map(\.atMs)), .texts(stored.map(\.event)), .texts(stored.map(\.ticketID)),
                  .texts(stored.map(\.community)), .texts(stored.map(\.severity)), .texts(stored.map(\.body))])
        return stored
    }

    @discardableResult
    public func appendTicketEventsForTesting(_ events: [StoredTicketEvent]) throws -> [StoredTicketEvent] {
        try write { session in
            try session.query("SELECT pg_advisory_xact_lock($1)", [.int(PostgresSchema.ticketLockKey)])
            return try Self.appendTicketEvents(events, session)
        }
    }

    public func ticketEvents(after seq: Int64, limit: Int) throws -> [StoredTicketEvent] {
        try read { session in try Self.ticketEvents(session, after: seq, limit: limit) }
    }

    static func ticketEvents(_ session: PostgresSession, after seq: Int64, limit: Int) throws -> [StoredTicketEvent] {
        try session.query("SELECT * FROM ticket_events WHERE seq > $1 ORDER BY seq LIMIT $2", [.int(seq), .int(limit)]).map { row in
            StoredTicketEvent(seq: try row.required("seq"), atMs: try row.required("at"), event: try row.required("event"),
                              ticketID: try row.required("ticket_id"), community: try row.required("community"),
                              severity: try row.required("severity"), body: try row.required("body"))
        }
    }

    public func latestTicketEventSeq() throws -> Int64 {
        try read { session in try session.scalar("SELECT max(seq) FROM ticket_events", as: Int64.self) ?? 0 }
    }

    public func outboxCursor(_ name: String) throws -> Int64? {
        try read { session in try session.scalar("SELECT seq FROM outbox_cursors WHERE name = $1", [.text(name)], as: Int64.self) }
    }

    public func advanceOutboxCursor(_ name: String, to seq: Int64) throws {
        try write { session in try Self.advanceOutboxCursor(session, name, to: seq) }
    }

    /// Moves consumer `name` past `seq`, never backwards.
    static func advanceOutboxCursor(_ session: PostgresSession, _ name: String, to seq: Int64) throws {
        try session.execute("""
            INSERT INTO outbox_cursors (name, seq) VALUES ($1, $2)
            ON CONFLICT (name) DO UPDATE SET seq = GREATEST(outbox_cursors.seq, excluded.seq)
            """, [.text(name), .int(seq)])
    }
}
