import Devices
import Foundation
import GRDB
@testable import Storage
import Testing

/// How SQLite answers per-device reads over runs (v17): by key and by id, never a scan of
/// either table; and what a database from before v17 becomes.
@Suite struct ReadingRunQueryPlanTests {
    /// Per-device reads search the runs by key and the readings by id; none scans either table.
    @Test func perDeviceReadsSearchTheRuns() throws {
        let test = try TestStore(.sqlite)
        defer { test.remove() }
        let database = try #require(test.store as? GatewayDatabase)
        _ = try ReadingRunsTests.fill(database)
        try database.foldAllReadingRuns(stepRows: 50)
        let plans = try database.pool.read { db -> [String: [String]] in
            var plans: [String: [String]] = [:]
            let statements = [
                GatewayDatabase.newestRunsSQL, GatewayDatabase.latestRunsSQL, GatewayDatabase.tailReadingsSQL, GatewayDatabase.latestTailSQL,
                GatewayDatabase.readingCountSQL, GatewayDatabase.deleteRunReadingsSQL, GatewayDatabase.latestOffClockSQL,
                GatewayDatabase.runReadingsSQL + " AND r.device_ts <= ?3 ORDER BY r.device_ts DESC, r.id DESC LIMIT 1",
                "DELETE FROM reading_runs WHERE last_id < (SELECT coalesce(min(id), 0) FROM readings)",
            ]
            for sql in statements {
                // Numbered parameters count once each, however often they appear.
                let numbered = (1...4).filter { sql.contains("?\($0)") }.count
                let count = numbered > 0 ? numbered : sql.filter { $0 == "?" }.count
                let arguments = StatementArguments((0..<count).map { _ in "1" as String })
                plans[sql] = try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments).map { $0["detail"] as String }
            }
            return plans
        }
        for (sql, plan) in plans {
            #expect(!plan.contains { $0.hasPrefix("SCAN readings") || $0.hasPrefix("SCAN r") || $0.hasPrefix("SCAN reading_runs") }, "\(sql): \(plan)")
            if sql == GatewayDatabase.newestRunsSQL || sql == GatewayDatabase.latestRunsSQL { #expect(!plan.contains { $0.contains("TEMP B-TREE") }, "\(sql): \(plan)") }
            if sql == GatewayDatabase.tailReadingsSQL { #expect(plan.contains { $0.contains("INTEGER PRIMARY KEY (rowid>?)") }, "\(plan)") }
            if sql.contains("json_each") { #expect(plan.contains { $0.contains("USING INTEGER PRIMARY KEY (rowid=?)") }, "\(plan)") }
        }
    }

    /// A database written before v17 reads whole through the tail, then folds: its ids start far
    /// above 0 (older readings pruned), and the first step skips that gap at once.
    @Test func aDatabaseFromBeforeReadsWholeAndFolds() throws {
        let file = try EarlierSchemaFile(migratedUpTo: "v16-last-seen-apart") { db in
            try db.execute(sql: """
                INSERT INTO readings (id, device_id, received_at, device_ts, device_ts_trusted, payload, content_hash)
                VALUES (5000001, 'door-1', 1000, 900, 1, '{}', 1), (5000002, 'door-2', 2000, 1900, 1, '{}', 2), (5000003, 'door-1', 3000, 2900, 1, '{}', 3)
                """)
        }
        defer { file.remove() }
        let database = try GatewayDatabase(path: file.path)
        #expect(try database.readingsBehindRuns() == 5_000_003)
        #expect(try database.readings(device: "door-1").map(\.id) == [5_000_001, 5_000_003])
        #expect(try database.foldReadingRuns(maxRows: 16_000) == ReadingRunStep(folded: 3, behind: 0))
        try ReadingRunsTests.expectRunsExact(database)
        #expect(try database.readings(device: "door-1").map(\.id) == [5_000_001, 5_000_003])
        #expect(try database.readings(device: "door-1", limit: -1).map(\.id) == [5_000_001, 5_000_003], "a negative limit is no limit")
        #expect(try database.latestReadings(device: "door-1", nowMs: 3_000, skewMs: 0)["door-1"]?.id == 5_000_003)
        let indexes = try database.pool.read { db in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'readings'") }
        #expect(indexes == ["readings_time_device"])
    }
}
