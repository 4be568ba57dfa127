import GRDB

/// A roll-up step's bucket upsert, bound through SQLite (see `BoundStatement`): a step writes
/// thousands of buckets while it holds the writer, and ingest's commits wait for it.
struct RollupUpsertStatement {
    /// Late readings land in buckets already stored: counts and sums add, extremes widen, and
    /// `last` moves only to a newer device time. A bucket that this step (or a later one)
    /// already added to is left as it is: the step is being finished after a crash. A device
    /// forgotten since the step was read (`devices forget`) gets no bucket back.
    static let sql = """
        INSERT INTO rollups (width_s, bucket_start, device_id, field, count, sum, min, max, last, last_ts, step_last_id)
        SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM devices WHERE id = ?3)
        ON CONFLICT(width_s, bucket_start, device_id, field) DO UPDATE SET
            count = count + excluded.count, sum = sum + excluded.sum, min = min(min, excluded.min), max = max(max, excluded.max),
            last = CASE WHEN excluded.last_ts >= last_ts THEN excluded.last ELSE last END, last_ts = max(last_ts, excluded.last_ts),
            step_last_id = excluded.step_last_id
        WHERE step_last_id < excluded.step_last_id
        """
    private let statement: BoundStatement

    init(_ db: Database) throws { statement = try BoundStatement(db, sql: Self.sql) }

    /// Adds `bucket` to the stored bucket of the same key, or stores it, for the step whose
    /// last reading id is `stepLastID`.
    func upsert(_ bucket: RollupBucket, stepLastID: Int64) throws {
        statement.bind(1, bucket.widthSeconds)
        statement.bind(2, bucket.bucketStartMs)
        statement.bind(3, bucket.deviceID)
        statement.bind(4, bucket.field)
        statement.bind(5, Int64(bucket.count))
        statement.bind(6, bucket.sum)
        statement.bind(7, bucket.min)
        statement.bind(8, bucket.max)
        statement.bind(9, bucket.last)
        statement.bind(10, bucket.lastMs)
        statement.bind(11, stepLastID)
        try statement.step()
    }
}
