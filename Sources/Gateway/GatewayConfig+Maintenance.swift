import Formats
import Foundation

extension GatewayConfig {
    mutating func readMaintenance(_ section: YAMLMapping, diagnostics: inout DiagnosticList) {
        let source = section.source
        section.rejectUnknownKeys(["enabled", "forecast_days", "failure_level", "interval", "battery_item", "self_test_item"],
                                  what: "'maintenance'", diagnostics: &diagnostics)
        if let value = section.bool("enabled", diagnostics: &diagnostics) { maintenance.enabled = value }
        if let node = section["forecast_days"] {
            if let days = node.float ?? node.int.map(Double.init), days > 0, days <= 365 { maintenance.forecastDays = days } else {
                diagnostics.append(source.diagnostic(at: node, "'forecast_days' must be a number of days between 0 and 365, such as 7"))
            }
        }
        if let node = section["failure_level"] {
            if let level = node.float ?? node.int.map(Double.init), level >= 0, level < 100 { maintenance.failurePercent = level } else {
                diagnostics.append(source.diagnostic(at: node, "'failure_level' must be a battery percentage from 0 to 99, such as 5"))
            }
        }
        if let value = section.duration("interval", diagnostics: &diagnostics) {
            if value >= 60 { maintenance.intervalSeconds = value } else {
                diagnostics.append(source.diagnostic(at: section["interval"], "'interval' must be at least 1m"))
            }
        }
        for key in ["battery_item", "self_test_item"] {
            guard let item = section.string(key, diagnostics: &diagnostics) else { continue }
            if key == "battery_item" { maintenance.batteryItem = item } else { maintenance.selfTestItem = item }
            maintenance.itemPositions[key] = source.diagnostic(at: section[key], "")
        }
    }
}
