import Foundation
import PostgresNIO
import Storage

/// Pruning on PostgreSQL: SQLite's walks and roll-up deletes, plus whole readings months
/// dropped before the walk (`PostgresStore+PartitionPruning.swift`). Nothing here deletes
/// alert events or tickets: they are the service record.
extension PostgresStore {
    /// Deletes raw readings of one retention group received before `nowMs - period`. Only rolled
    /// up readings go. A round's first call drops the months that every group is done with
    /// (counted as pruned, the step then not finished); the walk then deletes the rest by id.
    public func pruneReadingsStep(_ plan: RetentionPlan, group index: Int, nowMs: Int64) throws -> RetentionStepResult {
        let dropped = try dropExpiredReadingsPartitions(plan, nowMs: nowMs)
        if dropped > 0 { return RetentionStepResult(changed: dropped, finished: false) }
        return try write { session in
            let group = Self.rawGroups(plan)[index]
            let filter = Self.deviceFilter(column: "device_id", types: group.types, excluding: group.excluding)
            // Never past the roll-up cursor. Unlike SQLite the newest row may go too: ids come from a
            // sequence, never reused, so no row has to stay behind to hold the highest id.
            let upper = try Self.retentionCursor(Self.rollupCursor, session)
            return try Self.walk(session, cursor: "prune:readings:\(group.name)", table: "readings", timeColumn: "received_at", filter: filter,
                                 cutoffMs: nowMs - group.retentionMs, upperID: upper, stepRows: plan.stepRows) { low, high in
                try session.execute("DELETE FROM readings WHERE id > $1 AND id <= $2 AND (\(filter))", [.int(low), .int(high)])
            }
        }
    }

    /// Deletes rejected messages received before the default raw period.
    public func pruneRejectedStep(_ plan: RetentionPlan, nowMs: Int64) throws -> RetentionStepResult {
        try rejectedStep(plan, cursor: "prune:rejected", cutoffMs: nowMs - plan.rawRetentionMs, sql: "DELETE FROM rejected WHERE id > $1 AND id <= $2")
    }

    /// One walk step over `rejected` (in receive order), `sql` applied to the ids it covers
    /// (bound as `$1`, `$2`).
    func rejectedStep(_ plan: RetentionPlan, cursor: String, cutoffMs: Int64, sql: String) throws -> RetentionStepResult {
        try write { session in
            let upper = try session.scalar("SELECT max(id) FROM rejected", as: Int64.self) ?? 0
            return try Self.walk(session, cursor: cursor, table: "rejected", timeColumn: "received_at", filter: "true",
                                 cutoffMs: cutoffMs, upperID: upper, stepRows: plan.stepRows) { low, high in
                try session.execute(sql, [.int(low), .int(high)])
            }
        }
    }

    /// Deletes roll-up buckets that ended before their width's period, and buckets of personal
    /// fields that ended before the personal period: at most `plan.stepRows` rows. Age pruning
    /// takes each width's range from its start; personal pruning walks a cursor per width over
    /// bucket starts, so each round looks only at buckets that aged since the last one.
    public func pruneRollupsStep(_ plan: RetentionPlan, nowMs: Int64) throws -> RetentionStepResult {
        try write { session in
            var deleted = 0
            let columns = "width_s, bucket_start, device_id, field"
            let key = "(\(columns))"
            for width in RetentionPlan.widthsSeconds where deleted < plan.stepRows {
                guard let period = plan.rollupRetentionMsByWidth[width] else { continue }
                deleted += try session.execute("""
                    DELETE FROM rollups WHERE \(key) IN (SELECT \(columns) FROM rollups WHERE width_s = $1 AND bucket_start <= $2
                                                         ORDER BY bucket_start LIMIT $3)
                    """, [.int(width), .int(nowMs - period - width * 1000), .int(plan.stepRows - deleted)])
            }
            let personal = Self.personalRollupFilter(plan)
            for width in RetentionPlan.widthsSeconds where deleted < plan.stepRows && !personal.isEmpty {
                let name = "scrub:rollups:\(width)"
                let from = try Self.lockRetentionCursor(name, session)
                let cutoff = nowMs - plan.personalRetentionMs - width * 1000
                guard cutoff >= from else { continue }
                let limit = plan.stepRows - deleted
                let changed = try session.execute("""
                    DELETE FROM rollups WHERE \(key) IN (SELECT \(columns) FROM rollups WHERE width_s = $1 AND bucket_start >= $2 AND bucket_start <= $3
                        AND (\(personal)) ORDER BY bucket_start LIMIT $4)
                    """, [.int(width), .int(from), .int(cutoff), .int(limit)])
                deleted += changed
                // Done up to the cutoff unless the limit cut it short (then the next step goes on).
                if changed < limit { try Self.setRetentionCursor(name, to: cutoff + 1, session) }
            }
            return RetentionStepResult(changed: deleted, finished: deleted < plan.stepRows)
        }
    }

    /// The personal fields of every type as one condition on `rollups` ('' when there are none).
    static func personalRollupFilter(_ plan: RetentionPlan) -> String {
        plan.personalFieldsByType.keys.sorted().map { type in
            let fields = (plan.personalFieldsByType[type] ?? []).map { "'\($0.replacingOccurrences(of: "'", with: "''"))'" }.joined(separator: ", ")
            return "(field IN (\(fields)) AND \(deviceFilter(column: "device_id", types: [type], excluding: false)))"
        }.joined(separator: " OR ")
    }
}
