import Foundation
import GRDB
import Maintenance

/// The latest battery forecast of each device (issue 14, maintenance before failure): written
/// by the maintenance round, read by the device list and page. One row per device, replaced.
extension GatewayDatabase {
    static func migrateBatteryForecasts(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE battery_forecasts (
                device_id TEXT PRIMARY KEY, computed_at INTEGER NOT NULL, state TEXT NOT NULL, samples INTEGER NOT NULL,
                level REAL, drain_per_day REAL, run_out_at INTEGER, replaced_at INTEGER, failure_percent REAL NOT NULL);
            """)
    }

    public func saveBatteryForecasts(_ forecasts: [String: BatteryForecast]) throws {
        guard !forecasts.isEmpty else { return }
        try pool.write { db in
            let upsert = try db.cachedStatement(sql: """
                INSERT INTO battery_forecasts (device_id, computed_at, state, samples, level, drain_per_day, run_out_at, replaced_at, failure_percent)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (device_id) DO UPDATE SET computed_at = excluded.computed_at, state = excluded.state, samples = excluded.samples,
                    level = excluded.level, drain_per_day = excluded.drain_per_day, run_out_at = excluded.run_out_at,
                    replaced_at = excluded.replaced_at, failure_percent = excluded.failure_percent
                """)
            for (device, forecast) in forecasts.sorted(by: { $0.key < $1.key }) {
                try upsert.execute(arguments: [device, forecast.computedAtMs, forecast.state.rawValue, forecast.samples, forecast.levelPercent,
                                               forecast.drainPerDay, forecast.runOutAtMs, forecast.replacedAtMs, forecast.failurePercent])
            }
        }
    }

    public func batteryForecasts(device: String?) throws -> [String: BatteryForecast] {
        try pool.read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT * FROM battery_forecasts WHERE ? IS NULL OR device_id = ?", arguments: [device, device])
            var forecasts: [String: BatteryForecast] = [:]
            for row in rows {
                forecasts[row["device_id"]] = BatteryForecast(
                    state: BatteryForecast.State(rawValue: row["state"]) ?? .notEnoughData, computedAtMs: row["computed_at"], samples: row["samples"],
                    levelPercent: row["level"], drainPerDay: row["drain_per_day"], runOutAtMs: row["run_out_at"],
                    replacedAtMs: row["replaced_at"], failurePercent: row["failure_percent"])
            }
            return forecasts
        }
    }
}
