import Devices
import Foundation
import GRDB
@testable import Storage
import Testing

/// A stored batch large enough for the many-row insert and its remainder: readings kept in
/// their order, repeats left out wherever they fall, and each device's last-seen time moved
/// whether or not it had a row.
@Suite struct ReadingInsertStatementTests {
    static func reading(_ number: Int) -> Reading {
        GatewayDatabaseTests.reading(String(format: "door-%02d", number % 50), seq: Int64(number), at: 10_000 + Int64(number))
    }

    @Test func aLargeBatchStoresInOrderLeavesRepeatsOutAndMovesEveryLastSeen() throws {
        let test = try TestStore(.sqlite)
        defer { test.remove() }
        let database = try #require(test.store as? GatewayDatabase)
        // 40 devices in the inventory; door-40 … door-49 are not, and get no last-seen row.
        let inventory = (0..<40).map { Device(id: String(format: "door-%02d", $0), type: "door", community: "demo") }
        try database.upsertDevices(inventory, source: "inventory", nowMs: 1)
        // Half the inventory heard from before, earlier than the batch below (fewer devices than
        // a chunk: one by one).
        let earlier = (0..<20).map { GatewayDatabaseTests.reading(String(format: "door-%02d", $0), seq: 1_000 + Int64($0), at: 5_000) }
        _ = try database.store(LastSeenApartTests.batch(position: 10, earlier))

        // Two whole chunks and half of one left over, whatever the chunk's size.
        let chunk = ReadingInsertStatement.rowsPerChunk
        let count = 2 * chunk + chunk / 2
        var readings = (0..<count).map(Self.reading)
        readings.insert(Self.reading(5), at: chunk + 3) // a repeat in the next chunk
        readings.insert(Self.reading(chunk + 10), at: chunk + 12) // a repeat within the same chunk
        readings.append(Self.reading(count - 1)) // a repeat among the remainder
        // Received last but older than door-30's newest: its last-seen time must not go back.
        readings.append(GatewayDatabaseTests.reading("door-30", seq: 2_000, at: 9_000))
        let result = try database.store(LastSeenApartTests.batch(position: 20, readings))
        #expect(result.stored == count + 1 && result.duplicates == 3)

        let seqs = try database.pool.read { db in
            try Int64.fetchAll(db, sql: "SELECT seq FROM readings WHERE seq < 1000 ORDER BY id")
        }
        #expect(seqs == (0..<count).map(Int64.init), "stored once each, ids rising in the batch's order")
        let lastSeen = try database.pool.read { db in
            try Dictionary(uniqueKeysWithValues: Row.fetchAll(db, sql: "SELECT device_id, last_seen_at FROM device_last_seen").map {
                (($0["device_id"] as String), ($0["last_seen_at"] as Int64))
            })
        }
        // The newest of each inventory device's readings in the batch (numbered in rising time).
        var expected: [String: Int64] = [:]
        for number in (0..<count).filter({ $0 % 50 < 40 }) {
            expected[String(format: "door-%02d", number % 50)] = 10_000 + Int64(number)
        }
        #expect(lastSeen == expected)
    }
}
