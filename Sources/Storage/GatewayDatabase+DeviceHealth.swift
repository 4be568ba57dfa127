import Foundation
import GRDB
import Indicators

/// Daily device-health samples on SQLite: one row per day and community, replaced when the
/// day is sampled again, so a month's health is the mean of its days.
extension GatewayDatabase {
    static func migrateDeviceHealth(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE device_health_samples (
                day_ms INTEGER NOT NULL, community TEXT NOT NULL, healthy INTEGER NOT NULL, total INTEGER NOT NULL,
                PRIMARY KEY (day_ms, community));
            """)
    }

    public func recordDeviceHealthSamples(_ samples: [DeviceHealthSample]) throws {
        try pool.write { db in
            let upsert = try db.cachedStatement(sql: """
                INSERT INTO device_health_samples (day_ms, community, healthy, total) VALUES (?, ?, ?, ?)
                ON CONFLICT (day_ms, community) DO UPDATE SET healthy = excluded.healthy, total = excluded.total
                """)
            for sample in samples {
                try upsert.execute(arguments: [sample.dayMs, sample.community, sample.healthy, sample.total])
            }
        }
    }

    public func deviceHealthSamples(fromMs: Int64, toMs: Int64, community: String?) throws -> [DeviceHealthSample] {
        try pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT day_ms, community, healthy, total FROM device_health_samples
                WHERE day_ms >= ? AND day_ms < ? AND (? IS NULL OR community = ?) ORDER BY day_ms, community
                """, arguments: [fromMs, toMs, community, community]).map {
                DeviceHealthSample(dayMs: $0["day_ms"], community: $0["community"], healthy: $0["healthy"], total: $0["total"])
            }
        }
    }
}
