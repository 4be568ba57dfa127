import GRDB
@testable import Storage
import Testing

/// The writer copies its log into the database less often than SQLite's default: a commit of
/// readings from many devices logs a page per device, and a checkpoint copies each page once.
@Suite struct CheckpointSettingTests {
    @Test func everyConnectionWaitsForTheLongerLog() throws {
        let test = try TestStore(.sqlite, name: "checkpoint")
        defer { test.remove() }
        let database = try #require(test.store as? GatewayDatabase)
        let writer = try database.pool.write { try Int.fetchOne($0, sql: "PRAGMA wal_autocheckpoint") }
        let reader = try database.pool.read { try Int.fetchOne($0, sql: "PRAGMA wal_autocheckpoint") }
        #expect(writer == GatewayDatabase.checkpointPages)
        #expect(reader == GatewayDatabase.checkpointPages)
        #expect(GatewayDatabase.checkpointPages > 1_000)
    }
}
