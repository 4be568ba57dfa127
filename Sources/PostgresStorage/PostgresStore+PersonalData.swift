import Devices
import Foundation
import PostgresNIO
import Storage
import Tickets

/// Personal data past its period, on PostgreSQL: SQLite's steps, with the JSON rewritten in
/// Swift (`PersonalJSON` says why) and written back in one statement per step. Rows are chosen
/// in SQL as on SQLite: a text test for the fields' names, jsonb only for gridwatch's own bodies.
extension PostgresStore {
    /// Removes the personal fields of `type` from payloads received before `nowMs - personal
    /// period`; the other fields stay for the raw period. Only rolled-up readings: their
    /// personal roll-ups are pruned on the same clock.
    public func scrubReadingsStep(_ plan: RetentionPlan, type: String, nowMs: Int64) throws -> RetentionStepResult {
        guard let fields = plan.personalFieldsByType[type] else { return RetentionStepResult(changed: 0, finished: true) }
        let names = PersonalJSON.needles(fields)
        return try write { session in
            let filter = Self.deviceFilter(column: "device_id", types: [type], excluding: false)
            return try Self.walk(session, cursor: "scrub:readings:\(type)", table: "readings", timeColumn: "received_at", filter: filter,
                                 cutoffMs: nowMs - plan.personalRetentionMs, upperID: try Self.retentionCursor(Self.rollupCursor, session),
                                 stepRows: plan.stepRows) { low, high in
                let rows = try session.query("""
                    SELECT id, payload AS value FROM readings
                    WHERE id > $1 AND id <= $2 AND (\(filter)) AND \(PersonalJSON.mentionsAny("payload", namesAt: 3))
                    """, [.int(low), .int(high), .texts(names.needles)])
                return try Self.removeKeys(names.keys, rows: rows, table: "readings", column: "payload", session)
            }
        }
    }

    /// Removes the personal fields of `type` from alert evidence older than the personal period
    /// (the alert itself stays: it is the service record).
    public func scrubAlertEventsStep(_ plan: RetentionPlan, type: String, nowMs: Int64) throws -> RetentionStepResult {
        guard let fields = plan.personalFieldsByType[type] else { return RetentionStepResult(changed: 0, finished: true) }
        return try write { session in
            let filter = Self.deviceFilter(column: "device", types: [type], excluding: false)
            let upper = try session.scalar("SELECT max(id) FROM alert_events", as: Int64.self) ?? 0
            return try Self.walk(session, cursor: "scrub:alert_events:\(type)", table: "alert_events", timeColumn: "at", filter: filter,
                                 cutoffMs: nowMs - plan.personalRetentionMs, upperID: upper, stepRows: plan.stepRows) { low, high in
                try Self.scrubAlertEvidence(session, fields: fields, whereSQL: "id > $1 AND id <= $2 AND (\(filter))", binds: [.int(low), .int(high)])
            }
        }
    }

    /// Removes `fields` from the evidence of the alert events `whereSQL` selects (its binds
    /// `$1`...); returns the rows whose evidence is JSON naming one of them, as SQLite counts.
    static func scrubAlertEvidence(_ session: PostgresSession, fields: [String], whereSQL: String, binds: [SQLValue]) throws -> Int {
        let names = PersonalJSON.needles(fields)
        let rows = try session.query("""
            SELECT id, evidence AS value FROM alert_events
            WHERE (\(whereSQL)) AND evidence IS NOT NULL AND \(PersonalJSON.mentionsAny("evidence", namesAt: binds.count + 1))
            """, binds + [.texts(names.needles)])
        return try removeKeys(names.keys, rows: rows, table: "alert_events", column: "evidence", session)
    }

    /// Writes `column` of `rows` (`id`, `value`) back without `keys`. Returns the rows that held
    /// JSON: SQLite's UPDATE counted every row its `json_valid` guard let through.
    static func removeKeys(_ keys: Set<String>, rows: [PostgresRow], table: String, column: String, _ session: PostgresSession) throws -> Int {
        var ids: [Int64] = [], values: [String] = [], valid = 0
        for row in rows {
            guard let text = try row.value("value", as: String.self), let scrubbed = PersonalJSON.removingKeys(keys, from: text) else { continue }
            valid += 1
            if scrubbed != text {
                ids.append(try row.required("id", as: Int64.self))
                values.append(scrubbed)
            }
        }
        if !ids.isEmpty {
            try session.execute("UPDATE \(table) t SET \(column) = u.value FROM unnest($1::bigint[], $2::text[]) AS u(id, value) WHERE t.id = u.id",
                                [.ints(ids), .texts(values)])
        }
        return valid
    }

    /// Empties the kept prefix of rejected messages received before the personal period: a
    /// malformed wristband message may still carry a heart rate. Topic, reason and size stay.
    public func scrubRejectedStep(_ plan: RetentionPlan, nowMs: Int64) throws -> RetentionStepResult {
        try rejectedStep(plan, cursor: "scrub:rejected", cutoffMs: nowMs - plan.personalRetentionMs,
                         sql: "UPDATE rejected SET payload_prefix = ''::bytea WHERE id > $1 AND id <= $2 AND length(payload_prefix) > 0")
    }

