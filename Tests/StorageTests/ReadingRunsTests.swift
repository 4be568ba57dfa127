import Devices
import Foundation
import GRDB
@testable import Storage
import Testing

/// SQLite's per-device order of readings as runs of ids folded behind ingest (v17): every
/// per-device read gives the same answer wherever the cursor stands and however the runs were
/// cut, stale ids are skipped, steps keep to their bounds, and a database from before is read
/// whole and folded.
@Suite struct ReadingRunsTests {
    static let devices = ["door-1", "door-2", "smoke-1"]

    /// A reading whose device time differs from its receive time (a device's clock is its own,
    /// and a retry may carry an older time than a reading stored before it); its clock trusted
    /// within 100 s, as the decoder judges with its own tolerance.
    static func reading(_ device: String, seq: Int64, receivedAtMs: Int64, deviceTimeMs: Int64) -> Reading {
        let text = "{\"ts\":\(deviceTimeMs),\"seq\":\(seq)}"
        let hash = Array(text.utf8).withUnsafeBufferPointer { PayloadDecoder.contentHash($0) }
        return Reading(deviceID: device, deviceType: "door", community: "demo", receivedAtMs: receivedAtMs, deviceTimeMs: deviceTimeMs,
                       deviceTimeTrusted: abs(deviceTimeMs - receivedAtMs) <= 100_000, seq: seq, values: [:], payloadText: text, flags: [],
                       contentHash: hash)
    }

    /// 301 readings over three devices in 11 batches: device times out of order, some equal,
    /// receive times not rising with the id everywhere.
    static func fill(_ database: GatewayDatabase) throws -> [Reading] {
        try database.upsertDevices(devices.map { Device(id: $0, type: "door", community: "demo") }, source: "inventory", nowMs: 1)
        var all: [Reading] = []
        for batch in 0..<10 {
            let readings = (0..<30).map { i -> Reading in
                let n = Int64(batch * 30 + i)
                // Every seventh reading is stamped back in time; pairs of readings share a time;
                // every eleventh was received late (an old receipt stored after newer ones); two
                // of door-1's share its newest time (ids 295 and 298, mostly in one run).
                let deviceTime = n == 294 || n == 297 ? 400_000 : n % 7 == 3 ? 1_000 * (n - 40) : 1_000 * (n / 2)
                let received = n % 11 == 5 ? 1_000 * (n - 60) : 1_000 * n
                return reading(devices[Int(n) % 3], seq: n, receivedAtMs: received, deviceTimeMs: deviceTime)
            }
            _ = try database.store(ReplayOnceTests.batch(position: UInt64(batch + 1), readings))
            all += readings
        }
        // Stored last, a reading of door-1 with the same device time as its reading id 241.
        let tie = reading("door-1", seq: 1_000, receivedAtMs: 301_000, deviceTimeMs: 120_000)
        _ = try database.store(ReplayOnceTests.batch(position: 11, [tie]))
        return all + [tie]
    }

    /// Folds up to `cursor` in steps of `stepRows` ids.
    static func fold(_ database: GatewayDatabase, to cursor: Int, stepRows: Int) throws {
        var done = 0
        while done < cursor {
            let rows = min(stepRows, cursor - done)
            #expect(try database.foldReadingRuns(maxRows: rows).folded == rows)
            done += rows
        }
    }

