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
