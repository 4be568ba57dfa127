import Devices
import Foundation
import GRDB
@testable import PostgresStorage
import Rules
@testable import Storage
import Testing

/// What a restart reads again from the journal reaches the rules and the alert history once:
/// readings committed ahead of the journal position stay out of the rules' warm-up until a
/// commit moves the position past them, and an alert event heard again is kept once.
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

    static func event(_ kind: AlertEvent.Kind, at ms: Int64, device: String = "smoke-1") -> AlertEvent {
        AlertEvent(atMs: ms, kind: kind, ruleID: "smoke_alarm", deviceID: device, severity: "emergency", community: "demo", building: "1")
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

    @Test(arguments: StoreKind.allCases) func anAlertEventHeardAgainIsKeptOnce(kind: StoreKind) throws {
        let test = try TestStore(kind)
        let store = test.store
        defer { test.remove() }
        try store.storeAlertEvents([Self.event(.firing, at: 4000)])
        try store.storeAlertEvents([Self.event(.firing, at: 4000), Self.event(.resolved, at: 4000), Self.event(.firing, at: 9000)])
        var batch = Self.batch(position: 1, [])
        batch.alertEvents = [Self.event(.firing, at: 9000), Self.event(.firing, at: 9000, device: "smoke-2")]
        _ = try store.store(batch)
        let kept = try store.alertEvents(rule: "smoke_alarm", device: nil, limit: 10).map { "\($0.kind) \($0.deviceID) \($0.atMs)" }
        #expect(kept == ["firing smoke-1 4000", "resolved smoke-1 4000", "firing smoke-1 9000", "firing smoke-2 9000"])
    }

    /// A database written before the key: events heard twice keep their first row.
    @Test func theSQLiteMigrationKeepsTheFirstOfEventsHeardTwice() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gw-replay-once-\(UUID().uuidString).db").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        do {
            let pool = try DatabasePool(path: path)
            try GatewayDatabase.migrator.migrate(pool, upTo: "v14-rollup-steps")
            try pool.write { db in
                for (at, event, evidence) in [(4000, "alert_firing", "first"), (4000, "alert_firing", "again"), (4000, "alert_resolved", "clear"), (9000, "alert_firing", "later")] {
                    try db.execute(sql: """
                        INSERT INTO alert_events (at, event, rule, device, severity, community, building, evidence)
                        VALUES (?, ?, 'smoke_alarm', 'smoke-1', 'emergency', 'demo', '1', ?)
                        """, arguments: [at, event, "\"\(evidence)\""])
                }
            }
        }
        let database = try GatewayDatabase(path: path)
        let evidence = try database.pool.read { db in try String.fetchAll(db, sql: "SELECT evidence FROM alert_events ORDER BY id") }
        #expect(evidence == ["\"first\"", "\"clear\"", "\"later\""])
        try database.storeAlertEvents([Self.event(.firing, at: 4000)])
        #expect(try database.alertEvents().count == 3)
    }

    /// PostgreSQL's migration statements over a table as v9 left it, holding an event twice.
    @Test func thePostgresMigrationKeepsTheFirstOfEventsHeardTwice() throws {
        let test = try TestStore(.postgres)
        let store = try #require(test.store as? PostgresStore)
        try store.write { session in
            _ = try session.execute("DROP INDEX alert_events_once")
            _ = try session.execute("CREATE INDEX alert_events_rule_device ON alert_events(rule, device, at)")
            for (at, event, evidence) in [(4000, "alert_firing", "first"), (4000, "alert_firing", "again"), (4000, "alert_resolved", "clear")] {
                _ = try session.execute("""
                    INSERT INTO alert_events (at, event, rule, device, severity, community, building, evidence)
                    VALUES ($1, $2, 'smoke_alarm', 'smoke-1', 'emergency', 'demo', '1', $3)
                    """, [.int(Int64(at)), .text(event), .text(evidence)])
            }
            for statement in PostgresSchema.statements(PostgresStore.alertEventOnceSchema) { _ = try session.execute(statement) }
        }
        let evidence = try store.read { session in
            try session.query("SELECT evidence FROM alert_events ORDER BY id").map { row -> String in try row.required("evidence") }
        }
        #expect(evidence == ["first", "clear"])
        try store.storeAlertEvents([Self.event(.firing, at: 4000)])
        #expect(try store.alertEvents(rule: nil, device: nil, limit: 10).count == 2)
    }
}
