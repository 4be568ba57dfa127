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

/// The step whose buckets are being written in several transactions: recorded by the first, so
/// that whoever writes next (this round, the next process after a crash, `retention run-once`)
/// folds exactly these readings again. Cleared by the last, which moves the cursor.
struct PendingRollupStep: Equatable {
    static let lastIDName = "rollup:pending_last_id"
    static let nowName = "rollup:pending_now_ms"

    var lastID: Int64
    var nowMs: Int64
}

extension GatewayDatabase {
    /// Whether a roll-up step was left part-written (the process stopped between its transactions).
    public func hasPendingRollupStep() throws -> Bool {
        try pool.read { db in try Self.pendingRollupStep(db, cursor: Self.cursor("rollup", db)) != nil }
    }

    /// The step recorded as pending, given the roll-up cursor the caller has just read.
    static func pendingRollupStep(_ db: Database, cursor: Int64) throws -> PendingRollupStep? {
        let rows = try Row.fetchAll(db, sql: "SELECT name, position FROM retention_cursors WHERE name IN (?, ?)",
                                    arguments: [PendingRollupStep.lastIDName, PendingRollupStep.nowName])
        let positions = rows.reduce(into: [String: Int64]()) { $0[$1[0]] = $1[1] }
        guard let lastID = positions[PendingRollupStep.lastIDName], let nowMs = positions[PendingRollupStep.nowName] else { return nil }
        // At or below the cursor it is stale (a gridwatch without pending steps finished the step
        // after a crash): ignored, and overwritten or cleared by the next step's writes.
        guard lastID > cursor else { return nil }
        return PendingRollupStep(lastID: lastID, nowMs: nowMs)
    }

    static func setPendingRollupStep(_ step: PendingRollupStep?, _ db: Database) throws {
        guard let step else {
            try db.execute(sql: "DELETE FROM retention_cursors WHERE name IN (?, ?)",
                           arguments: [PendingRollupStep.lastIDName, PendingRollupStep.nowName])
            return
        }
        try setCursor(PendingRollupStep.lastIDName, to: step.lastID, db)
        try setCursor(PendingRollupStep.nowName, to: step.nowMs, db)
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
