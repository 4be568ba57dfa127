import Foundation
import Indicators
import PostgresNIO
import Storage

/// Daily device-health samples on PostgreSQL: one row per day and community, replaced when the
/// day is sampled again (by whichever instance samples it).
extension PostgresStore {
    static let deviceHealthSchema = """
        CREATE TABLE device_health_samples (
            day_ms bigint NOT NULL, community text NOT NULL, healthy bigint NOT NULL, total bigint NOT NULL,
            PRIMARY KEY (day_ms, community));
        """

    public func recordDeviceHealthSamples(_ samples: [DeviceHealthSample]) throws {
        guard !samples.isEmpty else { return }
        try write { session in
            _ = try session.execute("""
                INSERT INTO device_health_samples (day_ms, community, healthy, total)
                SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::bigint[])
                ON CONFLICT (day_ms, community) DO UPDATE SET healthy = excluded.healthy, total = excluded.total
                """, [.ints(samples.map(\.dayMs)), .texts(samples.map(\.community)), .ints(samples.map { Int64($0.healthy) }),
                      .ints(samples.map { Int64($0.total) })])
        }
    }

    public func deviceHealthSamples(fromMs: Int64, toMs: Int64, community: String?) throws -> [DeviceHealthSample] {
        try read { session in
            try session.query("""
                SELECT day_ms, community, healthy, total FROM device_health_samples
                WHERE day_ms >= $1 AND day_ms < $2 AND ($3::text IS NULL OR community = $3) ORDER BY day_ms, community
                """, [.int(fromMs), .int(toMs), .text(community)]).map {
                DeviceHealthSample(dayMs: try $0.required("day_ms", as: Int64.self), community: try $0.required("community", as: String.self),
                                   healthy: Int(try $0.required("healthy", as: Int64.self)), total: Int(try $0.required("total", as: Int64.self)))
            }
        }
    }
}
