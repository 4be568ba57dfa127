import Devices
import Formats
import Foundation
@testable import Gateway
import Indicators
import Logging
import Storage
import Synchronization
import Testing
import Tickets

/// The report schedule over both stores, stepped day by day in virtual time: each finished
/// period is written and announced once, device health is sampled every day, an indicator
/// below target three months in a row opens one ticket to the community, and neither a
/// restart nor a crash between writing and announcing repeats anything.
@Suite struct ReportScheduleTests {
    static let zone = TicketLedgerTests.zone
    static let day: Int64 = 86_400_000
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Noon in Shanghai on the given day.
    static func noon(_ year: Int, _ month: Int, _ day: Int) -> Int64 {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let date = calendar.date(from: DateComponents(year: year, month: month, day: day, hour: 12))!
        return Int64(date.timeIntervalSince1970 * 1000)
    }

    /// A gateway's report side over `store`: the ticket office and the service, on `clock`.
    struct ReportSide {
        let office: TicketOffice
        let service: ReportService

        init(_ store: any GatewayStore, folder: String, metrics: GatewayMetrics? = nil, now: @escaping @Sendable () -> Int64) {
            var diagnostics = DiagnosticList()
            let catalog = DeviceTypeCatalog.load(directory: ReportScheduleTests.root.appendingPathComponent("devices").path, diagnostics: &diagnostics)
            let desk = TicketDesk(settings: TicketSettings(calendar: .standard(timeZone: ReportScheduleTests.zone), warnings: .standard,
                                                           hierarchy: TeamHierarchy(chain: ["grid", "community"])),
                                  policies: SLAPolicy.defaults)
            var logger = Logger(label: "report-schedule")
            logger.logLevel = .critical
            office = TicketOffice(desk: desk, database: store, logger: logger, nowMs: now)
            let publisher = ReportPublisher(office: office, catalog: catalog, indicators: .standard, folder: folder,
                                            formats: [.json, .csv, .text, .xlsx], context: .init(zone: ReportScheduleTests.zone, language: "zh"), logger: logger)
            service = ReportService(publisher: publisher, settings: ReportsConfig(), nowMs: now, metrics: metrics)
        }
    }

    /// The virtual wall clock the ticket office reads for staff actions.
    final class TestClock: Sendable {
        private let value = Mutex<Int64>(0)
        var nowMs: Int64 { value.withLock { $0 } }
        func set(_ ms: Int64) { value.withLock { $0 = ms } }
    }

    /// Steps noon by noon through `[from, through]`; returns the periods published.
    static func run(_ gateway: ReportSide, clock: TestClock, from: Int64, through: Int64) -> [String] {
        var published: [String] = []
        var now = from
        while now <= through {
            clock.set(now)
            published += gateway.service.tick(nowMs: now).map(\.description)
            now += day
        }
        return published
    }

    static func files(_ folder: String) -> [String] {
        ((FileManager.default.enumerator(atPath: folder)?.allObjects as? [String]) ?? []).filter { $0.hasSuffix(".json") || $0.hasSuffix(".csv") || $0.hasSuffix(".txt") || $0.hasSuffix(".xlsx") }.sorted()
    }

    static func announcements(_ store: any GatewayStore) throws -> [StoredTicketEvent] {
        try store.ticketEvents(after: 0, limit: 10_000).filter { $0.event == "report_published" }
    }

    static func object(_ text: String) -> [String: Any] {
        ((try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]) ?? [:]
    }

    static func alarmTickets(_ store: any GatewayStore) throws -> [Ticket] {
        try store.tickets(TicketFilter(limit: 1000), withTimeline: false).filter { $0.rule.hasPrefix("kpi:") }.sorted { $0.id < $1.id }
    }

