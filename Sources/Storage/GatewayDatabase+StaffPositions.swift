import Foundation
import GRDB
import GridDispatch

/// Live staff positions on SQLite: written with the ingest batch that accepted them, read
/// back as the newest per person (to warm the board) and as a person's trajectory, and
/// deleted after the personal period like a wristband's position.
extension GatewayDatabase {
    static func migrateStaffPositions(_ db: Database) throws {
        try db.execute(sql: """
            -- One row per accepted position. A person is in one place at one instant, so a QoS 1
            -- redelivery (same staff, same device time) is a duplicate and is skipped.
            CREATE TABLE staff_positions (
                id INTEGER PRIMARY KEY, staff_id TEXT NOT NULL, community TEXT NOT NULL,
                lat REAL NOT NULL, lon REAL NOT NULL, device_ts INTEGER NOT NULL, received_at INTEGER NOT NULL);
            CREATE UNIQUE INDEX staff_positions_staff_time ON staff_positions(staff_id, device_ts);
            CREATE INDEX staff_positions_received ON staff_positions(received_at);
            """)
    }

    /// Inserts `reports`; returns how many were new.
    static func insertStaffPositions(_ reports: [StaffPositionReport], db: Database) throws -> Int {
        guard !reports.isEmpty else { return 0 }
        let insert = try db.cachedStatement(sql: """
            INSERT INTO staff_positions (staff_id, community, lat, lon, device_ts, received_at) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (staff_id, device_ts) DO NOTHING
            """)
        var inserted = 0
        for report in reports {
            let point = report.position.point
            try insert.execute(arguments: [report.staffID, report.community, point.latitude, point.longitude, report.position.atMs,
                                           report.receivedAtMs])
            inserted += db.changesCount
        }
        return inserted
    }

    public func latestStaffPositions() throws -> [String: StaffPosition] {
        try pool.read { db in
            // SQLite's bare columns with max() come from the row holding the maximum.
            let rows = try Row.fetchAll(db, sql: "SELECT staff_id, lat, lon, max(device_ts) AS at FROM staff_positions GROUP BY staff_id")
            var result: [String: StaffPosition] = [:]
            for row in rows {
                if let position = Self.staffPosition(lat: row["lat"], lon: row["lon"], atMs: row["at"]) { result[row["staff_id"]] = position }
            }
            return result
        }
    }

    public func staffPositions(staffID: String, fromMs: Int64, toMs: Int64, limit: Int) throws -> [StaffPosition] {
        try pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT lat, lon, device_ts FROM staff_positions WHERE staff_id = ? AND device_ts >= ? AND device_ts < ?
                ORDER BY device_ts LIMIT ?
                """, arguments: [staffID, fromMs, toMs, limit]).compactMap { Self.staffPosition(lat: $0["lat"], lon: $0["lon"], atMs: $0["device_ts"]) }
        }
    }

    /// Deletes positions received before the personal period, at most `plan.stepRows`.
    public func pruneStaffPositionsStep(_ plan: RetentionPlan, nowMs: Int64) throws -> RetentionStepResult {
        try pool.write { db in
            try db.execute(sql: """
                DELETE FROM staff_positions WHERE id IN (SELECT id FROM staff_positions WHERE received_at < ? ORDER BY received_at LIMIT ?)
                """, arguments: [nowMs - plan.personalRetentionMs, plan.stepRows])
            let deleted = db.changesCount
            return RetentionStepResult(changed: deleted, finished: deleted < plan.stepRows)
        }
    }

    /// A stored row as a position; a row out of range (written by hand) is skipped.
    static func staffPosition(lat: Double, lon: Double, atMs: Int64) -> StaffPosition? {
        GeoPoint(latitude: lat, longitude: lon).map { StaffPosition(point: $0, atMs: atMs) }
    }
}
