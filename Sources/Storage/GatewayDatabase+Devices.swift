import Devices
import Foundation
import GRDB

/// A device as stored, with what the gateway has seen of it.
public struct StoredDevice: Sendable, Codable {
    public var device: Device
    public var source: String
    public var registeredAtMs: Int64
    public var lastSeenAtMs: Int64?
    public var availability: String?
    public var availabilityAtMs: Int64?

    public init(device: Device, source: String, registeredAtMs: Int64, lastSeenAtMs: Int64?, availability: String?, availabilityAtMs: Int64?) {
        self.device = device
        self.source = source
        self.registeredAtMs = registeredAtMs
        self.lastSeenAtMs = lastSeenAtMs
        self.availability = availability
        self.availabilityAtMs = availabilityAtMs
    }
}

extension GatewayDatabase {
    /// v16: a device's last-seen time in a narrow table of its own, a row once it is first
    /// heard from. Every stored batch moves it for each of its devices, and an update of the
    /// wide `devices` row (SQLite reads and writes every column) was ~20 % of the ingest thread
    /// at 100,000 devices (perf). A trigger takes the row away with the device. No trigger
    /// makes it with the device: at a first start that cost ~1 s per 100,000 devices.
    static func migrateLastSeenApart(_ db: GRDB.Database) throws {
        try db.execute(sql: """
            CREATE TABLE device_last_seen (device_id TEXT PRIMARY KEY NOT NULL, last_seen_at INTEGER NOT NULL) WITHOUT ROWID;
            INSERT INTO device_last_seen (device_id, last_seen_at) SELECT id, last_seen_at FROM devices WHERE last_seen_at IS NOT NULL;
            ALTER TABLE devices DROP COLUMN last_seen_at;
            CREATE TRIGGER devices_last_seen_gone AFTER DELETE ON devices
                BEGIN DELETE FROM device_last_seen WHERE device_id = old.id; END;
            """)
    }

    /// Where device rows are read from: each with its last-seen time (v16 keeps it apart).
    static let deviceSource = "devices LEFT JOIN device_last_seen ON device_last_seen.device_id = devices.id"

    /// A unit's grid and position (issue 12): every device row gets an empty grid and no
    /// position until its inventory names them.
    static func migratePlaces(_ db: GRDB.Database) throws {
        try db.execute(sql: """
            ALTER TABLE devices ADD COLUMN grid TEXT NOT NULL DEFAULT '';
            ALTER TABLE devices ADD COLUMN lat REAL;
            ALTER TABLE devices ADD COLUMN lon REAL;
            """)
    }

    /// Adds or updates devices; returns how many were new and how many changed (a moved grid
    /// or position is a change).
    @discardableResult
    public func upsertDevices(_ devices: [Device], source: String, nowMs: Int64) throws -> (inserted: Int, updated: Int) {
        try pool.write { db in
            // New rows are what the count grew by; every other row written was an update.
            let countBefore = try Int.fetchOne(db, sql: "SELECT count(*) FROM devices") ?? 0
            let upsert = try DeviceUpsertStatement(db)
            var written = 0
            for device in devices where try upsert.upsert(device, source: source, nowMs: nowMs) { written += 1 }
            let inserted = (try Int.fetchOne(db, sql: "SELECT count(*) FROM devices") ?? 0) - countBefore
            return (inserted, written - inserted)
        }
    }

    static func insertDevice(_ device: Device, source: String, nowMs: Int64, db: GRDB.Database) throws {
        try db.cachedStatement(sql: """
            INSERT OR IGNORE INTO devices (id, type, community, building, unit, resident, installed, grid, lat, lon, source, registered_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [device.id, device.type, device.community, device.building, device.unit, device.resident, device.installed,
                             device.grid, device.latitude, device.longitude, source, nowMs])
    }

    public func devices(type: String? = nil, community: String? = nil, building: String? = nil, grid: String? = nil) throws -> [StoredDevice] {
        try pool.read { db in
            var sql = "SELECT \(Self.deviceColumns) FROM \(Self.deviceSource) WHERE 1"
            var arguments: [String] = []
            if let type { sql += " AND type = ?"; arguments.append(type) }
            if let community { sql += " AND community = ?"; arguments.append(community) }
            if let building { sql += " AND building = ?"; arguments.append(building) }
            if let grid { sql += " AND grid = ?"; arguments.append(grid) }
            sql += " ORDER BY id"
            let scan = try SQLiteRowScan(db, sql: sql) { statement in
                for (offset, argument) in arguments.enumerated() { statement.bind(Int32(offset + 1), argument) }
            }
            var devices: [StoredDevice] = []
            try scan.forEach { row in devices.append(Self.storedDevice(row)) }
            return devices
        }
    }

    public func forEachDeviceLastSeen(_ visit: (_ community: String, _ type: String, _ lastSeenMs: Int64?) throws -> Void) throws {
        try pool.read { db in
            try SQLiteRowScan(db, sql: "SELECT community, type, last_seen_at FROM \(Self.deviceSource)").forEach { row in
                try visit(row.text(0), row.text(1), row.optionalInteger(2))
            }
        }
    }

    public func deviceCount() throws -> Int {
        try pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM devices") ?? 0 }
    }

    public func device(id: String) throws -> StoredDevice? {
        try pool.read { db in
            var found: StoredDevice?
            try SQLiteRowScan(db, sql: "SELECT \(Self.deviceColumns) FROM \(Self.deviceSource) WHERE id = ?") { $0.bind(1, id) }
                .forEach { row in found = Self.storedDevice(row) }
            return found
        }
    }

    /// The columns `storedDevice` reads, in the order it reads them.
    static let deviceColumns = """
        id, type, community, building, unit, resident, installed, grid, lat, lon, source, registered_at, last_seen_at, \
        availability, availability_at
        """

    /// A row of `SELECT deviceColumns`, read in place by position: reading 15 columns by name
    /// (GRDB compares names without case, column by column) was ~15 % of a 100,000-device start (perf).
    static func storedDevice(_ row: SQLiteRowScan.Row) -> StoredDevice {
        StoredDevice(
            device: Device(id: row.text(0), type: row.text(1), community: row.text(2), building: row.text(3), unit: row.text(4),
                           resident: row.text(5), installed: row.text(6), grid: row.text(7), latitude: row.optionalDouble(8),
                           longitude: row.optionalDouble(9)),
            source: row.text(10), registeredAtMs: row.integer(11), lastSeenAtMs: row.optionalInteger(12),
            availability: row.optionalText(13), availabilityAtMs: row.optionalInteger(14))
    }

    /// The newest reading's receive time per device type (types never heard from are absent).
    public func newestReadingByType() throws -> [String: Int64] {
        try pool.read { db in
            var result: [String: Int64] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT type, max(last_seen_at) AS newest FROM \(Self.deviceSource) WHERE last_seen_at IS NOT NULL GROUP BY type
                """) {
                result[row["type"]] = row["newest"]
            }
            return result
        }
    }
}
