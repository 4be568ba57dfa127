import Formats
import Foundation
import Gateway
import Testing
import Tickets

/// The `maintenance:` section: defaults, every mistake at its line and column, and items the
/// catalogue does not list.
@Suite struct MaintenanceConfigTests {
    @Test func defaultsAndGoodValues() throws {
        let directory = try StaffFilesTests.directory("maintenance-good")
        try "maintenance: {forecast_days: 10, failure_level: 3.5, interval: 30m}\n"
            .write(toFile: directory + "/gridwatch.yaml", atomically: true, encoding: .utf8)
        var diagnostics = DiagnosticList()
        let config = GatewayConfig.load(path: directory + "/gridwatch.yaml", diagnostics: &diagnostics).maintenance
        #expect(diagnostics.items.isEmpty, "\(diagnostics.items)")
        #expect(config.leadMs == 10 * 86_400_000 && config.batterySettings.failurePercent == 3.5 && config.intervalSeconds == 1800)
        #expect(MaintenanceConfig().leadMs == 7 * 86_400_000 && MaintenanceConfig().failurePercent == 5)
    }

    @Test func everyMistakeHasItsPosition() throws {
        let directory = try StaffFilesTests.directory("maintenance-bad")
        try """
            maintenance:
              forecast_days: -2
              failure_level: full
              interval: 5s
              battery_item: batteries
              colour: red
            """.write(toFile: directory + "/gridwatch.yaml", atomically: true, encoding: .utf8)
        var diagnostics = DiagnosticList()
        let config = GatewayConfig.load(path: directory + "/gridwatch.yaml", diagnostics: &diagnostics)
        let catalogue = DemandCatalogue(classes: [.init(id: "repairs", title: .init(zh: "维修", en: "Repairs"),
                                                        items: [.init(id: "battery_replacement", classID: "repairs", tier: "general", team: "grid",
                                                                      title: .init(zh: "电池", en: "Battery"))])])
        let rendered = (diagnostics.items + config.maintenance.problems(catalogue: catalogue)).map(\.description)
        let expected = [
            "gridwatch.yaml:2:18: error: 'forecast_days' must be a number of days",
            "gridwatch.yaml:3:18: error: 'failure_level' must be a battery percentage",
            "gridwatch.yaml:4:13: error: 'interval' must be at least 1m",
            "gridwatch.yaml:5:17: error: unknown catalogue item 'batteries' in 'maintenance.battery_item'",
            "gridwatch.yaml:6:3: error: unknown key 'colour'",
        ]
        for line in expected {
            #expect(rendered.contains { $0.contains("/" + line) }, "missing \(line) in \(rendered)")
        }
        #expect(rendered.count == expected.count, "\(rendered)")
    }
}
