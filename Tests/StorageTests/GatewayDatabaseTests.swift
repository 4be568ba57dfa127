import Devices
import Foundation
import GRDB
import PostgresStorage
import Rules
@testable import Storage
import Testing

/// The store seam on both engines (a real SQLite file, a real PostgreSQL server): batches
/// commit with their journal position, redelivered messages are stored once, rejections and
/// devices round-trip.
@Suite struct GatewayDatabaseTests {

    static func reading(_ device: String, seq: Int64, at ms: Int64) -> Reading {
        let text = "{\"ts\":\(ms),\"seq\":\(seq)}"
        let hash = Array(text.utf8).withUnsafeBufferPointer { PayloadDecoder.contentHash($0) }
        return Reading(deviceID: device, deviceType: "door", community: "demo", receivedAtMs: ms, deviceTimeMs: ms, deviceTimeTrusted: true,
                       seq: seq, values: [:], payloadText: text, flags: seq == 2 ? ["out_of_range:battery"] : [], contentHash: hash)
    }

    @Test(arguments: StoreKind.allCases) func warmUpReadsExactlyTheWindowFoundByBisection(kind: StoreKind) throws {
        let test = try TestStore(kind)
        let database = test.store
        defer { test.remove() }
        try database.upsertDevices([Device(id: "door-1", type: "door", community: "demo")], source: "inventory", nowMs: 1)
        // 30,000 readings one second apart: the window is the last 1,000 s.
        for chunk in 0..<30 {
            var batch = IngestBatch(journalPosition: UInt64(chunk + 1))
            batch.readings = (0..<1000).map { index in
                let ms = Int64(chunk * 1000 + index) * 1000
                return Self.reading("door-1", seq: Int64(chunk * 1000 + index), at: ms)
            }
            _ = try database.store(batch)
        }
        let since: Int64 = 29_000 * 1000
        let window = try database.ruleReadings(sinceMs: since)
        #expect(window.count == 1000 && window.first?.atMs == since && window.allSatisfy { $0.atMs >= since })
        #expect(try database.ruleReadings(sinceMs: 0).count == 30_000)
        #expect(try database.ruleReadings(sinceMs: 40_000 * 1000).isEmpty)
    }

    @Test(arguments: StoreKind.allCases) func warmUpParsesOnlyWhatTheSelectionWants(kind: StoreKind) throws {
        let test = try TestStore(kind)
        let database = test.store
        defer { test.remove() }
        let ids = ["door-1", "door-2", "door-3", "door-4"]
        try database.upsertDevices(ids.map { Device(id: $0, type: "door", community: "demo") }, source: "inventory", nowMs: 1)
        // 200 seconds, a reading of each door every second.
        var batch = IngestBatch(journalPosition: 1)
        for second in Int64(0)..<200 {
            for (index, id) in ids.enumerated() { batch.readings.append(Self.reading(id, seq: second * 10 + Int64(index), at: second * 1000)) }
        }
        _ = try database.store(batch)
        // door-1 keeps a window back to 150 s, door-2 needs its newest, door-3 the two newest carrying `seq`,
        // door-4 nothing; from 100 s on. Of door-3's readings only `seq` is kept.
        var selection = WarmSelection(horizonsMs: ["door-1": 150_000, "door-2": .max, "door-3": .max], deltaFields: ["door-3": ["seq"]],
                                      keptFields: ["door-3": ["seq"]])
        let readings = try database.ruleReadings(sinceMs: 100_000, selecting: &selection)
        #expect(readings.filter { $0.deviceID == "door-1" }.map(\.atMs) == Array(stride(from: Int64(150_000), through: 199_000, by: 1000)))
        #expect(readings.filter { $0.deviceID == "door-2" }.map(\.atMs) == [199_000])
        #expect(readings.filter { $0.deviceID == "door-3" }.map(\.atMs) == [198_000, 199_000])
        #expect(!readings.contains { $0.deviceID == "door-4" })
        #expect(readings.filter { $0.deviceID == "door-3" }.map(\.values) == [["seq": .int(1982)], ["seq": .int(1992)]])
        #expect(readings.filter { $0.deviceID == "door-2" }.map(\.values.keys) == [["ts", "seq"]], "no list: every field kept")
        #expect(readings.map(\.atMs) == readings.map(\.atMs).sorted(), "oldest first")
        #expect(selection.skippedCount == 400 - readings.count)
    }

