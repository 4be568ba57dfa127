import Foundation
import GRDB

/// The webhook outbox: one `webhook_deliveries` row per event and matching webhook, made in
/// the same transaction that moves the `webhooks` cursor past the event, so an event is
/// queued exactly once whatever crashes; rows are updated after every attempt and kept.
extension GatewayDatabase {
    /// The `outbox_cursors` name of the webhook dispatcher.
    public static let webhookCursor = "webhooks"

    static func migrateWebhooks(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE webhook_deliveries (
                -- AUTOINCREMENT: the id is sent as X-Gridwatch-Delivery for receivers to
                -- deduplicate on, so it must never be handed out twice.
                id INTEGER PRIMARY KEY AUTOINCREMENT, webhook TEXT NOT NULL, event_seq INTEGER NOT NULL,
                event TEXT NOT NULL, ticket_id TEXT NOT NULL,
                state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
                attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER, last_error TEXT, last_status INTEGER,
                created_at INTEGER NOT NULL, delivered_at INTEGER,
                UNIQUE (webhook, event_seq));
            CREATE INDEX webhook_deliveries_due ON webhook_deliveries(next_attempt_at) WHERE state = 'pending';
            CREATE INDEX webhook_deliveries_state ON webhook_deliveries(state, id);
            -- Events stored before webhooks existed are history: a chat group must not get
            -- months of old alarms when webhooks are first configured.
            INSERT OR IGNORE INTO outbox_cursors (name, seq) SELECT 'webhooks', coalesce(max(seq), 0) FROM ticket_events;
            """)
    }

    /// Queues the events after the `webhooks` cursor (at most `limit`): one pending row per
    /// name `targets` returns for an event, due at `nowMs`; the cursor moves past them in the
    /// same transaction. Returns how many events were consumed.
    @discardableResult
    public func enqueueWebhookDeliveries(nowMs: Int64, limit: Int = 500, targets: (StoredTicketEvent) -> [String]) throws -> Int {
        try pool.write { db in
            let cursor = try Int64.fetchOne(db, sql: "SELECT seq FROM outbox_cursors WHERE name = ?", arguments: [Self.webhookCursor]) ?? 0
            let events = try Self.ticketEvents(db, after: cursor, limit: limit)
            for event in events {
                for webhook in targets(event) {
                    try db.execute(sql: """
                        INSERT OR IGNORE INTO webhook_deliveries (webhook, event_seq, event, ticket_id, state, next_attempt_at, created_at)
                        VALUES (?, ?, ?, ?, 'pending', ?, ?)
                        """, arguments: [webhook, event.seq, event.event, event.ticketID, nowMs, nowMs])
                }
            }
            if let last = events.last { try Self.advanceOutboxCursor(db, Self.webhookCursor, to: last.seq) }
            return events.count
        }
    }

    /// Pending deliveries of `webhooks` due at `nowMs`, oldest event first, with their events.
    public func dueWebhookDeliveries(nowMs: Int64, webhooks: [String], limit: Int) throws -> [DueWebhookDelivery] {
        guard !webhooks.isEmpty else { return [] }
        let names = Array(repeating: "?", count: webhooks.count).joined(separator: ", ")
        return try pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT d.*, e.at AS e_at, e.community AS e_community, e.severity AS e_severity, e.body AS e_body
                FROM webhook_deliveries d LEFT JOIN ticket_events e ON e.seq = d.event_seq
                WHERE d.state = 'pending' AND d.next_attempt_at <= ? AND d.webhook IN (\(names))
                  -- A webhook's rows go in event order: none overtakes an earlier one waiting for
                  -- its retry (the dispatcher's hold does the same in memory; this survives a restart).
                  AND NOT EXISTS (SELECT 1 FROM webhook_deliveries p
                                  WHERE p.webhook = d.webhook AND p.state = 'pending' AND p.id < d.id AND p.next_attempt_at > ?)
                ORDER BY d.id LIMIT ?
                """, arguments: StatementArguments([nowMs] + webhooks + [nowMs, limit])).map { row in
                let delivery = Self.webhookDelivery(row)
                let body: String? = row["e_body"]
                let event = body.map {
                    StoredTicketEvent(seq: delivery.eventSeq, atMs: row["e_at"], event: delivery.event, ticketID: delivery.ticketID,
                                      community: row["e_community"], severity: row["e_severity"], body: $0)
                }
                return DueWebhookDelivery(delivery: delivery, event: event)
            }
        }
    }

    /// Records one attempt on a pending delivery (a delivery no longer pending is left alone).
    public func recordWebhookAttempt(id: Int64, outcome: WebhookDelivery.Outcome, nowMs: Int64) throws {
        let (sql, arguments): (String, StatementArguments) = switch outcome {
        case let .delivered(status):
            ("state = 'delivered', next_attempt_at = NULL, last_status = ?, delivered_at = ?", [status, nowMs])
        case let .retry(nextAttemptAtMs, error, status):
            ("next_attempt_at = ?, last_error = ?, last_status = ?", [nextAttemptAtMs, error, status])
        case let .failed(error, status):
            ("state = 'failed', next_attempt_at = NULL, last_error = ?, last_status = ?", [error, status])
        }
        try pool.write { db in
            try db.execute(sql: "UPDATE webhook_deliveries SET attempts = attempts + 1, \(sql) WHERE id = ? AND state = 'pending'",
                           arguments: arguments + [id])
        }
    }

    /// Deliveries newest first, optionally of one state only.
    public func webhookDeliveries(state: WebhookDelivery.State? = nil, limit: Int = 200) throws -> [WebhookDelivery] {
        try pool.read { db in
            let filter = state == nil ? "" : "WHERE state = ?"
            let arguments: StatementArguments = state.map { [$0.rawValue, limit] } ?? [limit]
            return try Row.fetchAll(db, sql: "SELECT * FROM webhook_deliveries \(filter) ORDER BY id DESC LIMIT ?", arguments: arguments)
                .map(Self.webhookDelivery)
        }
    }

    public func webhookDelivery(id: Int64) throws -> WebhookDelivery? {
        try pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM webhook_deliveries WHERE id = ?", arguments: [id]).map(Self.webhookDelivery)
        }
    }

    /// Pending deliveries per webhook (configured or not).
    public func pendingWebhookDeliveryCounts() throws -> [String: Int] {
        try pool.read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT webhook, count(*) AS n FROM webhook_deliveries WHERE state = 'pending' GROUP BY webhook")
            return Dictionary(uniqueKeysWithValues: rows.map { ($0["webhook"], $0["n"]) })
        }
    }

    /// Puts failed deliveries (one, or all when `id` is nil) back to pending, due at `nowMs`
    /// with a fresh count of attempts; returns how many. The last error stays for reference.
    @discardableResult
    public func retryFailedWebhookDeliveries(id: Int64?, nowMs: Int64) throws -> Int {
        try pool.write { db in
            let only = id == nil ? "" : "AND id = ?"
            try db.execute(sql: "UPDATE webhook_deliveries SET state = 'pending', attempts = 0, next_attempt_at = ? WHERE state = 'failed' \(only)",
                           arguments: [nowMs] + (id.map { [$0] } ?? []))
            return db.changesCount
        }
    }

    /// Appends events in a transaction of their own: for tests and tools that have no ticket
    /// change to attach them to (the gateway appends inside the ticket's transaction).
    @discardableResult
    public func appendTicketEventsForTesting(_ events: [StoredTicketEvent]) throws -> [StoredTicketEvent] {
        try pool.write { db in try Self.appendTicketEvents(events, in: db) }
    }

    static func webhookDelivery(_ row: Row) -> WebhookDelivery {
        WebhookDelivery(id: row["id"], webhook: row["webhook"], eventSeq: row["event_seq"], event: row["event"], ticketID: row["ticket_id"],
                        state: WebhookDelivery.State(rawValue: row["state"]) ?? .pending, attempts: row["attempts"],
                        nextAttemptAtMs: row["next_attempt_at"], lastError: row["last_error"], lastStatus: row["last_status"],
                        createdAtMs: row["created_at"], deliveredAtMs: row["delivered_at"])
    }
}
