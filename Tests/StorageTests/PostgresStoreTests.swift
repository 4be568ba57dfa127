import Devices
import Foundation
import PostgresStorage
import Rules
import Storage
import TestServers
import Testing

/// What only the PostgreSQL store has: versioned migrations that refuse a newer schema,
/// monthly readings partitions, and errors that name the store without its password.
@Suite struct PostgresStoreTests {
    @Test func aBatchStoredAgainAfterALostCommitIsNotStoredTwice() throws {
        let test = try TestStore(.postgres)
        let store = test.store
        defer { test.remove() }
        try store.upsertDevices([Device(id: "door-1", type: "door", community: "demo")], source: "inventory", nowMs: 1)
        var batch = IngestBatch(journalPosition: 100)
        batch.readings = [GatewayDatabaseTests.reading("door-1", seq: 1, at: 1001), GatewayDatabaseTests.reading("door-1", seq: 3, at: 1003)]
        batch.rejections = [Rejection(topic: "gridwatch/demo/door/door-1/telemetry", reason: .notJSON, detail: "not JSON", receivedAtMs: 1002,
                                      deviceID: "door-1", payloadPrefix: Array("garbage".utf8), payloadSize: 7)]
        batch.alertEvents = [AlertEvent(atMs: 1003, kind: .firing, ruleID: "door_forced", deviceID: "door-1", severity: "emergency",
                                        community: "demo", building: "1")]
        #expect(try store.store(batch).stored == 2)
        // As the ingest pipeline does after a COMMIT whose answer was lost, though it landed.
        batch.isRetry = true
        let again = try store.store(batch)
        #expect(again.stored == 0 && again.duplicates == 0 && again.rejected == 0)
        #expect(try store.alertEvents(rule: nil, device: nil, limit: 10).count == 1)
        #expect(try store.rejectionCounts() == ["not_json": 1])
        var totals = try store.ingestTotals()
        #expect(totals.journalPosition == 100 && totals.stored == 2 && totals.rejected == 1)
        // The next batch is stored as ever, its events too, even one that repeats an earlier one.
        var next = IngestBatch(journalPosition: 180)
        next.readings = [GatewayDatabaseTests.reading("door-1", seq: 4, at: 1004)]
        next.alertEvents = batch.alertEvents
        #expect(try store.store(next).stored == 1)
        #expect(try store.alertEvents(rule: nil, device: nil, limit: 10).count == 2)
        totals = try store.ingestTotals()
        #expect(totals.journalPosition == 180 && totals.stored == 3)
    }

