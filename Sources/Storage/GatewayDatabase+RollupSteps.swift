import Devices
import Foundation
import GRDB

/// A roll-up step read and folded, not yet written: the buckets of the readings after `fromID`
/// up to `lastID`.
struct RollupFold {
    var fromID: Int64
    var lastID: Int64
    /// The time the step folds at (it sets the personal cutoff): a step finished after a crash
    /// folds at the time its first transaction recorded, so it makes the same buckets.
    var nowMs: Int64
    var readings = 0
    var buckets: [RollupKey: RollupBucket] = [:]
    /// Fewer readings than a step's worth were left.
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
    static func migrateRollupSteps(_ db: Database) throws {
        try db.execute(sql: """
            -- The last reading id of the roll-up step that last added to this bucket. A step's
            -- buckets are written in transactions of at most `write_rows`, the cursor moving with
            -- the last; a step finished again after a crash adds only to buckets whose
            -- step_last_id is below its own, so each bucket takes each reading once.
            ALTER TABLE rollups ADD COLUMN step_last_id INTEGER NOT NULL DEFAULT 0;
            """)
    }

    /// Rolls up the next readings after the cursor, at most `plan.foldRows`, and moves the
    /// cursor in the transaction that writes the last of their buckets: a crash repeats nothing
    /// and skips nothing. The readings are read and folded first, outside any write transaction
    /// (their payloads' parsing took 20–40 ms a step here), and the buckets are written in
    /// transactions of at most `plan.writeRows` and about 0.25 ms (a step's thousands of upserts
    /// held the writer 11–21 ms, and ingest's commits, an alarm's among them, waited for it).
    /// Personal fields get no bucket that ended before `nowMs - personal period` (a late
    /// reading's): it would only be pruned again.
    public func rollUpStep(_ plan: RetentionPlan, nowMs: Int64) throws -> RollupStepResult {
        let fold = try foldRollupStep(plan, nowMs: nowMs)
        return try writeRollupStep(fold, writeRows: plan.writeRows)
    }

    /// Reads the step's readings in one read transaction and folds them with none held, on
    /// `LowPriorityLane`. A step left part-written is folded again first, over the same readings
    /// at the same time.
    func foldRollupStep(_ plan: RetentionPlan, nowMs: Int64) throws -> RollupFold {
        // The type comes from the devices table at roll-up time; a reading of a device the
        // inventory no longer has is passed over (nothing to know its fields by).
        let (fromID, pending, rows) = try pool.read { db -> (Int64, PendingRollupStep?, [RollupSource]) in
            let fromID = try Self.cursor("rollup", db)
            let pending = try Self.pendingRollupStep(db, cursor: fromID)
            let cursor = try Row.fetchCursor(db, sql: """
                SELECT r.id, d.type, r.device_id, r.received_at, r.device_ts, r.device_ts_trusted, r.payload
                FROM readings r LEFT JOIN devices d ON d.id = r.device_id WHERE r.id > ? AND r.id <= ? ORDER BY r.id LIMIT ?
                """, arguments: [fromID, pending?.lastID ?? .max, pending == nil ? plan.foldRows : -1])
            var rows: [RollupSource] = []
            // Buckets are dated by the device's clock when it is trusted, else by the receive time.
            while let row = try cursor.next() {
                rows.append(RollupSource(id: row[0], type: row[1], deviceID: row[2], atMs: (row[5] as Bool) ? row[4] : row[3], payload: row[6]))
            }
            return (fromID, pending, rows)
        }
        var fold = RollupFold(fromID: fromID, lastID: pending?.lastID ?? rows.last?.id ?? fromID, nowMs: pending?.nowMs ?? nowMs)
        // The parsing on a thread of the lowest priority: it holds no transaction, and would
        // otherwise take a core from ingest and the broker for a second and more each round.
        let personalCutoff = fold.nowMs - plan.personalRetentionMs
        fold.buckets = try LowPriorityLane.shared.run {
            var buckets: [RollupKey: RollupBucket] = [:]
            for row in rows {
                RollupBucket.fold(type: row.type, deviceID: row.deviceID, payload: row.payload, atMs: row.atMs, plan: plan,
                                  personalCutoffMs: personalCutoff, into: &buckets)
            }
            return buckets
        }
        fold.readings = rows.count
        fold.caughtUp = pending == nil && fold.readings < plan.foldRows
        return fold
    }

    /// Writes a folded step, at most `writeRows` buckets and about `writeHoldNs` (monotonic, checked
    /// after each bucket) a transaction, and moves the cursor past
    /// it with the last. Each transaction first checks that the cursor is still where the fold
    /// began and that no other step is pending; if not (`gridwatch retention run-once` beside a
    /// running gateway took the readings first), it writes nothing and the step ends there: the
    /// next step reads again from where the cursor is. While an emergency's commits are under way
    /// a transaction ends after the bucket it is writing, and each transaction first waits for
    /// them (at most `maxHoldNs`), as a fold of reading runs does (`foldReadingRuns`).
    ///
    /// The time bound is the fold's, for the same reason: 1,000 buckets a transaction still held
    /// the writer tens of ms under `bench/alert-latency`'s load (27–32 ms at the median in a
    /// traced run, session 38, whose statement profiling slowed every statement), and the
    /// ordinary commits queued behind it held up the alarms that came meanwhile. GRDB's writer
    /// queue is first come, first served, so a commit waiting goes before the step's next write.
    func writeRollupStep(_ fold: RollupFold, writeRows: Int, writeHoldNs: UInt64 = 250_000, stopAfterTransactions: Int = .max,
                         maxHoldNs: UInt64 = 50_000_000) throws -> RollupStepResult {
        // In key order (width, then time, as the table is): each transaction then dirties its own run
        // of pages, where a dictionary's order would have every one rewrite most of them.
        let buckets = fold.buckets.values.sorted { ($0.widthSeconds, $0.bucketStartMs, $0.deviceID, $0.field) < ($1.widthSeconds, $1.bucketStartMs, $1.deviceID, $1.field) }
        let chunkSize = max(writeRows, 1)
        let pending = PendingRollupStep(lastID: fold.lastID, nowMs: fold.nowMs)
        var start = 0
        var transactions = 0
        repeat {
            guard transactions < stopAfterTransactions else { return RollupStepResult() }
            waitForOrdinaryCommits(maxHoldNs: maxHoldNs)
            let end = min(start + chunkSize, buckets.count)
            let reached = try pool.write { db -> Int? in
                guard try Self.cursor("rollup", db) == fold.fromID else { return nil }
                let recorded = try Self.pendingRollupStep(db, cursor: fold.fromID)
                guard recorded == nil || recorded == pending else { return nil }
                let upsert = try RollupUpsertStatement(db)
                let startedNs = DispatchTime.now().uptimeNanoseconds
                var next = start
                while next < end {
                    try upsert.upsert(buckets[next], stepLastID: fold.lastID)
                    next += 1
                    if emergencyUnderWay || DispatchTime.now().uptimeNanoseconds - startedNs >= writeHoldNs { break }
                }
                if next == buckets.count {
                    try Self.setCursor("rollup", to: fold.lastID, db)
                    try Self.setPendingRollupStep(nil, db)
                } else if recorded == nil {
                    try Self.setPendingRollupStep(pending, db)
                }
                return next
            }
            guard let reached else { return RollupStepResult() }
            start = reached
            transactions += 1
        } while start < buckets.count
        return RollupStepResult(readings: fold.readings, buckets: buckets.count, caughtUp: fold.caughtUp)
    }
}
