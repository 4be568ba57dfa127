import ArgumentParser
import Devices
import Formats
import Foundation
import Gateway

/// `gridwatch check`: validate configuration, device types and inventory; every error at once.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "check", abstract: "Validate configuration, device types, inventory (and rules).")

    @Option(name: .long, help: "Configuration file.") var config: String = "config/gridwatch.yaml"
    @Option(name: .long, help: "text or json.") var format: OutputFormat = .text

    func run() throws {
        let setup = GatewaySetup.load(configPath: config)
        let errors = setup.diagnostics.filter { $0.severity == .error }.count
        let warnings = setup.diagnostics.count - errors
        switch format {
        case .text:
            for diagnostic in setup.diagnostics { print(diagnostic.description) }
            if errors == 0 {
                print("ok: \(setup.catalog.names.count) device types, \(setup.inventory.count) devices, \(setup.rules.rules.count) rules, "
                      + "\(setup.staff.roster.members.count) staff, \(setup.staff.schedule.shifts.count) shifts, \(warnings) warning(s)")
            } else {
                print("\(errors) error(s), \(warnings) warning(s)")
            }
        case .json:
            let items: [JSONValue] = setup.diagnostics.map { diagnostic in
                .object(["file": .string(diagnostic.file), "line": .int(Int64(diagnostic.line)), "column": .int(Int64(diagnostic.column)),
                         "severity": .string(diagnostic.severity.rawValue), "message": .string(diagnostic.message)])
            }
            let summary: JSONValue = .object([
                "ok": .bool(errors == 0), "errors": .int(Int64(errors)), "warnings": .int(Int64(warnings)), "diagnostics": .array(items),
                "device_types": .array(setup.catalog.names.map { .string($0) }), "devices": .int(Int64(setup.inventory.count)),
                "staff": .int(Int64(setup.staff.roster.members.count)),
            ])
            print(summary.jsonText)
        }
        if errors > 0 { throw ExitCode(1) }
    }
}
