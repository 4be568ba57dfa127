import Formats
import Maintenance
import Tickets

/// The `maintenance:` section: when a battery ticket opens before the forecast run-out, the
/// level that counts as failed, how often forecasts are recomputed, and the catalogue items
/// the tickets are filed under.
/// ```yaml
/// maintenance:
///   forecast_days: 7                      # a ticket opens this long before the run-out
///   failure_level: 5                      # % at which a battery counts as flat
///   interval: 1h
///   battery_item: battery_replacement
///   self_test_item: smoke_detector_inspection
/// ```
public struct MaintenanceConfig: Sendable {
    public var enabled = true
    public var forecastDays: Double = 7
    public var failurePercent: Double = 5
    public var intervalSeconds: Double = 3600
    public var batteryItem = "battery_replacement"
    public var selfTestItem = "smoke_detector_inspection"
    /// Where each item was written, to report one the catalogue does not list.
    var itemPositions: [String: Diagnostic] = [:]

    public init() {}

    /// How long before the run-out the ticket opens.
    public var leadMs: Int64 { Int64(forecastDays * 86_400_000) }

    /// The forecast's settings with this configuration's failure level.
    public var batterySettings: BatterySettings {
        var settings = BatterySettings()
        settings.failurePercent = failurePercent
        return settings
    }

    /// Items named here that the demand catalogue does not list (when one is configured).
    public func problems(catalogue: DemandCatalogue) -> [Diagnostic] {
        guard !catalogue.items.isEmpty else { return [] }
        return itemPositions.keys.sorted().compactMap { key in
            let item = key == "battery_item" ? batteryItem : selfTestItem
            guard catalogue[item] == nil, var diagnostic = itemPositions[key] else { return nil }
            diagnostic.message = "unknown catalogue item '\(item)' in 'maintenance.\(key)' (known: \(catalogue.items.map(\.id).joined(separator: ", ")))"
            return diagnostic
        }
    }
}
