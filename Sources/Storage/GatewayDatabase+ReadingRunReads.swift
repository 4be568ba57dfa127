import Foundation
import GRDB

extension GatewayDatabase {
    /// The cursor, the newest id, the id the step goes up to (the cursor: no step), and the
    /// step's runs in device order (the runs table's order, so its pages fill one after another).
    /// The readings are read `rowsPerRead` ids at a time, each slice in a read transaction of
    /// its own; before each slice after the first the step waits, as its writes do
    /// (`waitForOrdinaryCommits`), while an emergency's commits are under way or the log's copy
    /// is being finished. Read whole, a step of 16,000 readings read for 10 ms at the median
    /// (28 ms at most) once a second under `bench/alert-latency`'s load, busy on a core of two;
    /// in session 34's traced runs the MQTT loop's slow rounds (over 3 ms) came during those
    /// reads 2–6 times in 15, though they took ~1 % of the time. A reading deleted or forgotten
    /// after its slice was read leaves a stale id, as one gone between a whole read and the
    /// write always did (readers skip it); one gone before its slice is read is simply absent.
    func readReadingRuns(minRows: Int, maxRows: Int, rowsPerRead: Int, maxHoldNs: UInt64) throws
    -> (cursor: Int64, newest: Int64, upTo: Int64, runs: [ReadingRun]) {
        let (cursor, newest, first, upTo) = try pool.read { db in try Self.readingRunsStepRange(minRows: minRows, maxRows: maxRows, db) }
        var runs: [String: ReadingRun] = [:]
        let rows = Int64(max(rowsPerRead, 1))
        var sliceStart = first
        while sliceStart < upTo {
            if sliceStart > first { waitForOrdinaryCommits(maxHoldNs: maxHoldNs) }
            // Computed so that `rowsPerRead: .max` cannot overflow.
            let sliceEnd = upTo - sliceStart > rows ? sliceStart + rows : upTo
            try pool.read { db in try Self.addReadings(after: sliceStart, upTo: sliceEnd, to: &runs, db) }
            sliceStart = sliceEnd
        }
        return (cursor, newest, upTo, runs.keys.sorted().map { runs[$0]! })
    }

    /// The cursor, the newest id, the id the step reads after (below the first reading past the
    /// cursor), and the id it goes up to (the cursor: no step).
    static func readingRunsStepRange(minRows: Int, maxRows: Int, _ db: Database) throws
    -> (cursor: Int64, newest: Int64, first: Int64, upTo: Int64) {
        let cursor = try cursor(readingRunsCursor, db)
        let newest = try newestReadingID(db)
        guard newest - cursor >= Int64(max(minRows, 1)),
              let next = try Int64.fetchOne(db, sql: "SELECT min(id) FROM readings WHERE id > ?", arguments: [cursor]) else {
            return (cursor, newest, cursor, cursor)
        }
        // A gap of ids (pruned before v17, or forgotten) is skipped at once, by the read as by
        // the step: a step takes `maxRows` ids from the first reading after the cursor, so it
        // always folds some.
        let first = max(cursor, next - 1)
        return (cursor, newest, first, first + min(Int64(max(maxRows, 1)), newest - first))
    }

    /// Adds the readings with ids in (`afterID`, `upToID`] to their devices' runs, in id order.
    static func addReadings(after afterID: Int64, upTo upToID: Int64, to runs: inout [String: ReadingRun], _ db: Database) throws {
        let scan = try SQLiteRowScan(db, sql: """
            SELECT id, device_id, device_ts, received_at, device_ts_trusted FROM readings WHERE id > ? AND id <= ? ORDER BY id
            """) {
            $0.bind(1, afterID)
            $0.bind(2, upToID)
        }
        try scan.forEach { row in
            let device = row.text(1)
            runs[device, default: ReadingRun(device: device)].add(id: row.integer(0), deviceTimeMs: row.integer(2), receivedAtMs: row.integer(3),
                                                                  clockTrusted: row.integer(4) != 0)
        }
    }
}
