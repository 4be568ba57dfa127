import Foundation
import Testing

/// The `retention:` settings as `gridwatch check` reports them, and the operator commands
/// `retention run-once`, `retention status` and `devices forget` on a real database.
@Suite struct RetentionCommandLineTests {
    @Test func checkReportsRetentionErrorsWithTheirPositions() throws {
        let directory = try TestPaths.temporaryDirectory("check-retention")
        let config = try CommandLineTests.writeConfig(in: directory, extra: """
        retention:
          raw: soon
          types: {water_meter: 365d, gas_meter: 30d}
          personal: 120d
          rollup_1h: forever
          step_rows: 5
          intervall: 1m
          write_rows: 0
          fold_rows: 300000
        """)
        let result = try CommandLineTests.gridwatch(["check", "--config", config], in: directory)
        #expect(result.status == 1)
        let lines = result.output.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("\(config):7:8: error: 'raw' must be a duration") }, "\(result.output)")
        #expect(lines.contains { $0.hasPrefix("\(config):8:30: error: unknown device type 'gas_meter' in 'retention.types' (known: ") && $0.contains("water_meter, wristband)") },
                "\(result.output)")
        #expect(lines.contains { $0.hasPrefix("\(config):9:13: warning: 'personal' (120d) is longer than a raw period (30d)") }, "\(result.output)")
        #expect(lines.contains { $0.hasPrefix("\(config):11:14: error: 'step_rows' must be between 100 and 100000") }, "\(result.output)")
        #expect(lines.contains { $0.hasPrefix("\(config):12:3: error: unknown key 'intervall' in 'retention'") }, "\(result.output)")
        #expect(lines.contains { $0.hasPrefix("\(config):13:15: error: 'write_rows' must be between 100 and 100000") }, "\(result.output)")
        #expect(lines.contains { $0.hasPrefix("\(config):14:14: error: 'fold_rows' must be between 100 and 100000") }, "\(result.output)")
        #expect(!lines.contains { $0.contains("'rollup_1h' must") }, "'forever' is accepted")
    }

    @Test func runOnceStatusAndForgetOnARealDatabase() throws {
        let directory = try TestPaths.temporaryDirectory("retention-cli")
        let config = try CommandLineTests.writeConfig(in: directory)
        let imported = try CommandLineTests.gridwatch(["devices", "import", "--config", config, TestPaths.repository + "/devices/demo-community.csv"], in: directory)
        #expect(imported.status == 0, "\(imported.output)")
        let round = try CommandLineTests.gridwatch(["retention", "run-once", "--config", config, "--now", "2026-11-22T08:00:00+08:00"], in: directory)
        #expect(round.status == 0 && round.output.contains("\"readings_rolled_up\":0"), "\(round.output)")
        let status = try CommandLineTests.gridwatch(["retention", "status", "--config", config, "--format", "json"], in: directory)
        #expect(status.status == 0 && status.output.contains("\"readings\":0") && status.output.contains("\"database_bytes\":"), "\(status.output)")
        let dryRun = try CommandLineTests.gridwatch(["devices", "forget", "--config", config, "wb-b01-0101"], in: directory)
        let device = try #require(try String(contentsOfFile: TestPaths.repository + "/devices/demo-community.csv", encoding: .utf8)
            .split(separator: "\n").first { $0.contains(",wristband,") }?.split(separator: ",").first.map(String.init))
        let forget = try CommandLineTests.gridwatch(["devices", "forget", "--config", config, device, "--yes"], in: directory)
        #expect(forget.status == 0 && forget.output.contains("erased device \(device)"), "\(dryRun.output) \(forget.output)")
        let shown = try CommandLineTests.gridwatch(["devices", "show", "--config", config, device], in: directory)
        #expect(shown.status != 0)
    }
}
