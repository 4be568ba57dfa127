import ArgumentParser
import Devices
import Formats
import Gateway
import Foundation
import Indicators
import Storage
import Tickets

extension ReportCommand {
    /// `gridwatch report kpi --period 2026-11|2026-Q4|2026`: the assessed indicators of a period,
    /// with the composite index and the six periods before.
    struct KPI: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "kpi",
            abstract: "The indicators of a month, quarter or year against their targets: weighted scores, the composite index, the six periods before.")
        @OptionGroup var store: StoreOptions
        @Option(help: "The period: a month (2026-11), a quarter (2026-Q4) or a year (2026), in the calendar's zone.") var period: String
        @Option(help: "One community (default: all).") var community: String?
        @Option(help: "The moment that decides what is already overdue (default now).") var now: String?
        @Option(help: "text, json, csv or xlsx (a workbook: needs --output).") var format: KPIFormat = .text
        @Option(help: "The language of the text page and the workbook's labels: zh or en.") var language: String = "zh"
        @Option(help: "Write to this file instead of standard output.") var output: String?

        func run() throws {
            guard let period = ReportPeriod(parsing: period) else {
                throw ValidationError("--period must be a month (2026-11), a quarter (2026-Q4) or a year (2026)")
            }
            guard ["zh", "en"].contains(language) else { throw ValidationError("--language must be zh or en") }
            // A workbook is binary: on a terminal it is noise, in a pipe it is easily mangled.
            guard format != .xlsx || output != nil else {
                throw ValidationError("--format xlsx writes a binary workbook and needs --output FILE (it is never written to standard output)")
            }
            let config = try store.loadConfig()
            let zone = try store.loadCalendar(config).timeZone
            let nowMs = try now.map { try SLA.moment($0, zone: zone, name: "--now") } ?? Int64(Date().timeIntervalSince1970 * 1000)
            let database = try store.openDatabase()
            if let community {
                let known = Set(try database.devices().map(\.device.community))
                guard known.contains(community) else {
                    throw ValidationError("no community '\(community)' (known: \(known.sorted().joined(separator: ", ")))")
                }
            }
            var diagnostics = DiagnosticList()
            let catalog = DeviceTypeCatalog.load(directory: config.deviceTypesPath, diagnostics: &diagnostics)
            let demand = config.cataloguePath.map { DemandCatalogue.load(path: $0, tiers: config.tiers, diagnostics: &diagnostics) }
            let report = try database.indicatorReport(set: config.indicators, period: period, community: community, zone: zone, nowMs: nowMs,
                                                      catalog: catalog, complaintItems: demand?.complaintItems ?? [],
                                                      batterySettings: config.maintenance.batterySettings)
            // The same renderers as the scheduled reports, so a file from either is the same file.
            guard let renderer = ReportFormat.named(format.rawValue) else { throw ValidationError("unknown format \(format.rawValue)") }
            let data = try renderer.render(report, ReportFormat.Context(zone: zone, language: language))
            if let output {
                try data.write(to: URL(fileURLWithPath: output), options: .atomic)
            } else {
                FileHandle.standardOutput.write(data)
            }
        }
    }

    /// `report kpi`'s formats: the shared ones and the workbook.
    enum KPIFormat: String, ExpressibleByArgument, CaseIterable { case text, json, csv, xlsx }
}
