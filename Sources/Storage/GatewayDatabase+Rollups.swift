import Devices
import Foundation
import GRDB

/// What one roll-up step did.
public struct RollupStepResult: Sendable {
    public var readings = 0
    public var buckets = 0
    /// Fewer readings than a step's worth were left: the roll-up has reached the newest id.
    public var caughtUp = false

    public init(readings: Int = 0, buckets: Int = 0, caughtUp: Bool = false) {
        self.readings = readings
        self.buckets = buckets
        self.caughtUp = caughtUp
    }
}

/// A roll-up step read and folded, not yet written: the buckets of the readings after `fromID`
/// up to `lastID`.
struct RollupFold {
    var fromID: Int64
    var lastID: Int64
    var readings = 0
    var buckets: [RollupKey: RollupBucket] = [:]
    /// Fewer readings than a step's worth were left, and the buckets did not fill the step.
    var caughtUp = false
}

/// A reading as a roll-up step folds it, copied out of its read transaction.
private struct RollupSource {
    var id: Int64
    /// From the devices table; nil when the inventory no longer has the device.
    var type: String?
    var deviceID: String
    /// The device's time when it is trusted, else the receive time.
    var atMs: Int64
    var payload: String
}

extension GatewayDatabase {
    /// Rolls up the next readings after the cursor, at most `plan.stepRows`, and moves the
    /// cursor in the transaction that writes their buckets: a crash repeats nothing and skips
    /// nothing. The readings are read and folded first, outside the write transaction: their
    /// payloads' parsing took 20–40 ms a step here, and ingest's commits (an alarm's among
    /// them) waited for it whenever a round ran. Only the upserts hold the writer now.
    /// Personal fields get no bucket that ended before `nowMs - personal period` (a late
    /// reading's): it would only be pruned again.
    public func rollUpStep(_ plan: RetentionPlan, nowMs: Int64) throws -> RollupStepResult {
        let fold = try foldRollupStep(plan, nowMs: nowMs)
        return try writeRollupStep(fold)
    }

    /// Reads the step's readings in one read transaction and folds them with none held.
    func foldRollupStep(_ plan: RetentionPlan, nowMs: Int64) throws -> RollupFold {
        let personalCutoff = nowMs - plan.personalRetentionMs
        // The type comes from the devices table at roll-up time; a reading of a device the
        // inventory no longer has is passed over (nothing to know its fields by).
        let (fromID, rows) = try pool.read { db -> (Int64, [RollupSource]) in
            let fromID = try Self.cursor("rollup", db)
            let cursor = try Row.fetchCursor(db, sql: """
                SELECT r.id, d.type, r.device_id, r.received_at, r.device_ts, r.device_ts_trusted, r.payload
                FROM readings r LEFT JOIN devices d ON d.id = r.device_id WHERE r.id > ? ORDER BY r.id LIMIT ?
                """, arguments: [fromID, plan.stepRows])
            var rows: [RollupSource] = []
            // Buckets are dated by the device's clock when it is trusted, else by the receive time.
            while let row = try cursor.next() {
                rows.append(RollupSource(id: row[0], type: row[1], deviceID: row[2], atMs: (row[5] as Bool) ? row[4] : row[3], payload: row[6]))
            }
            return (fromID, rows)
        }
        var fold = RollupFold(fromID: fromID, lastID: fromID)
        // The writes bound the transaction, not the reads: a reading touches up to ten buckets
        // (five fields, two widths), so a step also ends at `stepRows` buckets.
        var full = false
        for row in rows {
            if full { break }
            full = fold.buckets.count >= plan.stepRows
            fold.readings += 1
            fold.lastID = row.id
            RollupBucket.fold(type: row.type, deviceID: row.deviceID, payload: row.payload, atMs: row.atMs, plan: plan,
                              personalCutoffMs: personalCutoff, into: &fold.buckets)
        }
        fold.caughtUp = fold.readings < plan.stepRows && !full
        return fold
    }

    /// Writes a folded step and moves the cursor past it, unless the cursor moved since the
    /// step was read (`gridwatch retention run-once` beside a running gateway): then nothing is
    /// written, and the next step reads again from where the cursor is.
    func writeRollupStep(_ fold: RollupFold) throws -> RollupStepResult {
        try pool.write { db in
            guard try Self.cursor("rollup", db) == fold.fromID else { return RollupStepResult() }
            let upsert = try RollupUpsertStatement(db)
            for bucket in fold.buckets.values { try upsert.upsert(bucket) }
            try Self.setCursor("rollup", to: fold.lastID, db)
            return RollupStepResult(readings: fold.readings, buckets: fold.buckets.count, caughtUp: fold.caughtUp)
        }
    }

    /// The start of the bucket holding `ms` (floored, so times before 1970 bucket correctly too).
    public static func bucketStart(_ ms: Int64, widthSeconds: Int64) -> Int64 {
        let width = widthSeconds * 1000
        let quotient = ms / width
        return (ms % width < 0 ? quotient - 1 : quotient) * width
    }

    /// Stored buckets of one device (every field and width when not given), oldest first: a
    /// scan of the table (the key is time first), for tests and tools.
    public func rollups(device: String, field: String? = nil, widthSeconds: Int64? = nil) throws -> [RollupBucket] {
        try pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM rollups WHERE device_id = ? AND (? IS NULL OR field = ?) AND (? IS NULL OR width_s = ?)
                ORDER BY field, width_s, bucket_start
                """, arguments: [device, field, field, widthSeconds, widthSeconds]).map { row in
                RollupBucket(deviceID: row["device_id"], field: row["field"], widthSeconds: row["width_s"], bucketStartMs: row["bucket_start"],
                             count: row["count"], sum: row["sum"], min: row["min"], max: row["max"], last: row["last"], lastMs: row["last_ts"])
            }
        }
    }
}

extension GatewayDatabase {
    public func rollupSeries(field: String, widthSeconds: Int64, fromMs: Int64, toMs: Int64) throws -> [String: [RollupPoint]] {
        try pool.read { db in
            var series: [String: [RollupPoint]] = [:]
            let rows = try Row.fetchCursor(db, sql: """
                SELECT device_id, bucket_start, last_ts, last, max FROM rollups
                WHERE width_s = ? AND bucket_start >= ? AND bucket_start < ? AND field = ? ORDER BY bucket_start
                """, arguments: [widthSeconds, fromMs, toMs, field])
            while let row = try rows.next() {
                series[row[0], default: []].append(RollupPoint(bucketStartMs: row[1], lastMs: row[2], last: row[3], max: row[4]))
            }
            return series
        }
    }
}

/// The primary key of a roll-up row, for gathering a step's buckets before writing them.
public struct RollupKey: Hashable, Sendable {
    public var deviceID: String
    public var field: String
    public var widthSeconds: Int64
    public var bucketStartMs: Int64
}
