import Devices
import Foundation
import PostgresNIO
import Storage

/// Roll-ups on PostgreSQL: the same buckets as SQLite's, folded the same way. What differs is
/// how far a step may read: with several instances inserting, a lower readings id can commit
/// after a higher one, so a step reads only up to `stableReadingID()`, below which every id is
/// committed or never will be; the cursor then never passes a reading still in flight.
extension PostgresStore {
    /// The `retention_cursors` name of the roll-up: every reading id up to it is rolled up.
    static let rollupCursor = "rollup"

    /// Rolls up the next readings after the cursor, at most `plan.stepRows`, in one transaction
    /// that also moves the cursor: a crash repeats nothing and skips nothing.
    /// Personal fields get no bucket that ended before `nowMs - personal period` (a late
    /// reading's): it would only be pruned again.
    public func rollUpStep(_ plan: RetentionPlan, nowMs: Int64) throws -> RollupStepResult {
        // In a transaction of its own, before the step's: it waits for the batches in flight.
        let stableID = try stableReadingID()
        return try write { session in
            // Locked: two instances running a round at once would otherwise fold the same readings twice.
            let cursor = try Self.lockRetentionCursor(Self.rollupCursor, session)
            // The type comes from the devices table at roll-up time; a reading of a device the
            // inventory no longer has is passed over (nothing to know its fields by).
            let rows = try session.query("""
                SELECT r.id, d.type, r.device_id, r.received_at, r.device_ts, r.device_ts_trusted, r.payload
                FROM readings r LEFT JOIN devices d ON d.id = r.device_id WHERE r.id > $1 AND r.id <= $2 ORDER BY r.id LIMIT $3
                """, [.int(cursor), .int(stableID), .int(plan.stepRows)])
            var result = RollupStepResult()
            var lastID = cursor
            var buckets: [RollupKey: RollupBucket] = [:]
            // The writes bound the transaction, not the reads: a reading touches up to ten buckets
            // (five fields, two widths), so a step also ends at `stepRows` buckets.
            var full = false
            for row in rows {
                if full { break }
                full = buckets.count >= plan.stepRows
                result.readings += 1
                lastID = try row.required("id", as: Int64.self)
                try Self.fold(row, into: &buckets, plan, personalCutoffMs: nowMs - plan.personalRetentionMs)
            }
            try Self.upsert(Array(buckets.values), session)
            result.buckets = buckets.count
            result.caughtUp = result.readings < plan.stepRows && !full
            // Caught up: every id up to the stable one was read, so the cursor jumps the gaps
            // (ids of batches that rolled back, duplicates skipped) instead of stopping short of them.
            try Self.setRetentionCursor(Self.rollupCursor, to: result.caughtUp ? max(lastID, stableID) : lastID, session)
            return result
        }
    }

    /// Adds one reading's roll-up fields to the step's buckets (the fold both stores share).
    static func fold(_ row: PostgresRow, into buckets: inout [RollupKey: RollupBucket], _ plan: RetentionPlan, personalCutoffMs: Int64) throws {
        // Buckets are dated by the device's clock when it is trusted, else by the receive time.
        let trusted = try row.required("device_ts_trusted", as: Bool.self)
        RollupBucket.fold(type: try row.value("type", as: String.self), deviceID: try row.required("device_id"), payload: try row.required("payload"),
                          atMs: try row.required(trusted ? "device_ts" : "received_at", as: Int64.self), plan: plan, personalCutoffMs: personalCutoffMs,
                          into: &buckets)
    }

    /// Writes a step's buckets in one statement. Late readings land in buckets already stored:
    /// counts and sums add, extremes widen, and `last` moves only to a newer device time.
    static func upsert(_ buckets: [RollupBucket], _ session: PostgresSession) throws {
        guard !buckets.isEmpty else { return }
        // In key order: concurrent writers of the same buckets then lock them in the same order.
        let sorted = buckets.sorted {
            ($0.widthSeconds, $0.bucketStartMs, $0.deviceID, $0.field) < ($1.widthSeconds, $1.bucketStartMs, $1.deviceID, $1.field)
        }
        try session.execute("""
            INSERT INTO rollups (width_s, bucket_start, device_id, field, count, sum, min, max, last, last_ts)
            SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::bigint[], $6::float8[], $7::float8[],
                                 $8::float8[], $9::float8[], $10::bigint[])
            ON CONFLICT (width_s, bucket_start, device_id, field) DO UPDATE SET
                count = rollups.count + excluded.count, sum = rollups.sum + excluded.sum,
                min = LEAST(rollups.min, excluded.min), max = GREATEST(rollups.max, excluded.max),
                last = CASE WHEN excluded.last_ts >= rollups.last_ts THEN excluded.last ELSE rollups.last END,
                last_ts = GREATEST(rollups.last_ts, excluded.last_ts)
            """, [.ints(sorted.map(\.widthSeconds)), .ints(sorted.map(\.bucketStartMs)), .texts(sorted.map(\.deviceID)),
                  .texts(sorted.map(\.field)), .ints(sorted.map { Int64($0.count) }), .doubles(sorted.map(\.sum)),
                  .doubles(sorted.map(\.min)), .doubles(sorted.map(\.max)), .doubles(sorted.map(\.last)), .ints(sorted.map(\.lastMs))])
    }

    /// Stored buckets of one device (every field and width when not given), oldest first: a
    /// scan of the table (the key is time first), for tests and tools.
    public func rollups(device: String, field: String?, widthSeconds: Int64?) throws -> [RollupBucket] {
        try read { session in
            try session.query("""
                SELECT * FROM rollups WHERE device_id = $1 AND ($2::text IS NULL OR field = $2) AND ($3::bigint IS NULL OR width_s = $3)
                ORDER BY field, width_s, bucket_start
                """, [.text(device), .text(field), .int(widthSeconds)]).map { row in
                RollupBucket(deviceID: try row.required("device_id"), field: try row.required("field"), widthSeconds: try row.required("width_s"),
                             bucketStartMs: try row.required("bucket_start"), count: Int(try row.required("count", as: Int64.self)),
                             sum: try row.required("sum"), min: try row.required("min"), max: try row.required("max"),
                             last: try row.required("last"), lastMs: try row.required("last_ts"))
            }
        }
    }

    public func rollupSeries(field: String, widthSeconds: Int64, fromMs: Int64, toMs: Int64) throws -> [String: [RollupPoint]] {
        try read { session in
            var series: [String: [RollupPoint]] = [:]
            for row in try session.query("""
                SELECT device_id, bucket_start, last_ts, last, max FROM rollups
                WHERE width_s = $1 AND bucket_start >= $2 AND bucket_start < $3 AND field = $4 ORDER BY bucket_start
                """, [.int(widthSeconds), .int(fromMs), .int(toMs), .text(field)]) {
                series[try row.required("device_id"), default: []].append(
                    RollupPoint(bucketStartMs: try row.required("bucket_start"), lastMs: try row.required("last_ts"),
                                last: try row.required("last"), max: try row.required("max")))
            }
            return series
        }
    }

    /// The last reading id rolled up.
    public func rolledUpReadingID() throws -> Int64 {
        try read { session in try Self.retentionCursor(Self.rollupCursor, session) }
    }
}