    /// Every reading up to the cursor is in one run of its device, in id order, and each run's
    /// times (of the readings whose clock was trusted) and receipt are those of its readings;
    /// the others are off-clock entries; nothing lies above the cursor.
    static func expectRunsExact(_ database: GatewayDatabase) throws {
        let (runs, all, cursor, offClock) = try database.pool.read { db in
            (try Row.fetchAll(db, sql: "SELECT * FROM reading_runs ORDER BY device_id, last_id"),
             try Row.fetchAll(db, sql: "SELECT id, device_id, device_ts, received_at, device_ts_trusted FROM readings ORDER BY id"),
             try GatewayDatabase.cursor(GatewayDatabase.readingRunsCursor, db),
             try Row.fetchAll(db, sql: "SELECT * FROM readings_off_clock ORDER BY reading_id").map { "\($0["reading_id"] as Int64) \($0["device_id"] as String) \($0["device_ts"] as Int64)" })
        }
        let readings = all
        let untrusted = all.filter { !($0["device_ts_trusted"] as Bool) && ($0["id"] as Int64) <= cursor }
            .map { "\($0["id"] as Int64) \($0["device_id"] as String) \($0["device_ts"] as Int64)" }
        #expect(offClock == untrusted)
        let byID = Dictionary(uniqueKeysWithValues: readings.map { ($0["id"] as Int64, $0) })
        var seen: [Int64] = []
        for run in runs {
            let ids = try JSONDecoder().decode([Int64].self, from: Data((run["ids"] as String).utf8))
            let mine = ids.map { byID[$0]! }.filter { $0["device_ts_trusted"] as Bool }
            #expect(ids == ids.sorted() && ids.last == run["last_id"] as Int64 && (run["last_id"] as Int64) <= cursor)
            #expect(mine.allSatisfy { ($0["device_id"] as String) == run["device_id"] as String })
            #expect(ids.allSatisfy { (byID[$0]!["device_id"] as String) == run["device_id"] as String })
            #expect(run["min_device_ts"] as Int64 == mine.map { $0["device_ts"] as Int64 }.min() ?? Int64.max)
            #expect(run["max_device_ts"] as Int64 == mine.map { $0["device_ts"] as Int64 }.max() ?? Int64.min)
            #expect(run["max_ts_id"] as Int64 == mine.filter { ($0["device_ts"] as Int64) == run["max_device_ts"] as Int64 }.map { $0["id"] as Int64 }.max() ?? 0)
            #expect(run["max_received_at"] as Int64 == ids.map { byID[$0]!["received_at"] as Int64 }.max())
            let history = runs.filter { ($0["device_id"] as String) == run["device_id"] as String && ($0["last_id"] as Int64) <= run["last_id"] as Int64 }
            #expect(run["history_max_device_ts"] as Int64 == history.map { $0["max_device_ts"] as Int64 }.max())
            seen += ids
        }
        #expect(seen.sorted() == readings.map { $0["id"] as Int64 }.filter { $0 <= cursor })
    }

