import Foundation
import GRDB

/// A device's readings found through its runs (`reading_runs`) up to the runs' cursor and by a
/// scan of the short tail above it. Every reader joins a run's ids on the readings and keeps
/// only rows still of that device, so an id whose reading was pruned or forgotten is skipped.
extension GatewayDatabase {
    /// The readings of one run's ids (a JSON array) still stored under `device`.
    static let runReadingsSQL = "SELECT r.* FROM json_each(?1) j JOIN readings r ON r.id = j.value WHERE r.device_id = ?2"
    /// A device's readings above the cursor (cursor, device, since, limit), newest first.
    static let tailReadingsSQL = "SELECT * FROM readings WHERE id > ? AND device_id = ? AND received_at >= ? ORDER BY id DESC LIMIT ?"
    /// A device's readings (device, cursor) in its runs and in the tail.
    static let readingCountSQL = """
        SELECT (SELECT count(*) FROM reading_runs x, json_each(x.ids) j JOIN readings r ON r.id = j.value
                WHERE x.device_id = ?1 AND x.last_id <= ?2 AND r.device_id = ?1)
             + (SELECT count(*) FROM readings WHERE id > ?2 AND device_id = ?1)
        """
    /// Deletes a device's readings (device, cursor) that its runs hold.
    static let deleteRunReadingsSQL = """
        DELETE FROM readings WHERE id IN (SELECT j.value FROM reading_runs x, json_each(x.ids) j WHERE x.device_id = ?1 AND x.last_id <= ?2)
            AND device_id = ?1
        """
    /// A device's newest reading (device, bound, cursor) among those whose clock was not
    /// trusted, by device time; an entry whose reading is gone is passed over.
    static let latestOffClockSQL = """
        SELECT r.* FROM readings_off_clock x JOIN readings r ON r.id = x.reading_id
        WHERE x.device_id = ?1 AND x.device_ts <= ?2 AND x.reading_id <= ?3 AND r.device_id = ?1
        ORDER BY x.device_ts DESC, x.reading_id DESC LIMIT 1
        """
    /// The tail's readings (cursor, bound, device or NULL for all) by id; the unary + keeps
    /// SQLite from searching the time-first index for the bound instead of the id range.
    static let latestTailSQL = "SELECT * FROM readings WHERE id > ?1 AND +device_ts <= ?2 AND (?3 IS NULL OR device_id = ?3) ORDER BY id"
    /// A device's runs up to the cursor that hold a receipt at or after `since`, newest first.
    static let newestRunsSQL = "SELECT ids FROM reading_runs WHERE device_id = ? AND last_id <= ? AND max_received_at >= ? ORDER BY last_id DESC"
    /// A device's runs up to the cursor, newest first, with the bounds on their device times.
    static let latestRunsSQL = """
        SELECT min_device_ts, max_device_ts, max_ts_id, history_max_device_ts, ids FROM reading_runs
        WHERE device_id = ? AND last_id <= ? ORDER BY last_id DESC
        """

    /// A device's newest `limit` readings received at or after `sinceMs`, newest first: the
    /// tail's, then run by run newest first until `limit` are found.
    static func newestDeviceReadings(device: String, limit requested: Int, sinceMs: Int64, _ db: Database) throws -> [Row] {
        // A negative limit is SQLite's "no limit", as the single query before runs had it.
        let limit = requested < 0 ? Int.max : requested
        let cursor = try cursor(readingRunsCursor, db)
        var rows = try Row.fetchAll(db, sql: tailReadingsSQL, arguments: [cursor, device, sinceMs, limit])
        guard rows.count < limit else { return rows }
        let runs = try String.fetchCursor(db, sql: newestRunsSQL, arguments: [device, cursor, sinceMs])
        while rows.count < limit, let ids = try runs.next() {
            rows += try Row.fetchAll(db, sql: runReadingsSQL + " AND r.received_at >= ?3 ORDER BY r.id DESC LIMIT ?4",
                                     arguments: [ids, device, sinceMs, limit - rows.count])
        }
        return rows
    }

    /// How many readings of `device` are stored.
    static func deviceReadingCount(device: String, _ db: Database) throws -> Int {
        let cursor = try cursor(readingRunsCursor, db)
        return try Int.fetchOne(db, sql: readingCountSQL, arguments: [device, cursor]) ?? 0
    }

