import Foundation
import GRDB

/// What one retention step changed, and whether its walk has nothing more to do this round.
public struct RetentionStepResult: Sendable {
    public var changed: Int
    public var finished: Bool

    public init(changed: Int, finished: Bool) {
        self.changed = changed
        self.finished = finished
    }
}

extension GatewayDatabase {
    /// One step of a walk over `table` in id order from the cursor `name`: the ids after the
    /// cursor, at most `stepRows` of them and none past `upperID`, up to (not including) the
    /// first row that `filter` selects and that is at or after `cutoffMs` by `timeColumn`.
    /// `action(low, high)` changes the rows in (low, high]; the cursor moves to `high` in the
    /// same transaction. Rows go in in receive order, so time rises with the id and a walk
    /// stops at the first row still young enough; it never looks at a row twice. (Nearly: an
    /// alarm's readings commit ahead of the readings waiting before them, `IngestPipeline.alarmFirst`,
    /// a few ms apart; a walk that stops at such a reading takes the older ones a round later.)
    static func walk(_ db: Database, cursor name: String, table: String, timeColumn: String, filter: String, arguments: StatementArguments,
                     cutoffMs: Int64, upperID: Int64, stepRows: Int, action: (Int64, Int64) throws -> Int) throws -> RetentionStepResult {
        var low = try cursor(name, db)
        // Skip a gap of ids at once (everything below was deleted, or the walk is new).
        guard let next = try Int64.fetchOne(db, sql: "SELECT min(id) FROM \(table) WHERE id > ?", arguments: [low]), next <= upperID else {
            return RetentionStepResult(changed: 0, finished: true)
        }
        low = max(low, next - 1)
        let end = min(low + Int64(stepRows), upperID)
        let firstKept = try Int64.fetchOne(db, sql: "SELECT min(id) FROM \(table) WHERE id > ? AND id <= ? AND \(timeColumn) >= ? AND (\(filter))",
                                           arguments: [low, end, cutoffMs] + arguments)
        let high = firstKept.map { $0 - 1 } ?? end
        var changed = 0
        if high > low {
            changed = try action(low, high)
            try setCursor(name, to: high, db)
        }
        return RetentionStepResult(changed: changed, finished: firstKept != nil || high >= upperID)
    }

    /// `device_id IN (devices of these types)`, or `NOT IN` for the default period's group.
    static func deviceFilter(column: String, types: [String], excluding: Bool) -> String {
        let list = types.map { "'\($0.replacingOccurrences(of: "'", with: "''"))'" }.joined(separator: ", ")
        if types.isEmpty { return excluding ? "1" : "0" }
        return "\(column) \(excluding ? "NOT IN" : "IN") (SELECT id FROM devices WHERE type IN (\(list)))"
    }

    /// Deletes raw readings of one retention group received before `nowMs - period`. Only rolled
    /// up readings go, and never the newest row (its id keeps SQLite from reusing ids below the
    /// roll-up cursor).
    public func pruneReadingsStep(_ plan: RetentionPlan, group index: Int, nowMs: Int64) throws -> RetentionStepResult {
        try pool.write { db in
            let group = plan.rawGroups[index]
            let filter = Self.deviceFilter(column: "device_id", types: group.types, excluding: group.excluding)
            let newest = try Int64.fetchOne(db, sql: "SELECT max(id) FROM readings") ?? 0
            let upper = min(try Self.cursor("rollup", db), newest - 1)
            return try Self.walk(db, cursor: "prune:readings:\(group.name)", table: "readings", timeColumn: "received_at", filter: filter, arguments: [],
                                 cutoffMs: nowMs - group.retentionMs, upperID: upper, stepRows: plan.stepRows) { low, high in
                try db.execute(sql: "DELETE FROM readings WHERE id > ? AND id <= ? AND (\(filter))", arguments: [low, high])
                let deleted = db.changesCount
                try Self.collectReadingRuns(afterID: low, upToID: high, filter: filter, db)
                return deleted
            }
        }
    }

    /// Deletes rejected messages received before the default raw period.
    public func pruneRejectedStep(_ plan: RetentionPlan, nowMs: Int64) throws -> RetentionStepResult {
        try rejectedStep(plan, cursor: "prune:rejected", cutoffMs: nowMs - plan.rawRetentionMs, sql: "DELETE FROM rejected WHERE id > ? AND id <= ?")
    }

    /// One walk step over `rejected` (in receive order), `sql` applied to the ids it covers.
    func rejectedStep(_ plan: RetentionPlan, cursor: String, cutoffMs: Int64, sql: String) throws -> RetentionStepResult {
        try pool.write { db in
            let upper = try Int64.fetchOne(db, sql: "SELECT max(id) FROM rejected") ?? 0
            return try Self.walk(db, cursor: cursor, table: "rejected", timeColumn: "received_at", filter: "1", arguments: [],
                                 cutoffMs: cutoffMs, upperID: upper, stepRows: plan.stepRows) { low, high in
                try db.execute(sql: sql, arguments: [low, high])
                return db.changesCount
            }
        }
    }

    /// Deletes roll-up buckets that ended before their width's period, and buckets of personal
    /// fields that ended before the personal period: at most `plan.stepRows` rows. Age pruning
    /// takes each width's range from its start; personal pruning walks a cursor per width over
    /// bucket starts, so each round looks only at buckets that aged since the last one.
    public func pruneRollupsStep(_ plan: RetentionPlan, nowMs: Int64) throws -> RetentionStepResult {
        try pool.write { db in
            var deleted = 0
            let columns = "width_s, bucket_start, device_id, field"
            let key = "(\(columns))"
            for width in RetentionPlan.widthsSeconds where deleted < plan.stepRows {
                guard let period = plan.rollupRetentionMsByWidth[width] else { continue }
                try db.execute(sql: """
                    DELETE FROM rollups WHERE \(key) IN (SELECT \(columns) FROM rollups WHERE width_s = ? AND bucket_start <= ? ORDER BY bucket_start LIMIT ?)
                    """, arguments: [width, nowMs - period - width * 1000, plan.stepRows - deleted])
                deleted += db.changesCount
            }
            let personal = plan.personalFieldsByType.keys.sorted().map { type in
                let fields = (plan.personalFieldsByType[type] ?? []).map { "'\($0.replacingOccurrences(of: "'", with: "''"))'" }.joined(separator: ", ")
                return "(field IN (\(fields)) AND \(Self.deviceFilter(column: "device_id", types: [type], excluding: false)))"
            }
            for width in RetentionPlan.widthsSeconds where deleted < plan.stepRows && !personal.isEmpty {
                let name = "scrub:rollups:\(width)"
                let from = try Self.cursor(name, db)
                let cutoff = nowMs - plan.personalRetentionMs - width * 1000
                guard cutoff >= from else { continue }
                let limit = plan.stepRows - deleted
                try db.execute(sql: """
                    DELETE FROM rollups WHERE \(key) IN (SELECT \(columns) FROM rollups WHERE width_s = ? AND bucket_start >= ? AND bucket_start <= ?
                        AND (\(personal.joined(separator: " OR "))) ORDER BY bucket_start LIMIT ?)
                    """, arguments: [width, from, cutoff, limit])
                deleted += db.changesCount
                // Done up to the cutoff unless the limit cut it short (then the next step goes on).
                if db.changesCount < limit { try Self.setCursor(name, to: cutoff + 1, db) }
            }
            return RetentionStepResult(changed: deleted, finished: deleted < plan.stepRows)
        }
    }
}
