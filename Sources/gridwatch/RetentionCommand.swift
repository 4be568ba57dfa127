import ArgumentParser
import Devices
import Formats
import Foundation
import Gateway
import Storage

/// `gridwatch retention run-once|status`: what the running service does every minute, on
/// demand (after changing the periods, or on a copy of the database), and what it left.
struct RetentionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "retention", abstract: "Roll-ups, pruning and personal-data retention.",
                                                    subcommands: [RunOnce.self, Status.self, MonthBench.self])

    /// The configured plan with the device types it names.
    static func plan(_ store: StoreOptions) throws -> (GatewayConfig, RetentionPlan) {
        let config = try store.loadConfig()
        var diagnostics = DiagnosticList()
        let catalog = DeviceTypeCatalog.load(directory: config.deviceTypesPath, diagnostics: &diagnostics)
        diagnostics.append(contentsOf: config.retention.problems(catalog: catalog))
        if diagnostics.hasErrors { throw CommandFailure(diagnostics.errors.map(\.description).joined(separator: "\n")) }
        return (config, config.retention.plan(catalog: catalog))
    }

    static func summaryJSON(_ summary: RetentionRound.Summary) throws -> String {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(summary), as: UTF8.self)
    }

    /// Runs one whole round now (or at `--now`, for a copy of the database in virtual time).
    struct RunOnce: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "run-once", abstract: "Run one retention round and print what it did (JSON).")
        @OptionGroup var store: StoreOptions
        @Option(help: "The round's time, RFC 3339 (default: now).") var now: String?

        func run() throws {
            let (_, plan) = try RetentionCommand.plan(store)
            let nowMs = try now.map { text -> Int64 in
                guard let date = RFC3339.parse(text) else { throw ValidationError("--now must be RFC 3339, e.g. 2026-11-22T08:00:00+08:00") }
                return Int64(date.timeIntervalSince1970 * 1000)
            } ?? Int64(Date().timeIntervalSince1970 * 1000)
            var round = RetentionRound(database: try store.openDatabase(), plan: plan, nowMs: nowMs)
            print(try RetentionCommand.summaryJSON(round.runToEnd()))
        }
    }

    /// Counts per table, the oldest reading, the roll-up backlog and the file size.
    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show what the database holds and how far retention got.")
        @OptionGroup var store: StoreOptions
        @Option(help: "text or json.") var format: OutputFormat = .text

        func run() throws {
            let status = try store.openDatabase().retentionStatus()
            switch format {
            case .json:
                let encoder = JSONEncoder()
                encoder.keyEncodingStrategy = .convertToSnakeCase
                encoder.outputFormatting = .sortedKeys
                print(String(decoding: try encoder.encode(status), as: UTF8.self))
            case .text:
                print("readings: \(status.readings) (oldest received \(TimeText.text(milliseconds: status.oldestReadingReceivedAtMs)), \(status.readingsNotRolledUp) not rolled up yet)")
                print("rollups: \(status.rollups5m) of 5 minutes, \(status.rollups1h) hourly")
                print("alert events: \(status.alertEvents), tickets: \(status.tickets), rejected: \(status.rejected)")
                print("database: \(status.databaseBytes) bytes (with its write-ahead log)")
            }
        }
    }
}