    @Test(arguments: StoreKind.allCases) func monthEndsPublishOnceAcrossARestartAndACrash(kind: StoreKind) throws {
        let test = try TestStore(kind, name: "report-schedule")
        defer { test.remove() }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("reports-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // Two smoke detectors that never report: health 0 % every day, against 85 %.
        try test.store.upsertDevices([Device(id: "smoke-1", type: "smoke", community: "maple", building: "b01", unit: "0101"),
                                      Device(id: "smoke-2", type: "smoke", community: "maple", building: "b01", unit: "0102")],
                                     source: "inventory", nowMs: Self.noon(2026, 8, 1))
        let clock = TestClock()
        let first = ReportSide(test.store, folder: folder) { clock.nowMs }

        // Sampling starts on 1 September: August, Q2 and 2025 predate it and are never published.
        let autumn = Self.run(first, clock: clock, from: Self.noon(2026, 9, 1), through: Self.noon(2026, 12, 1))
        #expect(autumn == ["2026-09", "2026-Q3", "2026-10", "2026-11"])
        #expect(try test.store.deviceHealthSamples(fromMs: 0, toMs: .max, community: "maple").count == 92, "one sample a day")
        let november = try test.store.reportPublications(period: "2026-11")
        #expect(november.map(\.community) == ["", "maple"])
        #expect(november.first?.files == ["2026-11/kpi-2026-11-all.json", "2026-11/kpi-2026-11-all.csv", "2026-11/kpi-2026-11-all.txt",
                                         "2026-11/kpi-2026-11-all.xlsx"])
        let report = try JSONDecoder().decode(IndicatorReport.self, from: Data(contentsOf: URL(fileURLWithPath: folder + "/2026-11/kpi-2026-11-maple.json")))
        #expect(report.period == "2026-11" && report.community == "maple")
        #expect(report.indicators.first { $0.id == "device_health" }?.trend.suffix(3).map(\.value) == [0, 0, 0])

        // The third month below target opens one complex ticket, with the three months as evidence.
        var alarms = try Self.alarmTickets(test.store)
        #expect(alarms.count == 1)
        let alarm = try #require(alarms.first)
        #expect(alarm.rule == "kpi:device_health" && alarm.community == "maple" && alarm.severity == "complex")
        #expect(alarm.titleZh == "智能设备完好率连续3个月未达标（maple）" && alarm.title == "Device health below target 3 months in a row (maple)")
        #expect(alarm.evidence.map(\.valuesJSON).allSatisfy { $0.contains("\"indicator\":\"device_health\"") && $0.contains("\"target\":0.85") })
        #expect(alarm.evidence.compactMap { Self.object($0.valuesJSON)["period"] as? String } == ["2026-09", "2026-10", "2026-11"])
        let announced = try Self.announcements(test.store)
        #expect(announced.count == 4)
        let body = Self.object(announced[3].body)
        #expect(body["period"] as? String == "2026-11" && (body["files"] as? [String])?.count == 4)
        #expect(((body["alarm_tickets"] as? [[String: Any]])?.first?["ticket_id"] as? String) == alarm.id)
        #expect((body["below_target"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == ["device_health"])
        #expect(((body["communities"] as? [[String: Any]])?.first?["files"] as? [String])?.first == "2026-11/kpi-2026-11-maple.json")
        let filesBefore = Self.files(folder)
        #expect(filesBefore.count == 4 * 2 * 4)

        // A restart the same afternoon: nothing is published, written or opened again.
        let store = try test.reopen()
        let second = ReportSide(store, folder: folder) { clock.nowMs }
        #expect(Self.run(second, clock: clock, from: Self.noon(2026, 12, 1) + 3_600_000, through: Self.noon(2026, 12, 2)).isEmpty)
        #expect(try Self.announcements(store).count == 4 && Self.alarmTickets(store).count == 1 && Self.files(folder) == filesBefore)

