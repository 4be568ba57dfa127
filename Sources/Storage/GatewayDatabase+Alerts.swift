import Devices
import Formats
import Foundation
import GRDB
import GRDBSQLite
import Rules

extension GatewayDatabase {
    /// Appends alert events (the history tickets and reports build on).
    public func storeAlertEvents(_ events: [AlertEvent]) throws {
        guard !events.isEmpty else { return }
        try pool.write { db in try Self.insertAlertEvents(events, db: db) }
    }

    static func insertAlertEvents(_ events: [AlertEvent], db: Database) throws {
        let insert = try db.cachedStatement(sql: """
            INSERT INTO alert_events (at, event, rule, device, severity, community, building, inhibited_by, evidence)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for event in events {
            try insert.execute(arguments: [event.atMs, event.kind.rawValue, event.ruleID, event.deviceID, event.severity, event.community,
                                           event.building, event.inhibitedBy, event.evidence.map { JSONValue.object($0).jsonText }])
        }
    }

    /// Alert events in time order, optionally of one rule or device.
    public func alertEvents(rule: String? = nil, device: String? = nil, limit: Int = 1000) throws -> [AlertEvent] {
        try pool.read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT * FROM (SELECT * FROM alert_events WHERE (? IS NULL OR rule = ?) AND (? IS NULL OR device = ?) ORDER BY id DESC LIMIT ?) ORDER BY id
                """, arguments: [rule, rule, device, device, limit])
            return rows.map { row in
                AlertEvent(atMs: row["at"], kind: AlertEvent.Kind(rawValue: row["event"]) ?? .firing, ruleID: row["rule"], deviceID: row["device"],
                           severity: row["severity"], community: row["community"], building: row["building"], inhibitedBy: row["inhibited_by"])
            }
        }
    }

    /// Inserts a zero blob of the snapshot's size and writes its chunks into it in place
    /// (incremental blob I/O): a bound blob was copied by SQLite at the bind and again into
    /// the row's record, 10.7 MB each at 100,000 devices, on top of the caller's own copy.
    public func saveRuleState(_ encoded: RuleEngine.EncodedSnapshot) throws {
        try pool.write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO rule_state (id, saved_at, snapshot) VALUES (1, ?, zeroblob(?))",
                           arguments: [encoded.savedAtMs, encoded.byteCount])
            var handle: OpaquePointer?
            let opened = sqlite3_blob_open(db.sqliteConnection, "main", "rule_state", "snapshot", 1, 1, &handle)
            guard opened == SQLITE_OK, let blob = handle else {
                sqlite3_blob_close(handle)
                throw DatabaseError(resultCode: ResultCode(rawValue: opened), message: "opening the rule state's blob: \(Self.lastError(db))")
            }
            var offset: Int32 = 0
            for chunk in encoded.chunks {
                let written = chunk.withUnsafeBytes { bytes in sqlite3_blob_write(blob, bytes.baseAddress, Int32(bytes.count), offset) }
                guard written == SQLITE_OK else {
                    let reason = Self.lastError(db)
                    sqlite3_blob_close(blob)
                    throw DatabaseError(resultCode: ResultCode(rawValue: written), message: "writing the rule state's blob: \(reason)")
                }
                offset += Int32(chunk.count)
            }
            let closed = sqlite3_blob_close(blob)
            guard closed == SQLITE_OK else {
                throw DatabaseError(resultCode: ResultCode(rawValue: closed), message: "closing the rule state's blob: \(Self.lastError(db))")
            }
        }
    }

    /// SQLite's message for the connection's last error.
    private static func lastError(_ db: Database) -> String {
        sqlite3_errmsg(db.sqliteConnection).map { String(cString: $0) } ?? "unknown error"
    }

    public func loadRuleState() throws -> RuleEngine.Snapshot? {
        try pool.read { db in
            guard let data = try Data.fetchOne(db, sql: "SELECT snapshot FROM rule_state WHERE id = 1") else { return nil }
            return try RuleEngine.Snapshot(jsonData: data)
        }
    }

    /// Stored readings received since `sinceMs`, as the rules engine sees them (for `warm`),
    /// except those the journal's replay will bring again (`IngestBatch.storedAheadOfPosition`).
    public func ruleReadings(sinceMs: Int64, selecting selection: inout WarmSelection) throws -> [RuleReading] {
        try pool.read { db in
            // `received_at` has no index (one more per insert would cost ingest); the id range
            // is searched instead, and a margin of rows before it is filtered by time.
            let start = max(try Self.firstReadingID(receivedAtOrAfter: sinceMs, db) - Self.warmMarginRows, 0)
            // Readings stored ahead of the journal position come back with the journal's replay:
            // warmed with them as well, the rules would hear them twice.
            let end = try Int64.fetchOne(db, sql: "SELECT ahead_after_id FROM ingest_cursor WHERE id = 1") ?? .max
            let scan = try SQLiteRowScan(db, sql: """
                SELECT device_id, received_at, payload FROM readings WHERE id >= ? AND id <= ? AND received_at >= ? ORDER BY id DESC
                """) {
                $0.bind(1, start)
                $0.bind(2, end)
                $0.bind(3, sinceMs)
            }
            var readings: [RuleReading] = []
            try scan.forEach { row in
                let deviceID = row.text(0)
                let atMs = row.integer(1)
                guard selection.wants(deviceID: deviceID, atMs: atMs) else { return }
                // Parsed where SQLite holds it: no String, no array copy.
                guard let values = JSONParser.objectFields(row.utf8(2)) else { return }
                readings.append(RuleReading(deviceID: deviceID, atMs: atMs, values: selection.took(deviceID: deviceID, values: values)))
            }
            readings.reverse()
            return readings
        }
    }

    /// Rows before the searched start that are still checked: receive times rise with the id
    /// except where the wall clock stepped back, which a margin covers in practice.
    static let warmMarginRows: Int64 = 10_000

    /// The smallest id from which every reading was received at or after `sinceMs`, found by
    /// bisecting ids: rows are inserted in journal order, so `received_at` rises with `id`.
    /// A few dozen indexed lookups instead of a scan of months of readings.
    static func firstReadingID(receivedAtOrAfter sinceMs: Int64, _ db: Database) throws -> Int64 {
        guard let maxID = try Int64.fetchOne(db, sql: "SELECT max(id) FROM readings") else { return 0 }
        var low = try Int64.fetchOne(db, sql: "SELECT min(id) FROM readings") ?? 0
        var high = maxID + 1
        while low < high {
            let middle = low + (high - low) / 2
            // Ids may have gaps (pruning): look at the first row at or after the middle.
            guard let row = try Row.fetchOne(db, sql: "SELECT id, received_at FROM readings WHERE id >= ? ORDER BY id LIMIT 1", arguments: [middle]) else {
                high = middle
                continue
            }
            let receivedAt: Int64 = row["received_at"]
            if receivedAt >= sinceMs { high = middle } else { low = (row["id"] as Int64) + 1 }
        }
        return low
    }
}
