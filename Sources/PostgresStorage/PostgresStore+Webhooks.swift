import Foundation
import PostgresNIO
import Storage

/// The webhook outbox on PostgreSQL: one `webhook_deliveries` row per event and matching
/// webhook, made in the transaction that moves the `webhooks` cursor past the event. In
/// cluster mode every instance runs the dispatcher, so the cursor row is locked while events
/// are queued: a second instance waits, then reads the moved cursor and queues nothing twice.
extension PostgresStore {
    /// Queues the events after the `webhooks` cursor (at most `limit`): one pending row per
    /// name `targets` returns for an event, due at `nowMs`; the cursor moves past them in the
    /// same transaction. Returns how many events were consumed.
    @discardableResult
    public func enqueueWebhookDeliveries(nowMs: Int64, limit: Int, targets: (StoredTicketEvent) -> [String]) throws -> Int {
        try write { session in
            let name = GatewayDatabase.webhookCursor
            // The row must exist for FOR UPDATE to lock anything (the schema inserts it; this
            // covers a store whose row was removed by hand). A missing cursor reads as 0, as on SQLite.
            try session.execute("INSERT INTO outbox_cursors (name, seq) VALUES ($1, 0) ON CONFLICT (name) DO NOTHING", [.text(name)])
            let cursor = try session.scalar("SELECT seq FROM outbox_cursors WHERE name = $1 FOR UPDATE", [.text(name)], as: Int64.self) ?? 0
            let events = try Self.ticketEvents(session, after: cursor, limit: limit)
            var webhooks: [String] = [], seqs: [Int64] = [], kinds: [String] = [], ticketIDs: [String] = []
            for event in events {
                for webhook in targets(event) {
                    webhooks.append(webhook)
                    seqs.append(event.seq)
                    kinds.append(event.event)
                    ticketIDs.append(event.ticketID)
                }
            }
            if !webhooks.isEmpty {
                // In the order SQLite inserts them (event by event, webhook by webhook): the ids
                // give each webhook's delivery order. UNIQUE (webhook, event_seq) is the second guard.
                try session.execute("""
                    INSERT INTO webhook_deliveries (webhook, event_seq, event, ticket_id, state, next_attempt_at, created_at)
                    SELECT u.webhook, u.seq, u.event, u.ticket_id, 'pending', $5, $5
                    FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[]) WITH ORDINALITY AS u(webhook, seq, event, ticket_id, n)
                    ORDER BY u.n
                    ON CONFLICT (webhook, event_seq) DO NOTHING
                    """, [.texts(webhooks), .ints(seqs), .texts(kinds), .texts(ticketIDs), .int(nowMs)])
            }
            if let last = events.last { try Self.advanceOutboxCursor(session, name, to: last.seq) }
            return events.count
        }
    }

    /// Pending deliveries of `webhooks` due at `nowMs`, oldest event first, with their events.
    public func dueWebhookDeliveries(nowMs: Int64, webhooks: [String], limit: Int) throws -> [DueWebhookDelivery] {
        guard !webhooks.isEmpty else { return [] }
        return try read { session in
            try session.query("""
                SELECT d.*, e.at AS e_at, e.community AS e_community, e.severity AS e_severity, e.body AS e_body
                FROM webhook_deliveries d LEFT JOIN ticket_events e ON e.seq = d.event_seq
                WHERE d.state = 'pending' AND d.next_attempt_at <= $1 AND d.webhook = ANY($2::text[])
                  -- A webhook's rows go in event order: none overtakes an earlier one waiting for
                  -- its retry (the dispatcher's hold does the same in memory; this survives a restart).
                  AND NOT EXISTS (SELECT 1 FROM webhook_deliveries p
                                  WHERE p.webhook = d.webhook AND p.state = 'pending' AND p.id < d.id AND p.next_attempt_at > $1)
                ORDER BY d.id LIMIT $3
                """, [.int(nowMs), .texts(webhooks), .int(limit)]).map { row in
                let delivery = try Self.webhookDelivery(row)
                let event = try row.value("e_body", as: String.self).map { body in
                    StoredTicketEvent(seq: delivery.eventSeq, atMs: try row.required("e_at"), event: delivery.event, ticketID: delivery.ticketID,
                                      community: try row.required("e_community"), severity: try row.required("e_severity"), body: body)
                }
                return DueWebhookDelivery(delivery: delivery, event: event)
            }
        }
    }

