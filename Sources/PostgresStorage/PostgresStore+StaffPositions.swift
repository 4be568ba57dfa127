import Foundation
import GridDispatch
import PostgresNIO
import Storage

/// Live staff positions on PostgreSQL: inserted in the ingest batch's transaction (one
/// statement for the batch), read as the newest per person and as a trajectory, deleted
/// after the personal period.
extension PostgresStore {
    static let staffPositionsSchema = """
        -- A person is in one place at one instant: a QoS 1 redelivery (same staff, same device
        -- time) is a duplicate. The unique key is also the trajectory's index.
        CREATE TABLE staff_positions (
            id bigserial PRIMARY KEY, staff_id text NOT NULL, community text NOT NULL,
            lat double precision NOT NULL, lon double precision NOT NULL,
            device_ts bigint NOT NULL, received_at bigint NOT NULL,
            UNIQUE (staff_id, device_ts));
        CREATE INDEX staff_positions_received ON staff_positions(received_at);
        """

    /// Inserts `reports` in one round trip; returns how many were new.
    static func insertStaffPositions(_ reports: [StaffPositionReport], _ session: PostgresSession) throws -> Int {
        guard !reports.isEmpty else { return 0 }
        return try session.query("""
            INSERT INTO staff_positions (staff_id, community, lat, lon, device_ts, received_at)
            SELECT * FROM unnest($1::text[], $2::text[], $3::double precision[], $4::double precision[], $5::bigint[], $6::bigint[])
            ON CONFLICT DO NOTHING RETURNING 1
            """, [.texts(reports.map(\.staffID)), .texts(reports.map(\.community)), .doubles(reports.map(\.position.point.latitude)),
                  .doubles(reports.map(\.position.point.longitude)), .ints(reports.map(\.position.atMs)), .ints(reports.map(\.receivedAtMs))]).count
    }

    public func latestStaffPositions() throws -> [String: StaffPosition] {
        try read { session in
            var result: [String: StaffPosition] = [:]
            for row in try session.query("""
                SELECT DISTINCT ON (staff_id) staff_id, lat, lon, device_ts FROM staff_positions ORDER BY staff_id, device_ts DESC
                """) {
                if let position = try Self.staffPosition(row) { result[try row.required("staff_id", as: String.self)] = position }
            }
            return result
        }
    }

    public func staffPositions(staffID: String, fromMs: Int64, toMs: Int64, limit: Int) throws -> [StaffPosition] {
        try read { session in
            try session.query("""
                SELECT lat, lon, device_ts FROM staff_positions WHERE staff_id = $1 AND device_ts >= $2 AND device_ts < $3
                ORDER BY device_ts LIMIT $4
                """, [.text(staffID), .int(fromMs), .int(toMs), .int(Int64(limit))]).compactMap { try Self.staffPosition($0) }
        }
    }

    /// Deletes positions received before the personal period, at most `plan.stepRows`.
    public func pruneStaffPositionsStep(_ plan: RetentionPlan, nowMs: Int64) throws -> RetentionStepResult {
        try write { session in
            let deleted = try session.execute("""
                DELETE FROM staff_positions WHERE id IN (
                    SELECT id FROM staff_positions WHERE received_at < $1 ORDER BY received_at LIMIT $2)
                """, [.int(nowMs - plan.personalRetentionMs), .int(Int64(plan.stepRows))])
            return RetentionStepResult(changed: deleted, finished: deleted < plan.stepRows)
        }
    }

    private static func staffPosition(_ row: PostgresRow) throws -> StaffPosition? {
        let point = GeoPoint(latitude: try row.required("lat", as: Double.self), longitude: try row.required("lon", as: Double.self))
        return try point.map { StaffPosition(point: $0, atMs: try row.required("device_ts", as: Int64.self)) }
    }
}
