import Foundation
import GRDB

/// What one step of folding readings into per-device runs did.
public struct ReadingRunStep: Sendable, Equatable {
    /// Readings put into runs.
    public var folded = 0
    /// Reading ids stored above the cursor after the step (an upper bound on readings).
    public var behind: Int64 = 0

    public init(folded: Int = 0, behind: Int64 = 0) {
        self.folded = folded
        self.behind = behind
    }
}

extension GatewayDatabase {
    /// The retention cursor up to which every reading's id is in a run of its device.
    static let readingRunsCursor = "reading_runs"
    /// The token of the fold step writing now (`foldReadingRuns`).
    static let readingRunsStep = "reading_runs:step"

    /// v17: the readings' unique index keyed by the device's time first, and the per-device
    /// order kept apart as runs of reading ids, one row per device per step.
    static func migrateReadingRuns(_ db: Database) throws {
        try db.execute(sql: """
            -- Redeliveries are still removed by one unique index over the same three columns, now
            -- with the device's time first: a batch's rows land at the end of that index, on a
            -- few pages. Keyed by device first, every device in a batch dirtied a page of its
            -- own, written to the log at every commit (bench/index-frames: 470 log pages for a
            -- commit of 750 readings over 300 devices, 47 time first).
            DROP INDEX readings_device_time;
            CREATE UNIQUE INDEX readings_time_device ON readings(device_ts, device_id, content_hash);
            -- A device's readings in id order, as runs: each row holds the ids (a JSON array,
            -- ascending) of one device's readings among the ids one step folded, so a step of
            -- 16,000 readings over 300 devices writes 300 rows, not 16,000 index entries.
            -- Readings above the 'reading_runs' cursor are found by scanning that short tail.
            -- An id may outlive its reading (pruned, forgotten): readers join on the readings
            -- and skip what is gone; `collectReadingRuns` drops runs with nothing left.
            -- The device times (min, max, the id of the max, and history_max_device_ts, the
            -- newest in this run and every earlier run of the device when it was written, an
            -- upper bound once some are gone) count only readings whose clock was trusted
            -- (within the decoder's tolerance of their receipt): a device's latest reading is
            -- found walking its runs newest first and stopping where the history is not above
            -- the best found. One reading stamped 2099, or a clock reset to 2000, would keep
            -- that walk going through every run forever; those readings are kept in
            -- readings_off_clock instead, one entry each, searched by time. No index by time
            -- on the runs: its random insert per run a fleet of 100,000 devices, one reading
            -- each per step, paid at every reading.
            CREATE TABLE reading_runs (
                device_id TEXT NOT NULL, last_id INTEGER NOT NULL,
                min_device_ts INTEGER NOT NULL, max_device_ts INTEGER NOT NULL, max_ts_id INTEGER NOT NULL,
                history_max_device_ts INTEGER NOT NULL, max_received_at INTEGER NOT NULL, ids TEXT NOT NULL,
                PRIMARY KEY (device_id, last_id)) WITHOUT ROWID;
            -- Collecting runs below the oldest reading, and leftovers above the cursor.
            CREATE INDEX reading_runs_last ON reading_runs(last_id);
            CREATE TABLE readings_off_clock (device_id TEXT NOT NULL, device_ts INTEGER NOT NULL, reading_id INTEGER NOT NULL,
                PRIMARY KEY (device_id, device_ts, reading_id)) WITHOUT ROWID;
            CREATE INDEX readings_off_clock_id ON readings_off_clock(reading_id);
            """)
    }

