import Devices
import Foundation
import GRDB
import Tickets

extension GatewayDatabase {
    /// Removes the personal fields of `type` from payloads received before `nowMs - personal
    /// period` (JSON rewritten by SQLite's `json_remove`); the other fields stay for the raw
    /// period. Only rolled-up readings: their personal roll-ups are pruned on the same clock.
    public func scrubReadingsStep(_ plan: RetentionPlan, type: String, nowMs: Int64) throws -> RetentionStepResult {
        guard let fields = plan.personalFieldsByType[type] else { return RetentionStepResult(changed: 0, finished: true) }
        return try pool.write { db in
            let filter = Self.deviceFilter(column: "device_id", types: [type], excluding: false)
            let paths = Self.jsonPaths(fields)
            return try Self.walk(db, cursor: "scrub:readings:\(type)", table: "readings", timeColumn: "received_at", filter: filter, arguments: [],
                                 cutoffMs: nowMs - plan.personalRetentionMs, upperID: try Self.cursor("rollup", db), stepRows: plan.stepRows) { low, high in
                try db.execute(sql: """
                    UPDATE readings SET payload = json_remove(payload, \(paths.placeholders))
                    WHERE id > ? AND id <= ? AND (\(filter)) AND (\(paths.present("payload"))) AND json_valid(payload)
                    """, arguments: StatementArguments(paths.values) + [low, high] + StatementArguments(paths.needles))
                return db.changesCount
            }
        }
    }

    /// Removes the personal fields of `type` from alert evidence older than the personal period
    /// (the alert itself stays: it is the service record).
    public func scrubAlertEventsStep(_ plan: RetentionPlan, type: String, nowMs: Int64) throws -> RetentionStepResult {
        guard let fields = plan.personalFieldsByType[type] else { return RetentionStepResult(changed: 0, finished: true) }
        return try pool.write { db in
            let filter = Self.deviceFilter(column: "device", types: [type], excluding: false)
            let upper = try Int64.fetchOne(db, sql: "SELECT max(id) FROM alert_events") ?? 0
            return try Self.walk(db, cursor: "scrub:alert_events:\(type)", table: "alert_events", timeColumn: "at", filter: filter, arguments: [],
                                 cutoffMs: nowMs - plan.personalRetentionMs, upperID: upper, stepRows: plan.stepRows) { low, high in
                try Self.scrubAlertEvidence(db, fields: fields, whereSQL: "id > ? AND id <= ? AND (\(filter))", arguments: [low, high])
            }
        }
    }

    static func scrubAlertEvidence(_ db: Database, fields: [String], whereSQL: String, arguments: StatementArguments) throws -> Int {
        let paths = jsonPaths(fields)
        try db.execute(sql: """
            UPDATE alert_events SET evidence = json_remove(evidence, \(paths.placeholders))
            WHERE (\(whereSQL)) AND evidence IS NOT NULL AND (\(paths.present("evidence"))) AND json_valid(evidence)
            """, arguments: StatementArguments(paths.values) + arguments + StatementArguments(paths.needles))
        return db.changesCount
    }

    /// Empties the kept prefix of rejected messages received before the personal period: a
    /// malformed wristband message may still carry a heart rate. Topic, reason and size stay.
    public func scrubRejectedStep(_ plan: RetentionPlan, nowMs: Int64) throws -> RetentionStepResult {
        try rejectedStep(plan, cursor: "scrub:rejected", cutoffMs: nowMs - plan.personalRetentionMs,
                         sql: "UPDATE rejected SET payload_prefix = X'' WHERE id > ? AND id <= ? AND length(payload_prefix) > 0")
    }

