import Foundation
import PostgresNIO
import Storage

/// Retention on PostgreSQL: the named cursors of `retention_cursors`, the id-ordered walk
/// that pruning and scrubbing share, the status report and a device's erasure. The walk is
/// SQLite's; what differs is that several instances may run a round at once, so a walk holds
/// a transaction-scoped lock on its cursor's name while it reads and moves it.
extension PostgresStore {
    /// The advisory-lock namespace of retention cursors ('grid'): with a second key these
    /// two-key locks never meet the single-key locks of `PostgresSchema`.
    static let retentionLockSpace: Int32 = 0x6772_6964

    /// Where the walk `name` got to (0 when it never moved), without waiting for its lock.
    static func retentionCursor(_ name: String, _ session: PostgresSession) throws -> Int64 {
        try session.scalar("SELECT position FROM retention_cursors WHERE name = $1", [.text(name)], as: Int64.self) ?? 0
    }

    /// The cursor `name`, read after taking its lock for the rest of the transaction: another
    /// instance's step on the same cursor waits, then reads where this one left it. An advisory
    /// lock rather than FOR UPDATE: a cursor that never moved has no row to lock.
    static func lockRetentionCursor(_ name: String, _ session: PostgresSession) throws -> Int64 {
        try session.query("SELECT pg_advisory_xact_lock(\(retentionLockSpace), hashtext($1))", [.text(name)])
        return try retentionCursor(name, session)
    }

    /// Moves the walk `name` to `position`, in the caller's transaction with the rows it covers.
    static func setRetentionCursor(_ name: String, to position: Int64, _ session: PostgresSession) throws {
        try session.execute("""
            INSERT INTO retention_cursors (name, position) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET position = excluded.position
            """, [.text(name), .int(position)])
    }

    /// One step of a walk over `table` in id order from the cursor `name`: the ids after the
    /// cursor, at most `stepRows` of them and none past `upperID`, up to (not including) the
    /// first row that `filter` selects and that is at or after `cutoffMs` by `timeColumn`.
    /// `action(low, high)` changes the rows in (low, high]; the cursor moves to `high` in the
    /// same transaction. Rows go in in receive order, so time rises with the id and a walk
    /// stops at the first row still young enough; it never looks at a row twice.
    static func walk(_ session: PostgresSession, cursor name: String, table: String, timeColumn: String, filter: String,
                     cutoffMs: Int64, upperID: Int64, stepRows: Int, action: (Int64, Int64) throws -> Int) throws -> RetentionStepResult {
        var low = try lockRetentionCursor(name, session)
        // Skip a gap of ids at once (everything below was deleted, or the walk is new).
        guard let next = try session.scalar("SELECT min(id) FROM \(table) WHERE id > $1", [.int(low)], as: Int64.self), next <= upperID else {
            return RetentionStepResult(changed: 0, finished: true)
        }
        low = max(low, next - 1)
        let end = min(low + Int64(stepRows), upperID)
        let firstKept = try session.scalar("SELECT min(id) FROM \(table) WHERE id > $1 AND id <= $2 AND \(timeColumn) >= $3 AND (\(filter))",
                                           [.int(low), .int(end), .int(cutoffMs)], as: Int64.self)
        let high = firstKept.map { $0 - 1 } ?? end
        var changed = 0
        if high > low {
            changed = try action(low, high)
            try setRetentionCursor(name, to: high, session)
        }
        return RetentionStepResult(changed: changed, finished: firstKept != nil || high >= upperID)
    }

    /// `device_id IN (devices of these types)`, or `NOT IN` for the default period's group.
    static func deviceFilter(column: String, types: [String], excluding: Bool) -> String {
        if types.isEmpty { return excluding ? "true" : "false" }
        let list = types.map { "'\($0.replacingOccurrences(of: "'", with: "''"))'" }.joined(separator: ", ")
        return "\(column) \(excluding ? "NOT IN" : "IN") (SELECT id FROM devices WHERE type IN (\(list)))"
    }

    /// The raw periods, each with the types it covers (`RetentionPlan.rawGroups`, which is
    /// internal to Storage, in the same order): the default period's group lists the types it
    /// excludes (every type without an override, known or not).
    static func rawGroups(_ plan: RetentionPlan) -> [(name: String, retentionMs: Int64, types: [String], excluding: Bool)] {
        let overridden = plan.rawRetentionMsByType.keys.sorted()
        return [(name: "*", retentionMs: plan.rawRetentionMs, types: overridden, excluding: true)]
            + overridden.map { (name: $0, retentionMs: plan.rawRetentionMs(type: $0), types: [$0], excluding: false) }
    }

    public func retentionStatus() throws -> RetentionStatus {
        try read { session in
            func count(_ sql: String, _ binds: [SQLValue] = []) throws -> Int { Int(try session.scalar(sql, binds, as: Int64.self) ?? 0) }
            let rolledUp = try Self.retentionCursor(Self.rollupCursor, session)
            var cursors: [String: Int64] = [:]
            for row in try session.query("SELECT name, position FROM retention_cursors") {
                let name = try row.required("name", as: String.self)
                cursors[name] = try row.required("position", as: Int64.self)
            }
            return RetentionStatus(
                readings: try count("SELECT count(*) FROM readings"),
                oldestReadingReceivedAtMs: try session.scalar("SELECT received_at FROM readings ORDER BY id LIMIT 1", as: Int64.self),
                rollups5m: try count("SELECT count(*) FROM rollups WHERE width_s = 300"),
                rollups1h: try count("SELECT count(*) FROM rollups WHERE width_s = 3600"),
                alertEvents: try count("SELECT count(*) FROM alert_events"), tickets: try count("SELECT count(*) FROM tickets"),
                rejected: try count("SELECT count(*) FROM rejected"),
                readingsNotRolledUp: try count("SELECT count(*) FROM readings WHERE id > $1", [.int(rolledUp)]),
                // The whole database on the server (tables, indexes, TOAST), as SQLite's file and log.
                databaseBytes: try session.scalar("SELECT pg_database_size(current_database())", as: Int64.self) ?? 0,
                cursors: cursors)
        }
    }

    /// Erases everything stored about one device (a resident's wristband returned, say): its
    /// readings, roll-ups, rejected messages and the device itself. Alert history and tickets
    /// stay (the service record), with the device's personal values removed from them.
    /// Returns the rows deleted. Runs in one transaction: a device has at most the raw period
    /// of readings, and erasure is rare and asked for by a person.
    public func forgetDevice(_ id: String, personalFields: [String]) throws -> Int {
        try write { session in
            // Every reading goes, the newest too: ids come from a sequence and are never handed
            // out again, so SQLite's renamed placeholder row has nothing to guard here.
            var deleted = 0
            for table in ["readings", "rollups", "rejected"] {
                deleted += try session.execute("DELETE FROM \(table) WHERE device_id = $1", [.text(id)])
            }
            if !personalFields.isEmpty {
                _ = try Self.scrubAlertEvidence(session, fields: personalFields, whereSQL: "device = $1", binds: [.text(id)])
                _ = try Self.scrubTickets(session, fields: personalFields, whereSQL: "device = $1", binds: [.text(id)], limit: Int.max)
                _ = try Self.scrubTicketEvents(session, whereSQL: "\(Self.jsonb("body")) #>> '{ticket,device}' = $1", binds: [.text(id)],
                                               limit: Int.max)
            }
            deleted += try session.execute("DELETE FROM devices WHERE id = $1", [.text(id)])
            return deleted
        }
    }
}