    /// Folds the readings after the cursor into runs, at most `maxRows` ids, nothing when fewer
    /// than `minRows` wait. The readings are read and grouped in read transactions of
    /// `rowsPerRead` ids (`readReadingRuns`), so the writer is held only to insert the runs and
    /// to move the cursor with the last of them.
    /// Readers ignore runs above the cursor, so a step cut short leaves nothing visible; the next
    /// step removes what it left. The first write marks the step as this one's (a token beside
    /// the cursor) and every later one checks the mark, so a second process folding the same
    /// file makes one of the two give up, never mixes their runs. A reading deleted between the
    /// read and the write leaves a stale id, which readers skip.
    ///
    /// Each write holds the writer for at most `runsPerWrite` runs and about `writeHoldNs`
    /// (monotonic): 318 runs in one transaction held it 11 ms (median, 21 ms at most) under
    /// `bench/alert-latency`'s load, and an alarm's commit, or the ordinary commit before it,
    /// waited that long; cut at 1 ms, the writes still held it 2.4 ms at the median with their
    /// commits, hence 0.25 ms. GRDB's writer queue is first come, first served, so a commit
    /// waiting meanwhile goes before the next write of the step. While an emergency's commits are
    /// under way (`urgently`) a write ends after the run it is inserting, and every write first
    /// waits until they are done; it also waits while the log's copy is being finished
    /// (`commitsOnHold`), as the ingest pipeline's ordinary commits do; up to `maxHoldNs` each time.
    /// Called inside `urgently` itself (tests only), a step writes one run a transaction and
    /// waits the whole `maxHoldNs` before each.
    public func foldReadingRuns(minRows: Int = 1, maxRows: Int, rowsPerRead: Int = 2_000, runsPerWrite: Int = 2_000,
                                writeHoldNs: UInt64 = 250_000, maxHoldNs: UInt64 = 50_000_000) throws -> ReadingRunStep {
        try runFolding.withLock { _ in
            let (cursor, newest, upTo, runs) = try readReadingRuns(minRows: minRows, maxRows: maxRows, rowsPerRead: rowsPerRead, maxHoldNs: maxHoldNs)
            guard upTo > cursor else { return ReadingRunStep(behind: max(0, newest - cursor)) }
            let token = Int64.random(in: 1...Int64.max)
            var written = 0
            var behind: Int64 = 0
            repeat {
                waitForOrdinaryCommits(maxHoldNs: maxHoldNs)
                let first = written == 0
                behind = try pool.write { db in
                    try Self.startFoldWrite(first: first, cursor: cursor, token: token, db)
                    written = try insertRuns(runs, from: written, maxRuns: runsPerWrite, holdNs: writeHoldNs, db)
                    guard written == runs.count else { return 0 }
                    try Self.setCursor(Self.readingRunsCursor, to: upTo, db)
                    return try Self.readingsBehindRuns(db)
                }
            } while written < runs.count
            return ReadingRunStep(folded: runs.reduce(0) { $0 + $1.ids.count }, behind: max(0, behind))
        }
    }

    /// The first write of a step clears what a step cut short left above the cursor and marks
    /// the step as this one's; a later write checks that nobody else has folded meanwhile.
    private static func startFoldWrite(first: Bool, cursor: Int64, token: Int64, _ db: Database) throws {
        guard try Self.cursor(Self.readingRunsCursor, db) == cursor else { throw ReadingRunsMoved() }
        if first {
            try db.execute(sql: "DELETE FROM reading_runs WHERE last_id > ?", arguments: [cursor])
            try db.execute(sql: "DELETE FROM readings_off_clock WHERE reading_id > ?", arguments: [cursor])
            try Self.setCursor(Self.readingRunsStep, to: token, db)
        } else if try Self.cursor(Self.readingRunsStep, db) != token {
            throw ReadingRunsMoved()
        }
    }