    @Test(arguments: StoreKind.allCases) func everyColumnOfAReadingRoundTrips(kind: StoreKind) throws {
        let test = try TestStore(kind)
        let database = test.store
        defer { test.remove() }
        try database.upsertDevices([Device(id: "band-é", type: "wristband", community: "demo")], source: "inventory", nowMs: 1)
        var batch = IngestBatch(journalPosition: 10)
        let text = "{\"hr_bpm\":72,\"note\":\"老人 ok\"}"
        batch.readings = [
            Reading(deviceID: "band-é", deviceType: "wristband", community: "demo", receivedAtMs: 5_000, deviceTimeMs: 4_000, deviceTimeTrusted: false,
                    seq: nil, values: [:], payloadText: text, flags: ["out_of_range:hr_bpm", "clock_skew"], contentHash: -42),
            Reading(deviceID: "band-é", deviceType: "wristband", community: "demo", receivedAtMs: 6_000, deviceTimeMs: 6_000, deviceTimeTrusted: true,
                    seq: 7, values: [:], payloadText: "", flags: [], contentHash: 43),
        ]
        #expect(try database.store(batch).stored == 2)
        let stored = try database.readings(device: "band-é").sorted { $0.receivedAtMs < $1.receivedAtMs }
        #expect(stored.count == 2)
        #expect(stored[0].payload == text && stored[0].seq == nil && !stored[0].deviceTimeTrusted && stored[0].deviceTimeMs == 4_000)
        #expect(stored[0].flags == ["out_of_range:hr_bpm", "clock_skew"])
        #expect(stored[1].payload == "" && stored[1].seq == 7 && stored[1].deviceTimeTrusted && stored[1].flags.isEmpty)
        // The same readings again (redelivered: a later journal position) are duplicates, not an error.
        batch.journalPosition = 20
        #expect(try database.store(batch).duplicates == 2)
    }

    @Test(arguments: StoreKind.allCases) func batchesCommitWithTheirJournalPositionAndDropRedeliveries(kind: StoreKind) throws {
        let test = try TestStore(kind)
        let database = test.store
        defer { test.remove() }
        try database.upsertDevices([Device(id: "door-1", type: "door", community: "demo")], source: "inventory", nowMs: 1)
        var first = IngestBatch(journalPosition: 100)
        first.readings = (1...3).map { Self.reading("door-1", seq: $0, at: 1000 + $0) }
        let stored = try database.store(first)
        #expect(stored.stored == 3 && stored.duplicates == 0)

        var second = IngestBatch(journalPosition: 250)
        second.readings = [Self.reading("door-1", seq: 3, at: 1003), Self.reading("door-1", seq: 4, at: 1004)]
        second.rejections = [Rejection(topic: "gridwatch/demo/door/door-1/telemetry", reason: .notJSON, detail: "not JSON", receivedAtMs: 1005,
                                       deviceID: "door-1", payloadPrefix: Array("garbage".utf8), payloadSize: 7)]
        second.availability = [AvailabilityChange(deviceID: "door-1", online: false, receivedAtMs: 1006)]
        // The alert its readings fired commits with them (the ingest pipeline's alarm batch).
        second.alertEvents = [AlertEvent(atMs: 1004, kind: .firing, ruleID: "door_forced", deviceID: "door-1", severity: "emergency",
                                         community: "demo", building: "1", evidence: ["event": .string("forced_open")])]
        let result = try database.store(second)
        #expect(try database.alertEvents().map { "\($0.kind) \($0.ruleID) \($0.deviceID) \($0.atMs)" } == ["firing door_forced door-1 1004"])
        #expect(result.stored == 1 && result.duplicates == 1 && result.rejected == 1)

        let totals = try database.ingestTotals()
        #expect(totals.journalPosition == 250 && totals.stored == 4 && totals.duplicates == 1 && totals.rejected == 1)
        #expect(try database.readingCount() == 4)
        #expect(try database.readingCount(device: "door-1") == 4)
        let listed = try database.readings(device: "door-1", limit: 2)
        #expect(listed.map(\.seq) == [3, 4])
        #expect(try database.readings(device: "door-1").first { $0.seq == 2 }?.flags == ["out_of_range:battery"])
        let rejections = try database.rejections()
        #expect(rejections.first?.reason == "not_json" && rejections.first?.payloadPrefix == Array("garbage".utf8))
        #expect(try database.rejectionCounts() == ["not_json": 1])
        let device = try #require(try database.device(id: "door-1"))
        #expect(device.lastSeenAtMs == 1004 && device.availability == "offline")
        let sequences = try database.distinctSequenceCount()
        #expect(sequences.withSeq == 4 && sequences.distinct == 4)
    }

    @Test(arguments: StoreKind.allCases) func upsertCountsNewChangedAndUnchanged(kind: StoreKind) throws {
        let test = try TestStore(kind)
        let database = test.store
        defer { test.remove() }
        let devices = [Device(id: "a", type: "door", community: "demo", building: "b1"), Device(id: "b", type: "smoke", community: "demo")]
        #expect(try database.upsertDevices(devices, source: "inventory", nowMs: 1) == (2, 0))
        var moved = devices
        moved[0].building = "b2"
        #expect(try database.upsertDevices(moved, source: "import", nowMs: 2) == (0, 1))
        #expect(try database.devices(type: nil, community: nil, building: "b2").map(\.device.id) == ["a"])
        #expect(try database.devices(type: "smoke").count == 1)
    }

