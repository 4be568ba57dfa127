import ArgumentParser
import Devices
import Formats
import Foundation
import Storage
import Tickets

/// `gridwatch report sla --from --to` (the period's figures against the service standards) and
/// `gridwatch report kpi --period` (the assessed indicators).
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "report", abstract: "Service reports.", subcommands: [SLA.self, KPI.self])

    /// Output formats of a report: a page for people, JSON for programs, CSV for spreadsheets.
    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json, csv }

    struct SLA: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sla",
            abstract: "On-time response and resolution per tier, 72 h closure, durations, remediation, warning funnel, device health, demand by building and category, false alarms.")
        @OptionGroup var store: StoreOptions
        @Option(help: "Start of the period (tickets opened at or after it): RFC 3339 or a date, YYYY-MM-DD, in the calendar's zone.") var from: String
        @Option(help: "End of the period (opened before it): RFC 3339 or a date (that day is excluded).") var to: String
        @Option(help: "The moment that decides what is already overdue (default now).") var now: String?
        @Option(help: "text, json or csv.") var format: Format = .text

        func run() throws {
            let config = try store.loadConfig()
            let zone = try store.loadCalendar(config).timeZone
            let fromMs = try Self.moment(from, zone: zone, name: "--from")
            let toMs = try Self.moment(to, zone: zone, name: "--to")
            guard fromMs < toMs else { throw ValidationError("--from must be before --to") }
            let nowMs = try now.map { try Self.moment($0, zone: zone, name: "--now") } ?? Int64(Date().timeIntervalSince1970 * 1000)
            let database = try store.openDatabase()
            var diagnostics = DiagnosticList()
            let catalog = DeviceTypeCatalog.load(directory: config.deviceTypesPath, diagnostics: &diagnostics)
            let demand = config.cataloguePath.map { DemandCatalogue.load(path: $0, tiers: config.tiers, diagnostics: &diagnostics) }
            let report = try database.slaReport(fromMs: fromMs, toMs: toMs, nowMs: nowMs, catalog: catalog,
                                                complaintItems: demand?.complaintItems ?? [])
            switch format {
            case .text:
                let text = report.text(timeZone: zone)
                print(text, terminator: text.hasSuffix("\n") ? "" : "\n")
            case .csv: print(report.csv(), terminator: "")
            case .json:
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                print(String(decoding: try encoder.encode(report), as: UTF8.self))
            }
        }

        /// RFC 3339, or a plain date meaning its midnight in the calendar's zone.
        static func moment(_ text: String, zone: TimeZone, name: String) throws -> Int64 {
            if let ms = RFC3339.parseMilliseconds(text) { return ms }
            let parts = text.split(separator: "-").compactMap { Int($0) }
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = zone
            if parts.count == 3, let date = calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2])) {
                return Int64((date.timeIntervalSince1970 * 1000).rounded())
            }
            throw ValidationError("\(name) must be RFC 3339 (2026-11-23T08:00:00+08:00) or a date (2026-11-23)")
        }
    }
}
