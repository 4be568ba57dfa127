import Foundation
import GRDB

/// One ticket event as staff and programs receive it (SSE, MQTT alerts, webhooks): stored in
/// the same transaction as the ticket change, so none is lost to a crash and each consumer
/// resumes from its own cursor.
public struct StoredTicketEvent: Sendable, Hashable {
    /// Increasing, never reused: the SSE `id`, and every consumer's cursor.
    public var seq: Int64
    public var atMs: Int64
    /// `ticket_opened`, `ticket_warned`, ... (docs/api.md).
    public var event: String
    public var ticketID: String
    public var community: String
    public var severity: String
    /// The event object as JSON, exactly as it is sent.
    public var body: String
    /// Whether its ticket is a resident's request's, when the event was just recorded (nil when
    /// read back from the store): the MQTT publisher then need not parse the body to find out.
    public var aboutRequest: Bool?

    public init(seq: Int64, atMs: Int64, event: String, ticketID: String, community: String, severity: String, body: String,
                aboutRequest: Bool? = nil) {
        self.aboutRequest = aboutRequest
        self.seq = seq
        self.atMs = atMs
        self.event = event
        self.ticketID = ticketID
        self.community = community
        self.severity = severity
        self.body = body
    }
}

extension GatewayDatabase {
    static func migrateAPI(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE ticket_events (
                -- AUTOINCREMENT: a deleted tail must never hand its numbers out again, or an SSE
                -- client resuming from Last-Event-ID would skip events.
                seq INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, event TEXT NOT NULL,
                ticket_id TEXT NOT NULL, community TEXT NOT NULL, severity TEXT NOT NULL, body TEXT NOT NULL);
            CREATE INDEX ticket_events_ticket ON ticket_events(ticket_id, seq);
            -- How far each consumer of ticket_events got (mqtt, webhooks): it resumes after this.
            CREATE TABLE outbox_cursors (name TEXT PRIMARY KEY NOT NULL, seq INTEGER NOT NULL);
            CREATE TABLE api_tokens (
                name TEXT PRIMARY KEY NOT NULL, role TEXT NOT NULL,
                -- SHA-256 of the token, hex; the token itself is shown once and never stored.
                hash TEXT NOT NULL UNIQUE, created_at INTEGER NOT NULL, revoked_at INTEGER, last_used_at INTEGER);
            """)
    }

    /// Appends events inside an open write transaction (the ticket change's own), each body
    /// given its `seq` as the first member; returns the stored events.
    @discardableResult
    public static func appendTicketEvents(_ events: [StoredTicketEvent], in db: Database) throws -> [StoredTicketEvent] {
        guard !events.isEmpty else { return [] }
        // The next seq is known inside the write lock, so the body sent to every consumer can
        // carry its own id without a second write.
        // Cached: every ticket change on an alarm's path comes here, and preparing these two
        // each time was ~0.1 ms of its ~0.6 ms transaction (perf over bench/alert-latency).
        var seq = try Int64.fetchOne(db.cachedStatement(sql: "SELECT seq FROM sqlite_sequence WHERE name = 'ticket_events'")) ?? 0
        let insert = try db.cachedStatement(sql: "INSERT INTO ticket_events (seq, at, event, ticket_id, community, severity, body) VALUES (?, ?, ?, ?, ?, ?, ?)")
        var stored: [StoredTicketEvent] = []
        for var event in events {
            seq += 1
            event.seq = seq
            event.body = DatabaseTicketLedger.numberedBody(event.body, seq: seq)
            try insert.execute(arguments: [seq, event.atMs, event.event, event.ticketID, event.community, event.severity, event.body])
            stored.append(event)
        }
        return stored
    }

    /// Events after `seq`, oldest first, at most `limit`.
    public func ticketEvents(after seq: Int64, limit: Int = 1000) throws -> [StoredTicketEvent] {
        try pool.read { db in try Self.ticketEvents(db, after: seq, limit: limit) }
    }

    static func ticketEvents(_ db: Database, after seq: Int64, limit: Int) throws -> [StoredTicketEvent] {
        try Row.fetchAll(db, sql: "SELECT * FROM ticket_events WHERE seq > ? ORDER BY seq LIMIT ?", arguments: [seq, limit]).map {
            StoredTicketEvent(seq: $0["seq"], atMs: $0["at"], event: $0["event"], ticketID: $0["ticket_id"], community: $0["community"],
                              severity: $0["severity"], body: $0["body"])
        }
    }

    /// The newest event's seq (0 when there is none).
    public func latestTicketEventSeq() throws -> Int64 {
        try pool.read { db in try Int64.fetchOne(db, sql: "SELECT max(seq) FROM ticket_events") ?? 0 }
    }

    /// Where consumer `name` got to; nil when it never ran.
    public func outboxCursor(_ name: String) throws -> Int64? {
        try pool.read { db in try Int64.fetchOne(db, sql: "SELECT seq FROM outbox_cursors WHERE name = ?", arguments: [name]) }
    }

    /// Moves consumer `name` past `seq` (never backwards).
    public func advanceOutboxCursor(_ name: String, to seq: Int64) throws {
        try pool.write { db in try Self.advanceOutboxCursor(db, name, to: seq) }
    }

    public static func advanceOutboxCursor(_ db: Database, _ name: String, to seq: Int64) throws {
        try db.execute(sql: """
            INSERT INTO outbox_cursors (name, seq) VALUES (?, ?)
            ON CONFLICT(name) DO UPDATE SET seq = max(seq, excluded.seq)
            """, arguments: [name, seq])
    }
}