    /// Inserts runs from index `start` until `maxRuns` are in or `holdNs` has passed (one at
    /// least); returns the index after the last one inserted.
    private func insertRuns(_ runs: [ReadingRun], from start: Int, maxRuns: Int, holdNs: UInt64, _ db: Database) throws -> Int {
        let startedNs = DispatchTime.now().uptimeNanoseconds
        // The device's previous run is found on the page the insert descends to anyway.
        // Bound through SQLite's own calls: a fleet of 100,000 devices makes a run
        // of about every reading, and GRDB's boxed arguments were a third of a step.
        let insert = try BoundStatement(db, sql: """
            INSERT INTO reading_runs (device_id, last_id, min_device_ts, max_device_ts, max_ts_id, history_max_device_ts, max_received_at, ids)
            VALUES (?1, ?2, ?3, ?4, ?5,
                    max(?4, coalesce((SELECT history_max_device_ts FROM reading_runs WHERE device_id = ?1 ORDER BY last_id DESC LIMIT 1), ?4)),
                    ?6, ?7)
            """)
        let offClock = try db.cachedStatement(sql: "INSERT INTO readings_off_clock (device_id, device_ts, reading_id) VALUES (?, ?, ?)")
        var next = start
        let end = start + min(runs.count - start, max(1, maxRuns))
        while next < end {
            let run = runs[next]
            insert.bind(1, run.device)
            insert.bind(2, run.ids.last!)
            insert.bind(3, run.minTs)
            insert.bind(4, run.maxTs)
            insert.bind(5, run.maxTsID)
            insert.bind(6, run.maxReceivedAt)
            insert.bind(7, run.idsJSON)
            try insert.step()
            for (deviceTimeMs, id) in run.offClock {
                try offClock.execute(arguments: [run.device, deviceTimeMs, id])
            }
            next += 1
            if emergencyUnderWay || DispatchTime.now().uptimeNanoseconds - startedNs >= holdNs { break }
        }
        return next
    }

    /// Folds every reading not yet in a run (tests and the retention bench, which store
    /// without a gateway).
    @discardableResult
    public func foldAllReadingRuns(stepRows: Int = 16_000) throws -> Int {
        var folded = 0
        while true {
            let step = try foldReadingRuns(maxRows: stepRows)
            folded += step.folded
            if step.behind == 0 { return folded }
        }
    }

    /// Reading ids stored above the cursor (an upper bound on readings: ids may have gaps).
    public func readingsBehindRuns() throws -> Int64 {
        try pool.read { db in try Self.readingsBehindRuns(db) }
    }

    static func readingsBehindRuns(_ db: Database) throws -> Int64 {
        max(0, try newestReadingID(db) - (try cursor(readingRunsCursor, db)))
    }

    /// The largest reading id stored (0 with none). Cached: an alarm's batch reads it too.
    static func newestReadingID(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT coalesce(max(id), 0) FROM readings")) ?? 0
    }

    /// Drops runs none of whose readings is left, among those ending in (`afterID`, `upToID`]
    /// whose device `filter` selects, and every run ending below the oldest reading; the same
    /// for off-clock entries. Called by retention as it prunes, in the same transaction.
    static func collectReadingRuns(afterID: Int64, upToID: Int64, filter: String, _ db: Database) throws {
        try db.execute(sql: """
            DELETE FROM reading_runs WHERE last_id > ? AND last_id <= ? AND (\(filter))
                AND NOT EXISTS (SELECT 1 FROM json_each(reading_runs.ids) j JOIN readings r ON r.id = j.value)
            """, arguments: [afterID, upToID])
        try db.execute(sql: "DELETE FROM reading_runs WHERE last_id < (SELECT coalesce(min(id), 0) FROM readings)")
        try db.execute(sql: """
            DELETE FROM readings_off_clock WHERE reading_id > ? AND reading_id <= ?
                AND NOT EXISTS (SELECT 1 FROM readings r WHERE r.id = readings_off_clock.reading_id)
            """, arguments: [afterID, upToID])
        try db.execute(sql: "DELETE FROM readings_off_clock WHERE reading_id < (SELECT coalesce(min(id), 0) FROM readings)")
    }
}

/// Another fold moved the cursor or took over the step while this one was writing (a second
/// process folding the same file): this step gives up; its runs above the cursor are removed by
/// the next step's first write.
struct ReadingRunsMoved: Error {}
