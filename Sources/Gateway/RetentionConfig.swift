import Devices
import Formats
import Storage

/// The `retention:` section: how long raw readings (per device type), personal fields and
/// the two roll-up widths are kept, and how the retention service paces itself.
/// ```yaml
/// retention:
///   raw: 90d                     # every type without an override
///   types: {water_meter: 365d}
///   personal: 30d                # personal fields (wristband heart rate, location, ...)
///   rollup_5m: 400d
///   rollup_1h: 1825d             # or: forever
///   step_rows: 5000
///   write_rows: 1000
///   fold_rows: 20000
///   interval: 1m
/// ```
public struct RetentionConfig: Sendable {
    public var rawSeconds: Double = 90 * 86_400
    public var rawSecondsByType: [String: Double] = [:]
    public var personalSeconds: Double = 30 * 86_400
    /// nil: kept forever.
    public var rollup5mSeconds: Double? = 400 * 86_400
    public var rollup1hSeconds: Double? = 1825 * 86_400
    public var stepRows = 5000
    public var writeRows = 1000
    /// Readings a roll-up step folds (SQLite; PostgreSQL's steps are `stepRows`).
    public var foldRows = 20000
    public var intervalSeconds: Double = 60
    /// Where each `types:` key was written, to report a type the catalog does not know.
    var typePositions: [String: Diagnostic] = [:]

    public init() {}

    /// The plan the database code runs, for these device types.
    public func plan(catalog: DeviceTypeCatalog) -> RetentionPlan {
        func ms(_ seconds: Double) -> Int64 { Int64(seconds * 1000) }
        var rollups: [Int64: Int64] = [:]
        if let rollup5mSeconds { rollups[300] = ms(rollup5mSeconds) }
        if let rollup1hSeconds { rollups[3600] = ms(rollup1hSeconds) }
        return RetentionPlan(catalog: catalog, rawRetentionMs: ms(rawSeconds), rawRetentionMsByType: rawSecondsByType.mapValues(ms),
                             personalRetentionMs: ms(personalSeconds), rollupRetentionMsByWidth: rollups, stepRows: stepRows,
                             writeRows: writeRows, foldRows: foldRows)
    }

    /// Types named under `types:` that no device type file defines.
    public func problems(catalog: DeviceTypeCatalog) -> [Diagnostic] {
        typePositions.keys.sorted().filter { catalog[$0] == nil }.compactMap { type in
            guard var diagnostic = typePositions[type] else { return nil }
            diagnostic.message = "unknown device type '\(type)' in 'retention.types' (known: \(catalog.names.joined(separator: ", ")))"
            return diagnostic
        }
    }
}