    /// Drops the personal values from tickets of `type` that are over (resolved, closed or
    /// cancelled) and untouched for the personal period: the evidence loses its personal
    /// fields, the ticket its latitude and longitude. The ticket, its timeline and its SLA
    /// figures stay. A reopened ticket is active again and keeps what it has until it ends.
    public func scrubTicketsStep(_ plan: RetentionPlan, type: String, nowMs: Int64) throws -> RetentionStepResult {
        guard let fields = plan.personalFieldsByType[type] else { return RetentionStepResult(changed: 0, finished: true) }
        return try pool.write { db in
            let changed = try Self.scrubTickets(db, fields: fields, whereSQL: """
                state IN ('resolved', 'closed', 'cancelled') AND json_extract(body, '$.device_type') = ?
                AND json_extract(body, '$.updated_at') < ? AND json_extract(body, '$.personal_scrubbed_at') IS NULL
                """, arguments: [type, nowMs - plan.personalRetentionMs], limit: plan.stepRows, markAtMs: nowMs)
            let events = try Self.scrubTicketEvents(db, whereSQL: "at < ? AND json_extract(body, '$.ticket.device_type') = ?",
                                                    arguments: [nowMs - plan.personalRetentionMs, type], limit: plan.stepRows)
            return RetentionStepResult(changed: changed + events, finished: changed < plan.stepRows && events < plan.stepRows)
        }
    }

    /// The live events (SSE replay, webhooks, MQTT) keep a copy of the ticket as it was: past the
    /// personal period those copies lose the position and the evidence (the ticket row keeps its
    /// non-personal evidence). Compact JSON with sorted keys makes the text test exact.
    static func scrubTicketEvents(_ db: Database, whereSQL: String, arguments: StatementArguments, limit: Int) throws -> Int {
        try db.execute(sql: """
            UPDATE ticket_events
            SET body = json_set(json_remove(body, '$.ticket.location.latitude', '$.ticket.location.longitude'), '$.ticket.evidence', json('[]'))
            WHERE seq IN (SELECT seq FROM ticket_events WHERE (instr(body, '"latitude":') > 0 OR instr(body, '"evidence":[{') > 0)
                          AND (\(whereSQL)) LIMIT ?)
            """, arguments: arguments + [min(limit, Int(Int32.max))])
        return db.changesCount
    }

    static func scrubTickets(_ db: Database, fields: [String], whereSQL: String, arguments: StatementArguments, limit: Int, markAtMs: Int64 = 0) throws -> Int {
        let rows = try Row.fetchAll(db, sql: "SELECT id, body FROM tickets WHERE \(whereSQL) ORDER BY number LIMIT ?", arguments: arguments + [min(limit, Int(Int32.max))])
        for row in rows {
            let ticket = try JSONDecoder().decode(Ticket.self, from: Data((row["body"] as String).utf8)).scrubbedOfPersonalData(fields: fields)
            let body = String(decoding: try JSONEncoder().encode(ticket), as: UTF8.self)
            // The mark keeps the next round from decoding this ticket again; a ticket saved later
            // (reopened) is written without it and is looked at again once it is over.
            try db.execute(sql: "UPDATE tickets SET body = json_set(?, '$.personal_scrubbed_at', ?) WHERE id = ?",
                           arguments: [body, markAtMs, row["id"] as String])
        }
        return rows.count
    }

    /// `$."field"` paths for SQLite's JSON functions, bound as arguments, and a test whether a
    /// column may hold any of the fields. SQLite 3.40 parses the JSON again in every JSON call,
    /// so the test looks for the quoted name as text (a rare false hit costs one no-op rewrite);
    /// with `json_type` per field a 5,000-row step took several times longer.
    static func jsonPaths(_ fields: [String]) -> (values: [String], placeholders: String, present: (String) -> String, needles: [String]) {
        let names = fields.map { $0.replacingOccurrences(of: "\"", with: "") }
        let values = names.map { "$.\"\($0)\"" }
        return (values, values.map { _ in "?" }.joined(separator: ", "),
                { column in values.map { _ in "instr(\(column), ?) > 0" }.joined(separator: " OR ") }, names.map { "\"\($0)\"" })
    }
}