    /// Records one attempt on a pending delivery (a delivery no longer pending is left alone).
    public func recordWebhookAttempt(id: Int64, outcome: WebhookDelivery.Outcome, nowMs: Int64) throws {
        let (sql, binds): (String, [SQLValue]) = switch outcome {
        case let .delivered(status):
            ("state = 'delivered', next_attempt_at = NULL, last_status = $1, delivered_at = $2", [.int(status), .int(nowMs)])
        case let .retry(nextAttemptAtMs, error, status):
            ("next_attempt_at = $1, last_error = $2, last_status = $3", [.int(nextAttemptAtMs), .text(error), .int(status.map { Int64($0) })])
        case let .failed(error, status):
            ("state = 'failed', next_attempt_at = NULL, last_error = $1, last_status = $2", [.text(error), .int(status.map { Int64($0) })])
        }
        try write { session in
            _ = try session.execute("UPDATE webhook_deliveries SET attempts = attempts + 1, \(sql) WHERE id = $\(binds.count + 1) AND state = 'pending'",
                                binds + [.int(id)])
        }
    }

    /// Deliveries newest first, optionally of one state only.
    public func webhookDeliveries(state: WebhookDelivery.State?, limit: Int) throws -> [WebhookDelivery] {
        try read { session in
            let rows: [PostgresRow]
            if let state {
                rows = try session.query("SELECT * FROM webhook_deliveries WHERE state = $1 ORDER BY id DESC LIMIT $2", [.text(state.rawValue), .int(limit)])
            } else {
                rows = try session.query("SELECT * FROM webhook_deliveries ORDER BY id DESC LIMIT $1", [.int(limit)])
            }
            return try rows.map(Self.webhookDelivery)
        }
    }

    public func webhookDelivery(id: Int64) throws -> WebhookDelivery? {
        try read { session in
            try session.query("SELECT * FROM webhook_deliveries WHERE id = $1", [.int(id)]).first.map(Self.webhookDelivery)
        }
    }

    /// Pending deliveries per webhook (configured or not).
    public func pendingWebhookDeliveryCounts() throws -> [String: Int] {
        try read { session in
            var counts: [String: Int] = [:]
            for row in try session.query("SELECT webhook, count(*) AS n FROM webhook_deliveries WHERE state = 'pending' GROUP BY webhook") {
                let webhook = try row.required("webhook", as: String.self)
                counts[webhook] = Int(try row.required("n", as: Int64.self))
            }
            return counts
        }
    }

    /// Puts failed deliveries (one, or all when `id` is nil) back to pending, due at `nowMs`
    /// with a fresh count of attempts; returns how many. The last error stays for reference.
    @discardableResult
    public func retryFailedWebhookDeliveries(id: Int64?, nowMs: Int64) throws -> Int {
        try write { session in
            let sql = "UPDATE webhook_deliveries SET state = 'pending', attempts = 0, next_attempt_at = $1 WHERE state = 'failed'"
            if let id { return try session.execute(sql + " AND id = $2", [.int(nowMs), .int(id)]) }
            return try session.execute(sql, [.int(nowMs)])
        }
    }

    static func webhookDelivery(_ row: PostgresRow) throws -> WebhookDelivery {
        WebhookDelivery(id: try row.required("id"), webhook: try row.required("webhook"), eventSeq: try row.required("event_seq"),
                        event: try row.required("event"), ticketID: try row.required("ticket_id"),
                        state: WebhookDelivery.State(rawValue: try row.required("state", as: String.self)) ?? .pending,
                        attempts: try row.required("attempts", as: Int.self), nextAttemptAtMs: try row.value("next_attempt_at"),
                        lastError: try row.value("last_error"), lastStatus: try row.value("last_status", as: Int.self),
                        createdAtMs: try row.required("created_at"), deliveredAtMs: try row.value("delivered_at"))
    }
}
