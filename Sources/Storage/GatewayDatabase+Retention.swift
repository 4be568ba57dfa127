import Foundation
import GRDB

extension GatewayDatabase {
    static func migrateRetention(_ db: Database) throws {
        try db.execute(sql: """
            -- One table for both widths: the same columns, one upsert, one reader; the width is part
            -- of the key. Keyed by time first, then series, WITHOUT ROWID: rows live in key order,
            -- so a step's upserts land on the few pages at the end of each width's range (keyed by
            -- series first, every upsert dirtied a page of its own: 5,000 of them made a 350 ms
            -- transaction), and pruning by age deletes from the start of each range. A device's
            -- long history is read by scanning a time range, which dashboards do anyway.
            -- bucket_start and last_ts are epoch ms of device time; sum/count give the average.
            CREATE TABLE rollups (
                width_s INTEGER NOT NULL, bucket_start INTEGER NOT NULL, device_id TEXT NOT NULL, field TEXT NOT NULL,
                count INTEGER NOT NULL, sum REAL NOT NULL, min REAL NOT NULL, max REAL NOT NULL,
                last REAL NOT NULL, last_ts INTEGER NOT NULL,
                PRIMARY KEY (width_s, bucket_start, device_id, field)) WITHOUT ROWID;
            -- Named positions in id order: 'rollup' (every reading up to it is rolled up), and one
            -- per pruning or scrubbing walk. Moved in the same transaction as the rows they cover.
            CREATE TABLE retention_cursors (name TEXT PRIMARY KEY NOT NULL, position INTEGER NOT NULL) WITHOUT ROWID;
            """)
    }

    static func cursor(_ name: String, _ db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT position FROM retention_cursors WHERE name = ?", arguments: [name]) ?? 0
    }

    static func setCursor(_ name: String, to position: Int64, _ db: Database) throws {
        try db.execute(sql: "INSERT INTO retention_cursors (name, position) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET position = excluded.position",
                       arguments: [name, position])
    }

    /// The last reading id rolled up.
    public func rolledUpReadingID() throws -> Int64 {
        try pool.read { db in try Self.cursor("rollup", db) }
    }

    public func retentionStatus() throws -> RetentionStatus {
        try pool.read { db in
            func count(_ sql: String) throws -> Int { try Int.fetchOne(db, sql: sql) ?? 0 }
            let rolledUp = try Self.cursor("rollup", db)
            let oldestID = try Int64.fetchOne(db, sql: "SELECT min(id) FROM readings")
            let cursors = try Row.fetchAll(db, sql: "SELECT name, position FROM retention_cursors").reduce(into: [String: Int64]()) {
                $0[$1["name"]] = $1["position"]
            }
            let files = [path, path + "-wal"].compactMap { try? FileManager.default.attributesOfItem(atPath: $0)[.size] as? Int64 }
            return RetentionStatus(
                readings: try count("SELECT count(*) FROM readings"),
                oldestReadingReceivedAtMs: try oldestID.flatMap { try Int64.fetchOne(db, sql: "SELECT received_at FROM readings WHERE id = ?", arguments: [$0]) },
                rollups5m: try count("SELECT count(*) FROM rollups WHERE width_s = 300"),
                rollups1h: try count("SELECT count(*) FROM rollups WHERE width_s = 3600"),
                alertEvents: try count("SELECT count(*) FROM alert_events"), tickets: try count("SELECT count(*) FROM tickets"),
                rejected: try count("SELECT count(*) FROM rejected"),
                readingsNotRolledUp: try Int.fetchOne(db, sql: "SELECT count(*) FROM readings WHERE id > ?", arguments: [rolledUp]) ?? 0,
                databaseBytes: files.reduce(0, +), cursors: cursors)
        }
    }

    /// Erases everything stored about one device (a resident's wristband returned, say): its
    /// readings, roll-ups, rejected messages and the device itself. Alert history and tickets
    /// stay (the service record), with the device's personal values removed from them.
    /// Returns the rows deleted. Runs in one transaction: a device has at most the raw period
    /// of readings, and erasure is rare and asked for by a person.
    public func forgetDevice(_ id: String, personalFields: [String]) throws -> Int {
        try pool.write { db in
            var deleted = 0
            // The newest reading keeps its row, emptied and renamed: SQLite hands out ids from the
            // largest one left, and a reused id below the roll-up cursor would never be rolled up.
            try db.execute(sql: """
                UPDATE readings SET device_id = '-forgotten-' || id, payload = '{}', flags = NULL
                WHERE id = (SELECT max(id) FROM readings) AND device_id = ?
                """, arguments: [id])
            deleted += try Self.deleteDeviceReadings(device: id, db)
            for table in ["rollups WHERE device_id = ?", "rejected WHERE device_id = ?"] {
                try db.execute(sql: "DELETE FROM \(table)", arguments: [id])
                deleted += db.changesCount
            }
            if !personalFields.isEmpty {
                _ = try Self.scrubAlertEvidence(db, fields: personalFields, whereSQL: "device = ?", arguments: [id])
                _ = try Self.scrubTickets(db, fields: personalFields, whereSQL: "device = ?", arguments: [id], limit: Int.max)
                _ = try Self.scrubTicketEvents(db, whereSQL: "json_extract(body, '$.ticket.device') = ?", arguments: [id], limit: Int.max)
            }
            try db.execute(sql: "DELETE FROM devices WHERE id = ?", arguments: [id])
            return deleted + db.changesCount
        }
    }
}