    @Test func aStoreMigratedByANewerGridwatchIsRefused() throws {
        let test = try TestStore(.postgres)
        let store = try #require(test.store as? PostgresStore)
        #expect(try store.schemaVersions() == ["v1-base", "v2-copy", "v3-places", "v4-staff-positions", "v5-resident-requests",
                                                 "v6-device-health", "v7-battery-forecasts", "v8-report-publications", "v9-active-assignee"])
        // Reopening at the same version is fine, and migrates nothing twice.
        _ = try test.reopen()
        try TestPostgres.shared().psql(database: test.location, "INSERT INTO schema_migrations (version) VALUES ('v99-future')")
        let error = #expect(throws: PostgresStoreError.self) { try test.reopen() }
        #expect(error?.description.contains("v99-future") == true)
        #expect(error?.description.contains("upgrade gridwatch") == true)
    }

    @Test func readingsLandInOnePartitionPerMonthOfDeviceTime() throws {
        let test = try TestStore(.postgres)
        let store = try #require(test.store as? PostgresStore)
        let november: Int64 = 1_764_547_200_000 - 86_400_000  // 2025-11-30 UTC
        let december: Int64 = 1_764_547_200_000  // 2025-12-01T00:00Z
        var batch = IngestBatch(journalPosition: 1)
        batch.readings = [GatewayDatabaseTests.reading("door-1", seq: 1, at: november), GatewayDatabaseTests.reading("door-1", seq: 2, at: december)]
        #expect(try store.store(batch).stored == 2)
        let partitions = try store.readingsPartitions()
        #expect(partitions.map(\.name) == ["readings_m202511", "readings_m202512"])
        #expect(partitions.last?.fromMs == december)
        // A second store (another instance) finds the partitions there and stores into them.
        let other = try #require(try test.reopen() as? PostgresStore)
        batch.readings = [GatewayDatabaseTests.reading("door-1", seq: 3, at: december + 1)]
        batch.journalPosition = 2
        #expect(try other.store(batch).stored == 1)
        #expect(try other.readingCount() == 3)
    }

    @Test func anUnreachableStoreIsNamedWithoutItsPassword() throws {
        let port = TestPaths.freePort()
        let error = #expect(throws: PostgresStoreError.self) {
            try PostgresStore(urlText: "postgresql://gw:s3cret@127.0.0.1:\(port)/gridwatch")
        }
        #expect(error?.description.contains("postgresql://gw@127.0.0.1:\(port)/gridwatch") == true)
        #expect(error?.description.contains("s3cret") == false)
        #expect(PostgresURL.redact("postgresql://gw:s3cret@host/db") == "postgresql://gw:***@host/db")
        #expect(throws: PostgresStoreError.self) { try PostgresURL(parsing: "postgresql://127.0.0.1/gridwatch") }
    }

    @Test func aFencedOwnerWritesNothingAndTheNextEpochDoes() throws {
        let test = try TestStore(.postgres)
        let store = try #require(test.store as? PostgresStore)
        try store.ensurePartitionLeases(["hexi"])
        let first = try #require(try store.acquireLease("hexi", owner: "gw-a", leaseMs: 60_000))
        // Another instance cannot take a live, unexpired lease...
        try store.registerInstance("gw-a")
        #expect(try store.acquireLease("hexi", owner: "gw-b", leaseMs: 60_000) == nil)
        // ...until it runs out (here: a lease of 0 ms renewed by the owner).
        #expect(try store.renewLeases([first], leaseMs: 0) == ["hexi"])
        let second = try #require(try store.acquireLease("hexi", owner: "gw-b", leaseMs: 60_000))
        #expect(second.epoch == first.epoch + 1)
        var batch = IngestBatch(journalPosition: 0)
        batch.readings = [GatewayDatabaseTests.reading("door-1", seq: 1, at: 1_764_547_200_000)]
        #expect(throws: FencedError.self) { try store.store(batch, fence: first) }
        #expect(try store.readingCount() == 0, "the fenced batch stored nothing")
        #expect(try store.renewLeases([first], leaseMs: 60_000).isEmpty, "the old owner learns it lost the lease")
        #expect(try store.store(batch, fence: second).stored == 1)
        let events = try store.leaseEvents().map(\.event)
        #expect(events == ["acquired:free", "acquired:expired"])
    }

    @Test func aCrashedOwnersPartitionsAreFreeAtOnceAndNamesAreUnique() throws {
        let test = try TestStore(.postgres)
        let owner = try #require(test.store as? PostgresStore)
        let contender = try #require(try test.reopen() as? PostgresStore)
        try owner.ensurePartitionLeases(["lanyuan"])
        try owner.registerInstance("gw-a")
        // A second process under the same name is refused while the first lives.
        #expect(throws: PostgresStoreError.self) { try contender.registerInstance("gw-a") }
        _ = try #require(try owner.acquireLease("lanyuan", owner: "gw-a", leaseMs: 60_000))
        #expect(try contender.acquireLease("lanyuan", owner: "gw-b", leaseMs: 60_000) == nil)
        #expect(try !contender.isInstanceGone("gw-a"))
        // The owner's connections close (as when its process dies): the lease is taken without
        // waiting for it to run out.
        try owner.markStopped("gw-a")
        owner.close()
        #expect(eventually(timeout: 10) { (try? contender.isInstanceGone("gw-a")) == true })
        let taken = try #require(try contender.acquireLease("lanyuan", owner: "gw-b", leaseMs: 60_000))
        #expect(taken.epoch == 2)
        #expect(try contender.leaseEvents().last?.event == "acquired:owner_gone")
    }

    @Test func backupPointsToTheServersTools() throws {
        let test = try TestStore(.postgres)
        let error = #expect(throws: PostgresStoreError.self) { try test.store.backup(to: "/tmp/never") }
        #expect(error?.description.contains("pg_dump") == true)
    }
}