        // A crash after December's files were written and before the announcement committed:
        // the next attempt rewrites the same files and announces once. The streak goes on, but
        // the alarm ticket is still active: no second one.
        let december = try store.indicatorReport(set: .standard, period: ReportPeriod(parsing: "2026-12")!, community: nil, zone: Self.zone,
                                                 nowMs: Self.noon(2027, 1, 1), catalog: second.service.publisher.catalog)
        _ = try second.service.publisher.write(december, period: ReportPeriod(parsing: "2026-12")!, scope: "all")
        let winter = Self.run(second, clock: clock, from: Self.noon(2026, 12, 3), through: Self.noon(2027, 1, 1))
        #expect(winter == ["2026-12", "2026-Q4", "2026"])
        #expect(try Self.announcements(store).count == 7 && Self.alarmTickets(store).count == 1)
        #expect(Self.files(folder).count == (7 * 2 * 4), "December's files once each, whatever was written before the crash")

        // Cancelled while the indicator stays below target: January's end opens a new one.
        clock.set(Self.noon(2027, 1, 5))
        _ = try second.office.act(.cancel(reason: "wrong community"), on: alarm.id, by: "director")
        #expect(Self.run(second, clock: clock, from: Self.noon(2027, 1, 5), through: Self.noon(2027, 2, 1)) == ["2027-01"])
        alarms = try Self.alarmTickets(store)
        #expect(alarms.count == 2 && alarms.last?.titleZh == "智能设备完好率连续5个月未达标（maple）")
    }

    /// Two publishers of one period (a second cluster instance that looked before the first
    /// committed): the second claim finds the all-communities row and records nothing.
    @Test(arguments: StoreKind.allCases) func aSecondClaimOfAPeriodRecordsNothing(kind: StoreKind) throws {
        let test = try TestStore(kind, name: "report-claim")
        defer { test.remove() }
        func records(_ atMs: Int64) -> [ReportPublication] {
            [ReportPublication(period: "2026-11", community: "", publishedAtMs: atMs, index: 81.5, files: ["2026-11/kpi-2026-11-all.json"]),
             ReportPublication(period: "2026-11", community: "maple", publishedAtMs: atMs, index: nil, files: ["2026-11/kpi-2026-11-maple.json"])]
        }
        #expect(try test.store.updateTickets { ledger in try ledger.claimReportPublication(records(1)) })
        #expect(try !test.store.updateTickets { ledger in try ledger.claimReportPublication(records(2)) })
        let stored = try test.reopen().reportPublications(period: nil)
        #expect(stored == records(1), "the first claim's rows, index and files as written")
        #expect(try test.store.reportPublications(period: "2026-12").isEmpty)
    }

    /// The value `/metrics` shows for `gridwatch_reports_last_look_time_seconds`.
    static func lastLookSeconds(_ metrics: GatewayMetrics) -> Double? {
        metrics.render().split(separator: "\n").first { $0.hasPrefix("gridwatch_reports_last_look_time_seconds ") }
            .flatMap { Double($0.split(separator: " ").last ?? "") }
    }

    /// Each look, publishing or not, leaves its time in the gauge operators watch for a stalled
    /// report clock (and tests wait on for a look to be over).
    @Test func eachLookLeavesItsTimeInTheMetrics() throws {
        let test = try TestStore(.sqlite, name: "report-look")
        defer { test.remove() }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("reports-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try test.store.upsertDevices([Device(id: "smoke-1", type: "smoke", community: "maple", building: "b01", unit: "0101")],
                                     source: "inventory", nowMs: Self.noon(2026, 8, 1))
        let metrics = GatewayMetrics()
        let clock = TestClock()
        let side = ReportSide(test.store, folder: folder, metrics: metrics) { clock.nowMs }
        #expect(Self.lastLookSeconds(metrics) == 0, "no look yet")
        clock.set(Self.noon(2026, 9, 30))
        #expect(side.service.tick(nowMs: clock.nowMs).isEmpty, "August predates sampling")
        #expect(Self.lastLookSeconds(metrics) == Double(Self.noon(2026, 9, 30)) / 1000)
        clock.set(Self.noon(2026, 10, 1))
        #expect(side.service.tick(nowMs: clock.nowMs).map(\.description) == ["2026-09", "2026-Q3"])
        #expect(Self.lastLookSeconds(metrics) == Double(Self.noon(2026, 10, 1)) / 1000)
        #expect(try Self.announcements(test.store).count == 2)
    }
}
