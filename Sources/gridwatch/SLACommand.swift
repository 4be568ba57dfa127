import ArgumentParser
import Devices
import Formats
import Foundation
import Gateway
import Tickets

/// `gridwatch sla due --tier NAME --from TIME`: when a ticket of that tier opened then is due.
struct SLACommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "sla", abstract: "Service-level deadlines.", subcommands: [Due.self])

    struct Due: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print respond_by and resolve_by for a ticket of TIER opened at TIME (the calendar at work).")
        @Option(name: .long, help: "Configuration file (tiers and calendar).") var config: String = "config/gridwatch.yaml"
        @Option(name: .long, help: "Tier: emergency, general, complex or one from the configuration.") var tier: String
        @Option(name: .long, help: "When the ticket opened, RFC 3339.") var from: String
        @Option(name: .long, help: "text or json.") var format: OutputFormat = .text

        func run() throws {
            let setup = GatewaySetup.load(configPath: config)
            let errors = setup.diagnostics.filter { $0.severity == .error && ($0.file == config || $0.file.contains("calendar")) }
            if !errors.isEmpty { throw CommandFailure(errors.map(\.description).joined(separator: "\n")) }
            guard let policy = setup.config.slaPolicies[tier] else {
                throw CommandFailure("unknown tier '\(tier)' (tiers: \(setup.config.slaPolicies.keys.sorted().joined(separator: ", ")))")
            }
            guard let opened = RFC3339.parse(from) else { throw ValidationError("--from must be RFC 3339, e.g. 2026-02-13T17:00:00+08:00") }
            let due = policy.due(openedAt: opened, calendar: setup.calendar)
            let zone = setup.calendar.timeZone
            let respondBy = RFC3339.format(due.respondBy, timeZone: zone)
            let resolveBy = RFC3339.format(due.resolveBy, timeZone: zone)
            switch format {
            case .json:
                print(JSONValue.object([
                    "tier": .string(tier), "opened_at": .string(RFC3339.format(opened, timeZone: zone)),
                    "respond_within": .string(policy.respond.description), "resolve_within": .string(policy.resolve.description),
                    "respond_by": .string(respondBy), "resolve_by": .string(resolveBy), "calendar": .string(setup.calendar.name),
                ]).jsonText)
            case .text:
                print("tier \(tier) (respond within \(policy.respond), resolve within \(policy.resolve); calendar \(setup.calendar.name))")
                print("respond_by \(respondBy)")
                print("resolve_by \(resolveBy)")
            }
        }
    }
}
