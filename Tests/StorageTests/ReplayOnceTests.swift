import Devices
import Foundation
import GRDB
import Rules
@testable import Storage
import Testing

/// What a restart reads again from the journal reaches the rules once: readings committed
/// ahead of the journal position stay out of the rules' warm-up until a commit moves the
/// position on (the replay brings them).
@Suite struct ReplayOnceTests {
    static func reading(_ device: String, seq: Int64) -> Reading {
        GatewayDatabaseTests.reading(device, seq: seq, at: seq * 1000)
    }

    static func batch(position: UInt64, ahead: Bool = false, _ readings: [Reading]) -> IngestBatch {
        var batch = IngestBatch(journalPosition: position)
        batch.readings = readings
        batch.storedAheadOfPosition = ahead
        return batch
    }

    /// SQLite only: PostgreSQL commits whole (`storesAheadOfPosition` is false there).
    @Test func readingsStoredAheadOfThePositionStayOutOfTheWarmUpUntilThePositionPasses() throws {
        let test = try TestStore(.sqlite)
        defer { test.remove() }
        let database = try #require(test.store as? GatewayDatabase)
        #expect(database.storesAheadOfPosition)
        try database.upsertDevices(["door-1", "smoke-1"].map { Device(id: $0, type: "door", community: "demo") }, source: "inventory", nowMs: 1)
        _ = try database.store(Self.batch(position: 10, [Self.reading("door-1", seq: 1), Self.reading("door-1", seq: 2)]))
        _ = try database.store(Self.batch(position: 10, ahead: true, [Self.reading("smoke-1", seq: 4)]))
        #expect(try database.ruleReadings(sinceMs: 0).map(\.atMs) == [1000, 2000], "the replay from position 10 brings the alarm")
        // A second alarm before the rest follows: the bound stays at the first.
        _ = try database.store(Self.batch(position: 10, ahead: true, [Self.reading("smoke-1", seq: 5)]))
        #expect(try database.ruleReadings(sinceMs: 0).map(\.atMs) == [1000, 2000])
        #expect(try database.ingestTotals().journalPosition == 10)

        _ = try database.store(Self.batch(position: 20, [Self.reading("door-1", seq: 3)]))
        #expect(try database.ruleReadings(sinceMs: 0).map(\.atMs) == [1000, 2000, 4000, 5000, 3000], "in the order they were stored")
        let reopened = try test.reopen()
        #expect(try reopened.ruleReadings(sinceMs: 0).count == 5)
    }

    /// A database written before v15 gains the column, unset: every stored reading is warmed.
    @Test func aDatabaseFromBeforeTheBoundWarmsEveryReading() throws {
        let file = try EarlierSchemaFile(migratedUpTo: "v14-rollup-steps") { db in
            try db.execute(sql: """
                INSERT INTO readings (device_id, received_at, device_ts, device_ts_trusted, payload, content_hash)
                VALUES ('door-1', 1000, 1000, 1, '{"open":true}', 1), ('door-1', 2000, 2000, 1, '{"open":false}', 2)
                """)
        }
        defer { file.remove() }
        let database = try GatewayDatabase(path: file.path)
        #expect(try database.pool.read { db in try Int64.fetchOne(db, sql: "SELECT ahead_after_id FROM ingest_cursor") } == nil)
        #expect(try database.ruleReadings(sinceMs: 0).map(\.atMs) == [1000, 2000])
    }
}