    /// Deletes a device's readings, through its runs and the tail, and its runs; returns the
    /// readings deleted. The table has no device-first index to search.
    static func deleteDeviceReadings(device: String, _ db: Database) throws -> Int {
        let cursor = try cursor(readingRunsCursor, db)
        try db.execute(sql: deleteRunReadingsSQL, arguments: [device, cursor])
        var deleted = db.changesCount
        try db.execute(sql: "DELETE FROM readings WHERE id > ? AND device_id = ?", arguments: [cursor, device])
        deleted += db.changesCount
        try db.execute(sql: "DELETE FROM reading_runs WHERE device_id = ?", arguments: [device])
        try db.execute(sql: "DELETE FROM readings_off_clock WHERE device_id = ?", arguments: [device])
        return deleted
    }

    /// The newest reading of `device` in its runs by device time at or before `maxDeviceTimeMs`
    /// (ties: the later stored). Runs go newest first; a run's newest reading is read directly
    /// unless it is gone or past the bound, then its readings are searched. It stops at the
    /// first run whose history (its and every earlier run's newest time) is not above the best
    /// found: nothing there is later, and on a tie the best was stored later. A device whose
    /// time only rises stops at the second run. Runs count only readings whose clock was
    /// trusted; the others are searched by time in `readings_off_clock`. Returns the runs read.
    static func latestRunReading(device: String, maxDeviceTimeMs: Int64, cursor: Int64, _ db: Database) throws -> (Row?, runsRead: Int) {
        var best: Row?
        var runsRead = 0
        let runs = try Row.fetchCursor(db, sql: latestRunsSQL, arguments: [device, cursor])
        while let run = try runs.next() {
            runsRead += 1
            let maxTs: Int64 = run["max_device_ts"]
            if let best, (run["history_max_device_ts"] as Int64) <= best["device_ts"] as Int64 { break }
            if let best, maxTs <= best["device_ts"] as Int64 { continue }
            if (run["min_device_ts"] as Int64) > maxDeviceTimeMs { continue }
            var candidate: Row?
            if maxTs <= maxDeviceTimeMs,
               let row = try Row.fetchOne(db, sql: "SELECT * FROM readings WHERE id = ?", arguments: [run["max_ts_id"] as Int64]),
               row["device_id"] as String == device, row["device_ts"] as Int64 == maxTs {
                candidate = row
            } else {
                candidate = try Row.fetchOne(db, sql: runReadingsSQL + " AND r.device_ts <= ?3 ORDER BY r.device_ts DESC, r.id DESC LIMIT 1",
                                             arguments: [run["ids"] as String, device, maxDeviceTimeMs])
            }
            best = later(best, candidate)
        }
        // Merged last: the walk's stop rule bounds only readings in runs, and an off-clock
        // reading of the same time stored earlier must not stop it before a later one.
        let offClock = try Row.fetchOne(db, sql: latestOffClockSQL, arguments: [device, maxDeviceTimeMs, cursor])
        return (later(best, offClock), runsRead)
    }

    /// The newest reading of each device (or of `device` only) in the tail above the cursor, by
    /// device time at or before `maxDeviceTimeMs` (ties: the later stored): one scan of the tail.
    static func latestTailReadings(device: String?, maxDeviceTimeMs: Int64, cursor: Int64, _ db: Database) throws -> [String: Row] {
        var latest: [String: Row] = [:]
        let rows = try Row.fetchCursor(db, sql: latestTailSQL, arguments: [cursor, maxDeviceTimeMs, device])
        while let row = try rows.next() {
            let id: String = row["device_id"]
            if let kept = latest[id], (kept["device_ts"] as Int64) > (row["device_ts"] as Int64) { continue }
            latest[id] = row.copy()
        }
        return latest
    }

    /// The later of two readings by device time, then by id (the later stored).
    static func later(_ one: Row?, _ other: Row?) -> Row? {
        guard let one else { return other }
        guard let other else { return one }
        let first = (one["device_ts"] as Int64, one["id"] as Int64)
        let second = (other["device_ts"] as Int64, other["id"] as Int64)
        return second > first ? other : one
    }
}
