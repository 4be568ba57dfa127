import ArgumentParser
import Foundation

/// The `gridwatch` command line: one binary for the service and every staff and author tool.
@main
struct Gridwatch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gridwatch",
        abstract: "IoT gateway for smart residential communities: MQTT in, SQLite, rules, service tickets.",
        subcommands: [RunCommand.self, CheckCommand.self, SimulateCommand.self, ReplayCommand.self, RulesCommand.self, SLACommand.self, TicketsCommand.self, ReportCommand.self, DevicesCommand.self,
                      ReadingsCommand.self, RejectedCommand.self, BackupCommand.self, DatabaseCommand.self, ClusterCommand.self, TokenCommand.self, WebhooksCommand.self, RetentionCommand.self, StaffCommand.self])
}

/// Options every database-reading command shares (docs/design.md §1.1: `--db PATH` and `--config FILE`).
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: "Configuration file (default config/gridwatch.yaml when it exists).")
    var config: String?

    @Option(name: .long, help: "SQLite database (default: the configuration's storage.database).")
    var db: String?

    @Option(name: .long, help: "PostgreSQL store URL postgresql://USER@HOST:PORT/DATABASE (default: the configuration's storage.url; password from storage.password_file or PGPASSWORD).")
    var store: String?

    /// The configuration path to use, if any.
    var configPath: String? {
        if let config { return config }
        return FileManager.default.fileExists(atPath: "config/gridwatch.yaml") ? "config/gridwatch.yaml" : nil
    }
}

/// Output format of listing commands.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

/// Reports a command-line failure as one line on stderr and a non-zero exit.
struct CommandFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
