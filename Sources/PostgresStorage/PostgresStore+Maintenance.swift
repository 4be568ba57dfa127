import Foundation
import Maintenance
import PostgresNIO
import Storage

/// Battery forecasts on PostgreSQL: the same rows as on SQLite, one per device, replaced by
/// the maintenance round (which runs on the instance owning the cluster's services).
extension PostgresStore {
    static let batteryForecastsSchema = """
        CREATE TABLE battery_forecasts (
            device_id text PRIMARY KEY, computed_at bigint NOT NULL, state text NOT NULL, samples bigint NOT NULL,
            level double precision, drain_per_day double precision, run_out_at bigint, replaced_at bigint,
            failure_percent double precision NOT NULL);
        """

    public func saveBatteryForecasts(_ forecasts: [String: BatteryForecast]) throws {
        guard !forecasts.isEmpty else { return }
        let sorted = forecasts.sorted { $0.key < $1.key }
        try write { session in
            // One round trip for the fleet: the rows as arrays, unnested.
            _ = try session.execute("""
                INSERT INTO battery_forecasts (device_id, computed_at, state, samples, level, drain_per_day, run_out_at, replaced_at, failure_percent)
                SELECT d, c, s, n, NULLIF(l, 'NaN'), NULLIF(r, 'NaN'), NULLIF(o, -1), NULLIF(p, -1), f
                FROM unnest($1::text[], $2::bigint[], $3::text[], $4::bigint[], $5::float8[], $6::float8[], $7::bigint[], $8::bigint[], $9::float8[])
                    AS t(d, c, s, n, l, r, o, p, f)
                ON CONFLICT (device_id) DO UPDATE SET computed_at = excluded.computed_at, state = excluded.state, samples = excluded.samples,
                    level = excluded.level, drain_per_day = excluded.drain_per_day, run_out_at = excluded.run_out_at,
                    replaced_at = excluded.replaced_at, failure_percent = excluded.failure_percent
                """, [.texts(sorted.map(\.key)), .ints(sorted.map(\.value.computedAtMs)), .texts(sorted.map(\.value.state.rawValue)),
                      .ints(sorted.map { Int64($0.value.samples) }), .doubles(sorted.map { $0.value.levelPercent ?? .nan }),
                      .doubles(sorted.map { $0.value.drainPerDay ?? .nan }), .ints(sorted.map { $0.value.runOutAtMs ?? -1 }),
                      .ints(sorted.map { $0.value.replacedAtMs ?? -1 }), .doubles(sorted.map(\.value.failurePercent))])
        }
    }

    public func batteryForecasts(device: String?) throws -> [String: BatteryForecast] {
        try read { session in
            var forecasts: [String: BatteryForecast] = [:]
            for row in try session.query("SELECT * FROM battery_forecasts WHERE $1::text IS NULL OR device_id = $1", [.text(device)]) {
                let state: String = try row.required("state")
                let samples: Int64 = try row.required("samples")
                forecasts[try row.required("device_id")] = BatteryForecast(
                    state: BatteryForecast.State(rawValue: state) ?? .notEnoughData, computedAtMs: try row.required("computed_at"),
                    samples: Int(samples), levelPercent: try row.value("level"), drainPerDay: try row.value("drain_per_day"),
                    runOutAtMs: try row.value("run_out_at"), replacedAtMs: try row.value("replaced_at"),
                    failurePercent: try row.required("failure_percent"))
            }
            return forecasts
        }
    }
}
