import Devices
import Foundation
import GRDB
@testable import Storage
import Testing

/// A device's last-seen time in its own narrow table (v16): moved forward by each stored batch,
/// never back, read with the device wherever devices are read, gone with the device, and
/// carried over from the `devices` column of a database written before.
@Suite struct LastSeenApartTests {
    static func batch(position: UInt64, _ readings: [Reading]) -> IngestBatch { ReplayOnceTests.batch(position: position, readings) }

    @Test func storedBatchesMoveItForwardOnlyAndEveryReaderSeesIt() throws {
        let test = try TestStore(.sqlite)
        defer { test.remove() }
        let database = try #require(test.store as? GatewayDatabase)
        try database.upsertDevices(["door-1", "door-2"].map { Device(id: $0, type: "door", community: "demo") }, source: "inventory", nowMs: 1)
        #expect(try database.device(id: "door-1")?.lastSeenAtMs == nil, "never heard from")

        _ = try database.store(Self.batch(position: 10, [GatewayDatabaseTests.reading("door-1", seq: 1, at: 5_000)]))
        _ = try database.store(Self.batch(position: 20, [GatewayDatabaseTests.reading("door-1", seq: 2, at: 3_000)]))
        #expect(try database.device(id: "door-1")?.lastSeenAtMs == 5_000, "an older reading does not move it back")
        #expect(try database.devices().map(\.lastSeenAtMs) == [5_000, nil])
        #expect(try database.newestReadingByType() == ["door": 5_000])

        // A reading of a device not in the inventory leaves no last-seen row behind.
        _ = try database.store(Self.batch(position: 30, [GatewayDatabaseTests.reading("ghost-1", seq: 1, at: 6_000)]))
        let rows = try database.pool.read { db in try String.fetchAll(db, sql: "SELECT device_id FROM device_last_seen ORDER BY device_id") }
        #expect(rows == ["door-1"], "a row once heard from, none for a device not in the inventory")

        // `db copy`'s export carries it in the devices' last_seen_at column.
        let page = try database.exportRows(.devices, after: 0, limit: 10)
        let column = try #require(ExportTable.devices.columns.firstIndex(of: "last_seen_at"))
        #expect(page.rows.count == 2)
        #expect(page.rows.map { $0[column] } == [.int(5_000), .null])

        // Forgotten, the device takes its last-seen row with it.
        _ = try database.forgetDevice("door-1", personalFields: [])
        #expect(try database.pool.read { db in try String.fetchAll(db, sql: "SELECT device_id FROM device_last_seen") }.isEmpty)
        #expect(try database.devices().map(\.device.id) == ["door-2"])
    }

    /// A database written before v16 keeps each device's last-seen time.
    @Test func aDatabaseFromBeforeKeepsItsLastSeenTimes() throws {
        let file = try EarlierSchemaFile(migratedUpTo: "v15-replay-once") { db in
            try db.execute(sql: """
                INSERT INTO devices (id, type, community, source, registered_at, last_seen_at)
                VALUES ('door-1', 'door', 'demo', 'inventory', 1, 7000), ('door-2', 'door', 'demo', 'inventory', 1, NULL)
                """)
        }
        defer { file.remove() }
        let database = try GatewayDatabase(path: file.path)
        #expect(try database.devices().map(\.lastSeenAtMs) == [7_000, nil])
        _ = try database.store(Self.batch(position: 10, [GatewayDatabaseTests.reading("door-2", seq: 1, at: 9_000)]))
        #expect(try database.devices().map(\.lastSeenAtMs) == [7_000, 9_000])
        #expect(try database.pool.read { db in try db.columns(in: "devices").map(\.name) }.contains("last_seen_at") == false)
    }
}