    /// Drops the personal values from tickets of `type` that are over (resolved, closed or
    /// cancelled) and untouched for the personal period: the evidence loses its personal
    /// fields, the ticket its latitude and longitude. The ticket, its timeline and its SLA
    /// figures stay. A reopened ticket is active again and keeps what it has until it ends.
    public func scrubTicketsStep(_ plan: RetentionPlan, type: String, nowMs: Int64) throws -> RetentionStepResult {
        guard let fields = plan.personalFieldsByType[type] else { return RetentionStepResult(changed: 0, finished: true) }
        let cutoffMs = nowMs - plan.personalRetentionMs
        return try write { session in
            let body = Self.jsonb("body")
            let changed = try Self.scrubTickets(session, fields: fields, whereSQL: """
                state IN ('resolved', 'closed', 'cancelled') AND \(body) ->> 'device_type' = $1
                AND (\(body) ->> 'updated_at')::numeric < $2 AND \(body) ->> 'personal_scrubbed_at' IS NULL
                """, binds: [.text(type), .int(cutoffMs)], limit: plan.stepRows, markAtMs: nowMs)
            let events = try Self.scrubTicketEvents(session, whereSQL: "at < $1 AND \(body) #>> '{ticket,device_type}' = $2",
                                                    binds: [.int(cutoffMs), .text(type)], limit: plan.stepRows)
            return RetentionStepResult(changed: changed + events, finished: changed < plan.stepRows && events < plan.stepRows)
        }
    }

    /// `column` as jsonb, or NULL when it holds `\u0000` (valid JSON that jsonb refuses; the
    /// cast would fail the whole statement). Only for bodies gridwatch wrote itself.
    static func jsonb(_ column: String) -> String {
        "(CASE WHEN strpos(\(column), '\\u0000') = 0 THEN \(column)::jsonb END)"
    }

    /// The live events (SSE replay, webhooks, MQTT) keep a copy of the ticket as it was: past the
    /// personal period those copies lose the position and the evidence (the ticket row keeps its
    /// non-personal evidence). Compact JSON with sorted keys makes the text test exact.
    static func scrubTicketEvents(_ session: PostgresSession, whereSQL: String, binds: [SQLValue], limit: Int) throws -> Int {
        let rows = try session.query("""
            SELECT seq, body FROM ticket_events WHERE (strpos(body, '"latitude":') > 0 OR strpos(body, '"evidence":[{') > 0)
                AND (\(whereSQL)) ORDER BY seq LIMIT $\(binds.count + 1)
            """, binds + [.int(limit)])
        var seqs: [Int64] = [], bodies: [String] = [], valid = 0
        for row in rows {
            let text = try row.required("body", as: String.self)
            guard let scrubbed = PersonalJSON.scrubbedEventBody(text) else { continue }
            valid += 1
            if scrubbed != text {
                seqs.append(try row.required("seq", as: Int64.self))
                bodies.append(scrubbed)
            }
        }
        if !seqs.isEmpty {
            try session.execute("UPDATE ticket_events e SET body = u.body FROM unnest($1::bigint[], $2::text[]) AS u(seq, body) WHERE e.seq = u.seq",
                                [.ints(seqs), .texts(bodies)])
        }
        return valid
    }

    /// Rewrites the tickets `whereSQL` selects (binds `$1`...), at most `limit`, oldest first:
    /// no position, no personal fields in the evidence, marked with `personal_scrubbed_at`.
    static func scrubTickets(_ session: PostgresSession, fields: [String], whereSQL: String, binds: [SQLValue], limit: Int,
                             markAtMs: Int64 = 0) throws -> Int {
        let rows = try session.query("SELECT id, body FROM tickets WHERE \(whereSQL) ORDER BY number LIMIT $\(binds.count + 1)", binds + [.int(limit)])
        var ids: [String] = [], bodies: [String] = []
        for row in rows {
            let ticket = try JSONDecoder().decode(Ticket.self, from: Data(try row.required("body", as: String.self).utf8))
                .scrubbedOfPersonalData(fields: fields)
            let body = String(decoding: try JSONEncoder().encode(ticket), as: UTF8.self)
            // The mark keeps the next round from decoding this ticket again; a ticket saved later
            // (reopened) is written without it and is looked at again once it is over.
            ids.append(try row.required("id", as: String.self))
            bodies.append(PersonalJSON.appendingMember("personal_scrubbed_at", markAtMs, to: body))
        }
        if !ids.isEmpty {
            try session.execute("UPDATE tickets t SET body = u.body FROM unnest($1::text[], $2::text[]) AS u(id, body) WHERE t.id = u.id",
                                [.texts(ids), .texts(bodies)])
        }
        return rows.count
    }
}
