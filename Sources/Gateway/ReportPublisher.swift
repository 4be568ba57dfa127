import Devices
import Foundation
import Indicators
import Logging
import Maintenance
import Storage
import Tickets

/// Publishes a finished period: writes its reports (all communities, then each) to the folder,
/// then, in one ticket transaction, records the publication, opens the alarm tickets of
/// indicators below target and stores the `report_published` event the webhooks receive.
/// The record's unique (period, community) makes a repeat (a restart, a second instance)
/// publish nothing; a crash before the commit leaves nothing recorded, and the retry rewrites
/// the same files under the same names.
public struct ReportPublisher: Sendable {
    /// What one attempt did.
    public enum Outcome: Sendable, Equatable {
        case published(files: [String], alarmTickets: [String])
        /// Recorded already (by this instance before a restart, or by another).
        case alreadyPublished
        /// Ended before the gateway sampled anything: it predates this installation.
        case predatesSampling
    }

    let office: TicketOffice
    let catalog: DeviceTypeCatalog
    let indicators: IndicatorSet
    let complaintItems: Set<String>
    /// Which battery level counts as run flat, for batteries replaced before failure.
    let batterySettings: BatterySettings
    let folder: String
    let formats: [ReportFormat]
    let context: ReportFormat.Context
    let logger: Logger

    var database: any GatewayStore { office.database }
    var zone: TimeZone { context.zone }

    public init(office: TicketOffice, setup: GatewaySetup, logger: Logger) {
        self.init(office: office, catalog: setup.catalog, indicators: setup.config.indicators, complaintItems: setup.catalogue.complaintItems,
                  folder: setup.config.reportsFolder, formats: setup.config.reports.formats.compactMap(ReportFormat.named),
                  context: ReportFormat.Context(zone: setup.calendar.timeZone, language: setup.config.reports.language),
                  batterySettings: setup.config.maintenance.batterySettings, logger: logger)
    }

    public init(office: TicketOffice, catalog: DeviceTypeCatalog, indicators: IndicatorSet, complaintItems: Set<String> = [], folder: String,
                formats: [ReportFormat], context: ReportFormat.Context, batterySettings: BatterySettings = BatterySettings(), logger: Logger) {
        self.office = office
        self.catalog = catalog
        self.indicators = indicators
        self.complaintItems = complaintItems
        self.folder = folder
        self.formats = formats
        self.context = context
        self.batterySettings = batterySettings
        self.logger = logger
    }

    /// The actor alarm tickets and report events name.
    static let actor = "indicators"
    public static let eventName = "report_published"

    /// Publishes `period` unless it was published already or ended before the first sample.
    public func publish(_ period: ReportPeriod, nowMs: Int64) throws -> Outcome {
        guard try database.reportPublications(period: period.description).isEmpty else { return .alreadyPublished }
        let toMs = period.bounds(in: zone).toMs
        guard try !database.deviceHealthSamples(fromMs: 0, toMs: toMs, community: nil).isEmpty else { return .predatesSampling }
        let communities = Set(try database.devices().map(\.device.community)).sorted()
        var publications: [(ReportPublication, IndicatorReport)] = []
        for community in [nil] + communities.map(Optional.some) {
            let report = try database.indicatorReport(set: indicators, period: period, community: community, zone: zone, nowMs: nowMs,
                                                      catalog: catalog, complaintItems: complaintItems, batterySettings: batterySettings)
            let files = try write(report, period: period, scope: community ?? "all")
            publications.append((ReportPublication(period: period.description, community: community ?? "", publishedAtMs: nowMs,
                                                   index: report.index, files: files), report))
        }
        let alarms = publications.flatMap { IndicatorAlarm.alarms(in: $0.1, kind: period.kind, alarmPeriods: indicators.alarmPeriods) }
        var opened: [(IndicatorAlarm, String)] = []
        var claimed = false
        let desk = office.desk
        _ = try office.commit("indicator report", actor: Self.actor) { ledger in
            (opened, claimed) = ([], false)
            guard try ledger.claimReportPublication(publications.map { $0.0 }) else { return [] }
            claimed = true
            var happenings: [TicketDesk.Happening] = []
            for alarm in alarms {
                // One ticket per indicator and community while it is active, however long the streak.
                guard try ledger.activeTicketIDs(rule: alarm.rule, community: alarm.community).isEmpty else { continue }
                let made = try desk.open(alarm.request(catalogue: desk.catalogue, zone: zone), at: nowMs, by: Self.actor, in: &ledger)
                if let ticket = made.last?.ticket { opened.append((alarm, ticket.id)) }
                happenings += made
            }
            let body = ReportAnnouncement(period: period, publications: publications, alarms: opened, folder: folder, zone: zone, nowMs: nowMs)
            try ledger.appendEvents([StoredTicketEvent(seq: 0, atMs: nowMs, event: Self.eventName, ticketID: "", community: "", severity: "",
                                                       body: body.json.jsonText)])
            return happenings
        }
        guard claimed else { return .alreadyPublished }
        office.bell.ring()
        return .published(files: publications.flatMap { $0.0.files }, alarmTickets: opened.map { $0.1 })
    }

    /// Writes `report` in every configured format under `folder/PERIOD/`; returns the names
    /// relative to the folder. Each file is replaced whole: a rerun after a crash rewrites it.
    func write(_ report: IndicatorReport, period: ReportPeriod, scope: String) throws -> [String] {
        let directory = URL(fileURLWithPath: folder, isDirectory: true).appendingPathComponent(period.description, isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return try formats.map { format in
            let name = "kpi-\(period)-\(Self.fileSafe(scope)).\(format.fileExtension)"
            try format.render(report, context).write(to: directory.appendingPathComponent(name), options: .atomic)
            return "\(period)/\(name)"
        }
    }

    /// A community id as a file name part: path separators and shell-awkward characters become `_`.
    static func fileSafe(_ text: String) -> String {
        let awkward = Set("/\\:*?\"<>| \t\n")
        let safe = String(text.map { awkward.contains($0) || $0.isASCII && $0.asciiValue! < 32 ? "_" : $0 })
        return safe.isEmpty || safe.hasPrefix(".") ? "_" + safe : safe
    }
}
