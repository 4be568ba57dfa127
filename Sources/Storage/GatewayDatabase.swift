import Devices
import Foundation
import GRDB
import Synchronization

/// The one façade over gridwatch's SQLite database (GRDB `DatabasePool`, WAL): migrations,
/// and every read and write the gateway and the command line make.
public final class GatewayDatabase: GatewayStore {
    public let path: String
    let pool: DatabasePool
    /// Copies the log on a thread of its own (a running gateway); nil: SQLite's own
    /// checkpoint, inside the commit that passes 1,000 pages (short-lived commands).
    public let checkpointer: WALCheckpointer?
    public var location: String { path }
    /// One fold of reading runs at a time in this process (`foldReadingRuns`).
    let runFolding = Mutex<Void>(())
    /// Callers inside `urgently`: the store's upkeep (a fold of reading runs, a roll-up step)
    /// cuts its write short and waits.
    let urgentCallers = Atomic<Int>(0)

    /// Opens (creating when missing) and migrates the database at `path`; with `checkpoints`,
    /// the log is copied back by a `WALCheckpointer` with those settings.
    public init(path: String, readOnly: Bool = false, checkpoints: WALCheckpointer.Settings? = nil) throws {
        self.path = path
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
        _ = SQLiteProcessSettings.memoryStatisticsOff
        var configuration = Configuration()
        configuration.readonly = readOnly
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            // NORMAL in WAL mode: a commit survives the process being killed; the journal in
            // front of the database holds anything newer, so nothing acknowledged depends on a
            // disk flush per batch.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // 64 MB for the writer (16 in a read-only store); 16 MB for each reader (the pool
            // opens up to five, read-only):
            // a reader keeps what a scan paged in, and a restart's warm-up scan alone left 55 MB
            // in one after the 100,000-device burst (heaptrack). The OS caches the file anyway.
            try db.execute(sql: "PRAGMA cache_size = \(db.configuration.readonly ? -16384 : -65536)")
        }
        pool = try DatabasePool(path: path, configuration: configuration)
        // A file migrated by a newer gridwatch is refused, not half-understood.
        if try pool.read({ try Self.migrator.hasBeenSuperseded($0) }) {
            throw StoreSchemaError(description: "the database \(path) has a newer schema than this gridwatch knows: upgrade gridwatch before using it")
        }
        if !readOnly { try Self.migrator.migrate(pool) }
        if let checkpoints, !readOnly {
            let checkpointer = try WALCheckpointer(path: path, settings: checkpoints)
            pool.writeWithoutTransaction { db in checkpointer.install(on: db) }
            self.checkpointer = checkpointer
        } else {
            checkpointer = nil
        }
    }

    /// An emergency's commits do not start the log over (`WALCheckpointer.urgently`), and the
    /// store's upkeep stands aside for them (`foldReadingRuns`, `writeRollupStep`).
    public func urgently<T>(_ body: () throws -> T) rethrows -> T {
        urgentCallers.add(1, ordering: .relaxed)
        defer { urgentCallers.subtract(1, ordering: .relaxed) }
        guard let checkpointer else { return try body() }
        return try checkpointer.urgently(body)
    }

    /// While the checkpointer's thread finishes a round (`WALCheckpointer.holdingCommits`).
    public var commitsOnHold: Bool { checkpointer?.holdingCommits ?? false }

    /// An emergency's commits are under way (`urgently`).
    var emergencyUnderWay: Bool { urgentCallers.load(ordering: .relaxed) > 0 }

    /// Waits, 1 ms at a time and at most `maxHoldNs`, while an emergency's commits are under
    /// way (they would queue behind the next write), or while the checkpointer finishes copying
    /// the log (a write landing during that copy leaves it unfinished, and the next ordinary
    /// commit then finishes it with its syncs). Between the writes of the store's own upkeep
    /// (folds of reading runs, roll-up steps), on threads for blocking work.
    func waitForOrdinaryCommits(maxHoldNs: UInt64) {
        let startedNs = DispatchTime.now().uptimeNanoseconds
        while emergencyUnderWay || commitsOnHold, DispatchTime.now().uptimeNanoseconds - startedNs < maxHoldNs {
            Thread.sleep(forTimeInterval: 0.001)
        }
    }

    /// A transaction that fails leaves nothing behind, so an alarm's readings may go first.
    public var storesAheadOfPosition: Bool { true }

    deinit {
        guard let checkpointer else { return }
        // The writer's hook holds the checkpointer unretained: taken off before it goes.
        pool.writeWithoutTransaction { db in checkpointer.uninstall(from: db) }
        checkpointer.stop()
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-ingest") { db in
            try db.execute(sql: """
                CREATE TABLE devices (
                    id TEXT PRIMARY KEY NOT NULL, type TEXT NOT NULL, community TEXT NOT NULL,
                    building TEXT NOT NULL DEFAULT '', unit TEXT NOT NULL DEFAULT '',
                    resident TEXT NOT NULL DEFAULT '', installed TEXT NOT NULL DEFAULT '',
                    source TEXT NOT NULL, registered_at INTEGER NOT NULL,
                    last_seen_at INTEGER, availability TEXT, availability_at INTEGER);
                CREATE TABLE readings (
                    id INTEGER PRIMARY KEY, device_id TEXT NOT NULL, received_at INTEGER NOT NULL,
                    device_ts INTEGER NOT NULL, device_ts_trusted INTEGER NOT NULL, seq INTEGER,
                    payload TEXT NOT NULL, flags TEXT, content_hash INTEGER NOT NULL);
                -- One index does both jobs: it removes QoS 1 redeliveries (same device, same
                -- payload, hence same device time and hash) and serves per-device time ranges.
                -- Keyed on the device's time, inserts land at the end of each device's range,
                -- so a batch dirties a few pages instead of one random page per row.
                CREATE UNIQUE INDEX readings_device_time ON readings(device_id, device_ts, content_hash);
                CREATE TABLE rejected (
                    id INTEGER PRIMARY KEY, topic TEXT NOT NULL, reason TEXT NOT NULL, detail TEXT NOT NULL,
                    received_at INTEGER NOT NULL, device_id TEXT, payload_prefix BLOB NOT NULL, payload_size INTEGER NOT NULL);
                CREATE INDEX rejected_time ON rejected(received_at);
                CREATE TABLE ingest_cursor (id INTEGER PRIMARY KEY CHECK (id = 1), journal_position INTEGER NOT NULL,
                    stored INTEGER NOT NULL DEFAULT 0, duplicates INTEGER NOT NULL DEFAULT 0, rejected INTEGER NOT NULL DEFAULT 0);
                INSERT INTO ingest_cursor (id, journal_position) VALUES (1, 0);
                """)
        }
        migrator.registerMigration("v2-rules") { db in
            try db.execute(sql: """
                CREATE TABLE alert_events (
                    id INTEGER PRIMARY KEY, at INTEGER NOT NULL, event TEXT NOT NULL, rule TEXT NOT NULL, device TEXT NOT NULL,
                    severity TEXT NOT NULL, community TEXT NOT NULL, building TEXT NOT NULL, inhibited_by TEXT, evidence TEXT);
                CREATE INDEX alert_events_time ON alert_events(at);
                CREATE INDEX alert_events_rule_device ON alert_events(rule, device, at);
                CREATE TABLE rule_state (id INTEGER PRIMARY KEY CHECK (id = 1), saved_at INTEGER NOT NULL, snapshot BLOB NOT NULL);
                """)
        }
        migrator.registerMigration("v3-tickets") { db in
            try db.execute(sql: """
                CREATE TABLE tickets (
                    id TEXT PRIMARY KEY NOT NULL, number INTEGER NOT NULL UNIQUE,
                    -- rule|device for alert tickets; NULL for requests logged by staff.
                    alert_key TEXT, rule TEXT NOT NULL, device TEXT NOT NULL, community TEXT NOT NULL,
                    building TEXT NOT NULL, category TEXT NOT NULL, severity TEXT NOT NULL, state TEXT NOT NULL,
                    team TEXT NOT NULL, escalation_level INTEGER NOT NULL, opened_at INTEGER NOT NULL,
                    -- When the clocks next need to run; NULL when no clock runs.
                    next_deadline INTEGER,
                    -- The whole ticket as JSON (its timeline lives in ticket_timeline).
                    body TEXT NOT NULL);
                -- One active ticket per alert instance, whatever the code above does: a repeat
                -- must count as an occurrence, never open a second ticket.
                CREATE UNIQUE INDEX tickets_one_active_per_alert ON tickets(alert_key)
                    WHERE state IN ('open', 'acknowledged', 'in_progress', 'pending');
                CREATE INDEX tickets_by_alert ON tickets(alert_key, number);
                CREATE INDEX tickets_deadline ON tickets(next_deadline) WHERE next_deadline IS NOT NULL;
                CREATE INDEX tickets_opened ON tickets(opened_at);
                CREATE INDEX tickets_state ON tickets(state);
                CREATE TABLE ticket_timeline (
                    id INTEGER PRIMARY KEY, ticket_id TEXT NOT NULL REFERENCES tickets(id),
                    at INTEGER NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, detail TEXT NOT NULL);
                CREATE INDEX ticket_timeline_ticket ON ticket_timeline(ticket_id, id);
                """)
        }
        migrator.registerMigration("v4-api", migrate: migrateAPI)
        migrator.registerMigration("v5-webhooks", migrate: migrateWebhooks)
        migrator.registerMigration("v6-retention", migrate: migrateRetention)
        migrator.registerMigration("v7-places", migrate: migratePlaces)
        migrator.registerMigration("v8-staff-positions", migrate: migrateStaffPositions)
        migrator.registerMigration("v9-resident-requests", migrate: migrateResidentRequests)
        migrator.registerMigration("v10-device-health", migrate: migrateDeviceHealth)
        migrator.registerMigration("v11-battery-forecasts", migrate: migrateBatteryForecasts)
        migrator.registerMigration("v12-report-publications", migrate: migrateReportPublications)
        migrator.registerMigration("v13-active-assignee-index", migrate: migrateActiveAssigneeIndex)
        migrator.registerMigration("v14-rollup-steps", migrate: migrateRollupSteps)
        migrator.registerMigration("v15-replay-once", migrate: migrateReplayOnce)
        migrator.registerMigration("v16-last-seen-apart", migrate: migrateLastSeenApart)
        migrator.registerMigration("v17-reading-runs", migrate: migrateReadingRuns)
        return migrator
    }

    /// Whether a write transaction can commit now (for `/readyz`).
    public func checkWritable() -> String? {
        do {
            try pool.write { db in try db.execute(sql: "UPDATE ingest_cursor SET id = id WHERE id = 1") }
            return nil
        } catch {
            return "\(error)"
        }
    }

    /// Copies the live database consistently into `path` (SQLite online backup).
    public func backup(to path: String) throws {
        let target = try DatabaseQueue(path: path)
        try pool.backup(to: target)
    }
}

/// A store whose schema this binary cannot use.
public struct StoreSchemaError: Error, CustomStringConvertible {
    public var description: String
}
