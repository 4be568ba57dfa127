import Devices
import Foundation
import PostgresNIO
import Storage

/// Devices on PostgreSQL: the inventory's upserts and the per-device views.
extension PostgresStore {
    @discardableResult
    public func upsertDevices(_ devices: [Device], source: String, nowMs: Int64) throws -> (inserted: Int, updated: Int) {
        guard !devices.isEmpty else { return (0, 0) }
        return try write { session in
            // One statement for the whole inventory: `xmax = 0` tells an inserted row from an
            // updated one; rows whose columns are all unchanged are neither.
            let rows = try session.query("""
                INSERT INTO devices AS d (\(Self.deviceInsertColumns))
                \(Self.deviceInsertSource)
                ON CONFLICT (id) DO UPDATE SET type = excluded.type, community = excluded.community, building = excluded.building,
                    unit = excluded.unit, resident = excluded.resident, installed = excluded.installed, grid = excluded.grid,
                    lat = excluded.lat, lon = excluded.lon, source = excluded.source
                WHERE (d.type, d.community, d.building, d.unit, d.resident, d.installed, d.grid, d.lat, d.lon)
                    IS DISTINCT FROM (excluded.type, excluded.community, excluded.building, excluded.unit, excluded.resident,
                                      excluded.installed, excluded.grid, excluded.lat, excluded.lon)
                RETURNING (xmax = 0) AS inserted
                """, Self.deviceColumns(devices) + [.text(source), .int(nowMs)])
            let inserted = try rows.filter { try $0.required("inserted", as: Bool.self) }.count
            return (inserted, rows.count - inserted)
        }
    }

    public func deviceCount() throws -> Int {
        try read { session in Int(try session.scalar("SELECT count(*) FROM devices", [], as: Int64.self) ?? 0) }
    }

    /// Adds devices that are not there yet (auto-registration inside an ingest batch).
    static func insertDevices(_ devices: [Device], source: String, nowMs: Int64, _ session: PostgresSession) throws {
        try session.execute("""
            INSERT INTO devices (\(deviceInsertColumns))
            \(deviceInsertSource)
            ON CONFLICT (id) DO NOTHING
            """, deviceColumns(devices) + [.text(source), .int(nowMs)])
    }

    static let deviceInsertColumns = "id, type, community, building, unit, resident, installed, grid, lat, lon, source, registered_at"

    /// The rows of `deviceColumns`, then `$11` the source and `$12` the time. A position's
    /// halves travel as float8 arrays with NaN for none (an array bind has no NULL elements
    /// here); an inventory never holds NaN, so NaN means nothing else.
    static let deviceInsertSource = """
        SELECT u.id, u.type, u.community, u.building, u.unit, u.resident, u.installed, u.grid,
            NULLIF(u.lat, 'NaN'::float8), NULLIF(u.lon, 'NaN'::float8), $11::text, $12::bigint
        FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::float8[],
                    $10::float8[]) AS u(id, type, community, building, unit, resident, installed, grid, lat, lon)
        """

    static func deviceColumns(_ devices: [Device]) -> [SQLValue] {
        [.texts(devices.map(\.id)), .texts(devices.map(\.type)), .texts(devices.map(\.community)), .texts(devices.map(\.building)),
         .texts(devices.map(\.unit)), .texts(devices.map(\.resident)), .texts(devices.map(\.installed)), .texts(devices.map(\.grid)),
         .doubles(devices.map { $0.latitude ?? .nan }), .doubles(devices.map { $0.longitude ?? .nan })]
    }

    public func devices(type: String?, community: String?, building: String?, grid: String?) throws -> [StoredDevice] {
        try read { session in
            try session.query("""
                SELECT * FROM devices WHERE ($1::text IS NULL OR type = $1) AND ($2::text IS NULL OR community = $2)
                    AND ($3::text IS NULL OR building = $3) AND ($4::text IS NULL OR grid = $4) ORDER BY id
                """, [.text(type), .text(community), .text(building), .text(grid)]).map(Self.storedDevice)
        }
    }

    public func forEachDeviceLastSeen(_ visit: (_ community: String, _ type: String, _ lastSeenMs: Int64?) throws -> Void) throws {
        try read { session in
            for row in try session.query("SELECT community, type, last_seen_at FROM devices") {
                try visit(try row.required("community"), try row.required("type"), try row.value("last_seen_at"))
            }
        }
    }

    public func device(id: String) throws -> StoredDevice? {
        try read { session in try session.query("SELECT * FROM devices WHERE id = $1", [.text(id)]).first.map(Self.storedDevice) }
    }

    static func storedDevice(_ row: PostgresRow) throws -> StoredDevice {
        StoredDevice(
            device: Device(id: try row.required("id"), type: try row.required("type"), community: try row.required("community"),
                           building: try row.required("building"), unit: try row.required("unit"), resident: try row.required("resident"),
                           installed: try row.required("installed"), grid: try row.required("grid"), latitude: try row.value("lat"),
                           longitude: try row.value("lon")),
            source: try row.required("source"), registeredAtMs: try row.required("registered_at"), lastSeenAtMs: try row.value("last_seen_at"),
            availability: try row.value("availability"), availabilityAtMs: try row.value("availability_at"))
    }

    public func newestReadingByType() throws -> [String: Int64] {
        try read { session in
            var result: [String: Int64] = [:]
            for row in try session.query("SELECT type, max(last_seen_at) AS newest FROM devices WHERE last_seen_at IS NOT NULL GROUP BY type") {
                result[try row.required("type")] = try row.required("newest", as: Int64.self)
            }
            return result
        }
    }
}