    /// Every per-device read against the readings as stored (ids are 1... in the order stored).
    static func expectReadsAgree(_ database: GatewayDatabase, stored: [(id: Int64, reading: Reading)], context: String) throws {
        for device in devices {
            let mine = stored.filter { $0.reading.deviceID == device }
            #expect(try database.readingCount(device: device) == mine.count, "\(context)")
            for (limit, sinceMs) in [(100, Int64(0)), (7, 0), (1, 0), (5, 250_000), (1_000, 299_000), (3, 400_000), (4, 200_000)] {
                let expected = mine.filter { $0.reading.receivedAtMs >= sinceMs }.suffix(limit).map(\.id)
                #expect(try database.readings(device: device, limit: limit, sinceMs: sinceMs).map(\.id) == Array(expected),
                        "\(context): \(device) limit \(limit) since \(sinceMs)")
            }
            for nowMs in [Int64(-100_000), -10_000, 20_000, 100_000, 120_000, 148_000, 399_999, 400_000, 500_000] {
                // Newest by device time at or before now + skew; of equal times the later stored.
                let expected = mine.filter { $0.reading.deviceTimeMs <= nowMs }
                    .max { ($0.reading.deviceTimeMs, $0.id) < ($1.reading.deviceTimeMs, $1.id) }?.id
                #expect(try database.latestReadings(device: device, nowMs: nowMs, skewMs: 0)[device]?.id == expected, "\(context): \(device) at \(nowMs)")
                #expect(try database.latestReadings(nowMs: nowMs, skewMs: 0)[device]?.id == expected, "\(context): \(device) at \(nowMs), all devices")
            }
        }
    }

    @Test(arguments: [(0, 16_000), (1, 16_000), (45, 16_000), (150, 16_000), (299, 16_000), (301, 16_000), (301, 7), (200, 30), (301, 1)])
    func perDeviceReadsAgreeWhereverTheCursorStands(folded: Int, stepRows: Int) throws {
        let test = try TestStore(.sqlite)
        defer { test.remove() }
        let database = try #require(test.store as? GatewayDatabase)
        let stored = try Self.fill(database)
        try Self.fold(database, to: folded, stepRows: stepRows)
        try Self.expectRunsExact(database)
        let withIDs = stored.enumerated().map { (id: Int64($0.offset + 1), reading: $0.element) }
        try Self.expectReadsAgree(database, stored: withIDs, context: "folded \(folded) by \(stepRows)")
    }

    /// A run whose newest time is past the bound is searched; a later run with an equal time
    /// still wins over what that search found.
    @Test func latestByDeviceTimeLooksPastAClockAheadAndKeepsTheLaterOfEqualTimes() throws {
        let test = try TestStore(.sqlite)
        defer { test.remove() }
        let database = try #require(test.store as? GatewayDatabase)
        let first = [Self.reading("clock-1", seq: 1, receivedAtMs: 1_000, deviceTimeMs: 300_000),
                     Self.reading("clock-1", seq: 2, receivedAtMs: 2_000, deviceTimeMs: 500_000)]
        _ = try database.store(ReplayOnceTests.batch(position: 1, first))
        try database.foldAllReadingRuns()
        _ = try database.store(ReplayOnceTests.batch(position: 2, [Self.reading("clock-1", seq: 3, receivedAtMs: 3_000, deviceTimeMs: 300_000)]))
        for folded in [false, true] {
            if folded { try database.foldAllReadingRuns() }
            #expect(try database.latestReadings(device: "clock-1", nowMs: 400_000, skewMs: 0)["clock-1"]?.id == 3, "folded: \(folded)")
            #expect(try database.latestReadings(device: "clock-1", nowMs: 600_000, skewMs: 0)["clock-1"]?.id == 2, "folded: \(folded)")
            #expect(try database.latestReadings(device: "clock-1", nowMs: 299_999, skewMs: 0)["clock-1"] == nil, "folded: \(folded)")
        }
    }

    /// A reading stamped 2099 and a clock reset to 2000 are found by time among the off-clock
    /// entries; the runs' walk still stops at its second run.
    @Test func aClockFarOffNeitherHidesNorSlowsTheLatest() throws {
        let test = try TestStore(.sqlite)
        defer { test.remove() }
        let database = try #require(test.store as? GatewayDatabase)
        let t0: Int64 = 1_800_000_000_000
        let stamped2099: Int64 = 4_070_908_800_000
        let stamped2000: Int64 = 946_684_800_000
        for step in 0..<20 {
            var readings = (0..<3).map { i in
                Self.reading("clock-2", seq: Int64(step * 3 + i), receivedAtMs: t0 + Int64(step * 3 + i) * 1_000, deviceTimeMs: t0 + Int64(step * 3 + i) * 1_000)
            }
            if step == 2 { readings.append(Self.reading("clock-2", seq: 900, receivedAtMs: t0 + 7_500, deviceTimeMs: stamped2099)) }
            if step == 15 { readings.append(Self.reading("clock-2", seq: 901, receivedAtMs: t0 + 46_500, deviceTimeMs: stamped2000)) }
            _ = try database.store(ReplayOnceTests.batch(position: UInt64(step + 1), readings))
            try database.foldAllReadingRuns()
        }
        try Self.expectRunsExact(database)
        let newest = t0 + 59_000
        for (nowMs, expectedTs) in [(newest, newest), (t0 + 30_500, t0 + 30_000), (stamped2099, stamped2099), (stamped2000, stamped2000), (stamped2000 - 1, nil)] {
            #expect(try database.latestReadings(device: "clock-2", nowMs: nowMs, skewMs: 0)["clock-2"]?.deviceTimeMs == expectedTs, "at \(nowMs)")
        }
        let runsRead = try database.pool.read { db in
            try GatewayDatabase.latestRunReading(device: "clock-2", maxDeviceTimeMs: newest, cursor: GatewayDatabase.cursor(GatewayDatabase.readingRunsCursor, db), db).runsRead
        }
        #expect(runsRead == 2, "the walk stops at the second run of 20")
        // Of an off-clock reading and a trusted one with the same device time, the later stored.
        let tie = Self.reading("clock-2", seq: 902, receivedAtMs: stamped2000 + 50_000, deviceTimeMs: stamped2000)
        _ = try database.store(ReplayOnceTests.batch(position: 30, [tie]))
        try database.foldAllReadingRuns()
        #expect(try database.latestReadings(device: "clock-2", nowMs: stamped2000, skewMs: 0)["clock-2"]?.seq == 902)
    }

    @Test func staleIdsAreSkippedAndEmptyRunsCollected() throws {
        let test = try TestStore(.sqlite)
        defer { test.remove() }
        let database = try #require(test.store as? GatewayDatabase)
        let stored = try Self.fill(database)
        try Self.fold(database, to: 200, stepRows: 40)
        // door-1's readings lie on both sides of the cursor, and the newest reading (id 301) is
        // door-1's: it stays, renamed, and the other 100 go, with door-1's runs.
        #expect(try database.forgetDevice("door-1", personalFields: []) >= 100)
        #expect(try database.readingCount(device: "door-1") == 0)
        #expect(try database.readings(device: "door-1").isEmpty)
        #expect(try database.latestReadings(device: "door-1", nowMs: 500_000, skewMs: 0).isEmpty)
        let door1Runs = try database.pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM reading_runs WHERE device_id = 'door-1'") }
        #expect(door1Runs == 0)
        // Readings deleted behind the runs' back (as a pruning step between a fold's read and
        // its write) leave stale ids: reads skip them, including a run's newest by device time.
        try database.pool.write { db in try db.execute(sql: "DELETE FROM readings WHERE id <= 130 OR id IN (170, 173, 176)") }
        var left = stored.enumerated().map { (id: Int64($0.offset + 1), reading: $0.element) }
            .filter { $0.id > 130 && ![170, 173, 176].contains($0.id) && $0.reading.deviceID != "door-1" }
        try Self.expectReadsAgree(database, stored: left, context: "stale ids")
        // Collecting drops the runs none of whose readings is left (by device filter, in a range
        // of last ids, and below the oldest reading), and only those.
        try database.pool.write { db in try GatewayDatabase.collectReadingRuns(afterID: 0, upToID: 300, filter: "1", db) }
        let runs = try database.pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT last_id, (SELECT count(*) FROM json_each(ids) j JOIN readings r ON r.id = j.value) AS alive FROM reading_runs
                """)
        }
        #expect(!runs.isEmpty && runs.allSatisfy { ($0["alive"] as Int) > 0 && ($0["last_id"] as Int64) > 130 })
        try database.foldAllReadingRuns()
        left = left.filter { $0.id <= 300 }
        try Self.expectReadsAgree(database, stored: left, context: "collected")
    }

    @Test func stepsKeepToTheirBoundsAndMoveTheCursorWithTheLastWrite() throws {
        let test = try TestStore(.sqlite)
        defer { test.remove() }
        let database = try #require(test.store as? GatewayDatabase)
        let stored = try Self.fill(database)
        #expect(try database.foldReadingRuns(minRows: 302, maxRows: 4_000) == ReadingRunStep(folded: 0, behind: 301))
        #expect(try database.foldReadingRuns(minRows: 301, maxRows: 120, runsPerWrite: 1) == ReadingRunStep(folded: 120, behind: 181))
        // A step cut short (runs written, cursor not moved) is invisible, and the next removes it.
        try database.pool.write { db in
            try db.execute(sql: """
                INSERT INTO reading_runs (device_id, last_id, min_device_ts, max_device_ts, max_ts_id, history_max_device_ts, max_received_at, ids)
                VALUES ('door-2', 125, 0, 999999, 125, 999999, 0, '[125]'), ('door-1', 400, 0, 0, 400, 0, 0, '[400]')
                """)
        }
        let withIDs = stored.enumerated().map { (id: Int64($0.offset + 1), reading: $0.element) }
        try Self.expectReadsAgree(database, stored: withIDs, context: "leftovers above the cursor")
        #expect(try database.foldReadingRuns(maxRows: 4_000) == ReadingRunStep(folded: 181, behind: 0))
        #expect(try database.foldReadingRuns(maxRows: 4_000) == ReadingRunStep(folded: 0, behind: 0))
        try Self.expectRunsExact(database)
        // The cursor stops at the newest id: a reading stored next is found in the tail, then folded.
        _ = try database.store(ReplayOnceTests.batch(position: 20, [Self.reading("door-1", seq: 900, receivedAtMs: 900_000, deviceTimeMs: 900_000)]))
        #expect(try database.latestReadings(device: "door-1", nowMs: 900_000, skewMs: 0)["door-1"]?.id == 302)
        #expect(try database.foldAllReadingRuns(stepRows: 7) == 1)
        #expect(try database.latestReadings(device: "door-1", nowMs: 900_000, skewMs: 0)["door-1"]?.id == 302)
        try Self.expectRunsExact(database)
    }

    /// The same reading stored again is still a duplicate under the time-first unique index.
    @Test func redeliveriesAreStillRemoved() throws {
        let test = try TestStore(.sqlite)
        defer { test.remove() }
        let database = try #require(test.store as? GatewayDatabase)
        let again = Self.reading("door-1", seq: 1, receivedAtMs: 5_000, deviceTimeMs: 4_000)
        #expect(try database.store(ReplayOnceTests.batch(position: 1, [again])).stored == 1)
        try database.foldAllReadingRuns()
        var later = again
        later.receivedAtMs = 6_000
        let result = try database.store(ReplayOnceTests.batch(position: 2, [later, later]))
        #expect(result.stored == 0 && result.duplicates == 2)
    }
}