    /// The start's inventory load: the devices it returns are what `devices()` reads, whether
    /// the store holds only the inventory (not read back) or more (read back).
    @Test(arguments: StoreKind.allCases) func loadInventoryReturnsEveryStoredDeviceByID(kind: StoreKind) throws {
        let test = try TestStore(kind)
        let database = test.store
        defer { test.remove() }
        let inventory = [Device(id: "smoke-2", type: "smoke", community: "demo", grid: "G2", latitude: 32.06, longitude: 118.78),
                         Device(id: "door-1", type: "door", community: "demo", building: "b1", unit: "0101", resident: "r1")]
        let first = try database.loadInventory(inventory, nowMs: 1)
        #expect(first.inserted == 2 && first.updated == 0)
        #expect(first.devices == inventory.sorted { $0.id < $1.id })
        #expect(try database.devices().map(\.device) == first.devices)

        var batch = IngestBatch(journalPosition: 1)
        batch.newDevices = [Device(id: "auto-1", type: "door", community: "demo")]
        _ = try database.store(batch)
        var moved = inventory
        moved[1].unit = "0102"
        let second = try database.loadInventory(moved, nowMs: 2)
        #expect(second.inserted == 0 && second.updated == 1)
        #expect(second.devices.map(\.id) == ["auto-1", "door-1", "smoke-2"])
        #expect(second.devices == (try database.devices().map(\.device)))
        #expect(try database.deviceCount() == 3)
        #expect(try database.device(id: "door-1")?.source == "inventory")
    }

    /// Grid and position are stored, read back exactly, filtered on, and count as a change;
    /// auto-registered devices (ingest) start with neither.
    @Test(arguments: StoreKind.allCases) func gridAndPositionRoundTripAndCountAsChanges(kind: StoreKind) throws {
        let test = try TestStore(kind)
        let database = test.store
        defer { test.remove() }
        let devices = [
            Device(id: "a", type: "door", community: "demo", building: "b01", unit: "0101", grid: "G1",
                   latitude: 32.060_123_456_789_01, longitude: 118.780_987_654_321),
            Device(id: "b", type: "smoke", community: "demo", building: "b02", grid: "G2", latitude: -89.999_999, longitude: -180),
            Device(id: "c", type: "smoke", community: "demo", building: "b02"),
        ]
        #expect(try database.upsertDevices(devices, source: "inventory", nowMs: 1) == (3, 0))
        #expect(try database.devices().map(\.device) == devices)
        #expect(try database.upsertDevices(devices, source: "inventory", nowMs: 2) == (0, 0))
        var moved = devices
        moved[0].grid = "G2"
        moved[1].latitude = -89.999_998
        moved[2].latitude = 32.06
        moved[2].longitude = 118.78
        #expect(try database.upsertDevices(moved, source: "import", nowMs: 3) == (0, 3))
        #expect(try database.device(id: "c")?.device == moved[2])
        #expect(try database.devices(type: nil, community: nil, building: nil, grid: "G2").map(\.device.id) == ["a", "b"])
        #expect(try database.devices(type: "smoke", community: "demo", building: "b02", grid: "G2").map(\.device.id) == ["b"])
        // Taking the position away again is a change too, and leaves no half position behind.
        moved[0].latitude = nil
        moved[0].longitude = nil
        #expect(try database.upsertDevices(moved, source: "import", nowMs: 4) == (0, 1))
        #expect(try test.reopen().device(id: "a")?.device == moved[0])

        var batch = IngestBatch(journalPosition: 1)
        batch.newDevices = [Device(id: "auto-1", type: "door", community: "demo")]
        _ = try database.store(batch)
        let auto = try #require(try database.device(id: "auto-1"))
        #expect(auto.device.grid == "" && auto.device.latitude == nil && auto.device.longitude == nil && auto.source == "auto")
    }

    @Test func aFileMigratedByANewerGridwatchIsRefused() throws {
        let test = try TestStore(.sqlite)
        defer { test.remove() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = [test.location, "INSERT INTO grdb_migrations (identifier) VALUES ('v99-future')"]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let error = #expect(throws: StoreSchemaError.self) { try GatewayDatabase(path: test.location) }
        #expect(error?.description.contains("newer schema") == true)
    }

    @Test func backupCopiesTheLiveDatabase() throws {
        let test = try TestStore(.sqlite)
        let database = test.store
        let copy = test.location + ".backup"
        defer { test.remove(); try? FileManager.default.removeItem(atPath: copy) }
        var batch = IngestBatch(journalPosition: 10)
        batch.readings = [Self.reading("door-1", seq: 1, at: 5)]
        _ = try database.store(batch)
        try database.backup(to: copy)
        #expect(try GatewayDatabase(path: copy).readingCount() == 1)
    }

    /// The writer keeps a 64 MB page cache, each reader 16 MB: a reader holds what its scans
    /// paged in for as long as the pool keeps it open.
    @Test func readersKeepASmallerPageCacheThanTheWriter() throws {
        let test = try TestStore(.sqlite)
        defer { test.remove() }
        let database = try #require(test.store as? GatewayDatabase)
        #expect(try database.pool.write { db in try Int.fetchOne(db, sql: "PRAGMA cache_size") } == -65536)
        #expect(try database.pool.read { db in try Int.fetchOne(db, sql: "PRAGMA cache_size") } == -16384)
    }
}
