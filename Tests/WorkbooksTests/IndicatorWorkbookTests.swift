import Foundation
import Indicators
import TestServers
import Testing
import Tickets
@testable import Workbooks

/// The workbook of a real assessment (tickets worked through the lifecycle in virtual time,
/// the standard indicators, three months of device health) opened by a real reader, openpyxl:
/// the sheets, the numbers against the report's, the formats, the frozen headers and the charts.
@Suite struct IndicatorWorkbookTests {
    static let zone = TimeZone(identifier: "Asia/Shanghai") ?? .gmt
    static let hour: Int64 = 3_600_000

    /// A ticket of `tier` opened on `day` of `month` at 09:00, acknowledged `respondMinutes` later
    /// and resolved `resolveHours` after opening; untouched when `respondMinutes` is nil.
    static func worked(_ id: String, tier: String, month: String, day: Int64, respondMinutes: Int64?, resolveHours: Int64 = 2) throws -> Ticket {
        let period = try #require(ReportPeriod(parsing: month))
        let openedAt = period.bounds(in: zone).fromMs + (day - 1) * 24 * hour + 9 * hour
        let settings = TicketSettings(calendar: .standard(timeZone: zone), warnings: .standard, hierarchy: TeamHierarchy(chain: ["grid", "community"]))
        var lifecycle = TicketLifecycle(
            opening: Ticket(id: id, rule: "desk", device: "", deviceType: "", community: "maple", building: "3", unit: "", severity: tier,
                            category: "repair", title: "Reported at the desk", team: "grid", policy: SLAPolicy.defaults[tier]!, openedAt: openedAt),
            by: "desk", settings: settings)
        guard let respondMinutes else { return lifecycle.ticket }
        let steps: [(Int64, TicketEvent)] = [(openedAt + respondMinutes * 60_000, .acknowledge),
                                             (openedAt + resolveHours * hour, .resolve(note: "fixed"))]
        for (atMs, event) in steps {
            _ = lifecycle.timePassed(to: atMs)
            _ = try lifecycle.eventHappened(event, at: atMs, by: "liu")
        }
        return lifecycle.ticket
    }

    static func report() throws -> IndicatorReport {
        var tickets = try (1...4).map { try worked("S\($0)", tier: "emergency", month: "2026-09", day: Int64($0), respondMinutes: 10) }
        tickets += try [10, 40, 12].enumerated().map { try worked("O\($0.offset)", tier: "emergency", month: "2026-10", day: 5, respondMinutes: Int64($0.element)) }
        tickets += try [8, 50, 15, 20, 45].enumerated().map { try worked("N\($0.offset)", tier: "emergency", month: "2026-11", day: 3, respondMinutes: Int64($0.element)) }
        tickets += try (1...3).map { try worked("G\($0)", tier: "general", month: "2026-11", day: 10, respondMinutes: 120, resolveHours: $0 == 3 ? 80 : 6) }
        tickets.append(try worked("U", tier: "general", month: "2026-11", day: 20, respondMinutes: nil))
        let health = ["2026-09": 0.9, "2026-10": 0.8, "2026-11": 0.875]
        let november = try #require(ReportPeriod(parsing: "2026-11"))
        let nowMs = november.bounds(in: zone).toMs + 2 * hour
        let figures = november.withPrevious(6).map { period in
            let (fromMs, toMs) = period.bounds(in: zone)
            return PeriodFigures(period: period, sla: SLAReport(tickets: tickets, devices: [], fromMs: fromMs, toMs: toMs, nowMs: nowMs),
                                 deviceHealth: health[period.description])
        }
        return IndicatorReport(set: .standard, figures: figures, community: "maple", zone: zone, nowMs: nowMs)
    }

    static func expectNumber(_ cell: WorkbookReader.Cell??, _ expected: Double?, _ what: String) {
        let found = cell.flatMap { $0 }?.number
        if let expected, let found {
            #expect(abs(found - expected) < 1e-9, "\(what): the workbook holds \(found), the report \(expected)")
        } else {
            #expect(found == nil && expected == nil, "\(what): the workbook holds \(String(describing: found)), the report \(String(describing: expected))")
        }
    }

    @Test func aRealReaderFindsTheReportsNumbersFormatsAndCharts() throws {
        let report = try Self.report()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("kpi-\(UUID().uuidString).xlsx").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try IndicatorWorkbook(report, timeZone: Self.zone).write(to: path)
        let book = try WorkbookReader.read(path)
        #expect(book.sheets.map(\.name) == ["汇总", "指标", "趋势", "服务时限"])

        let indicators = try #require(book["指标"])
        #expect(indicators.rows[0].map { $0?.text } == ["编号", "指标（中文）", "指标（英文）", "指标组", "方向", "权重", "值", "目标", "达标",
                                                        "得分", "可得分", "连续未达标期数"])
        #expect(indicators.bold[0].allSatisfy { $0 } && indicators.freeze == "B2")
        for (offset, row) in report.indicators.enumerated() {
            let cells = indicators.rows[offset + 1]
            #expect(cells[0]?.text == row.id && cells[1]?.text == row.title.zh && cells[2]?.text == row.title.en)
            Self.expectNumber(cells[6], row.value, "\(row.id) value")
            Self.expectNumber(cells[7], row.target, "\(row.id) target")
            #expect(cells[8]?.flag == row.met, "\(row.id) met")
            Self.expectNumber(cells[9], row.score, "\(row.id) score")
            Self.expectNumber(cells[10], row.share, "\(row.id) share")
            #expect(indicators.formats[offset + 1][6] == (row.unit == .share ? "0.0%" : "0.0"), "\(row.id) value format")
            #expect(indicators.formats[offset + 1][9] == "0.0")
        }
        let emergency = try #require(report.indicators.first { $0.id == "emergency_response" })
        #expect(emergency.value == 0.6 && emergency.met == false, "three of five emergencies answered in 30 min")
        Self.expectNumber(indicators.rows[report.indicators.count + 1][9], report.index, "index")

        let summary = try #require(book["汇总"])
        #expect(summary.row(startingWith: "期间")?[1]?.text == "2026-11")
        #expect(summary.row(startingWith: "社区")?[1]?.text == "maple")
        #expect(summary.row(startingWith: "开始")?[1]?.moment == "2026-11-01T00:00:00")
        #expect(summary.row(startingWith: "结束（不含）")?[1]?.moment == "2026-12-01T00:00:00")
        Self.expectNumber(summary.row(startingWith: "服务效能指数")?[1], report.index, "summary index")
        for group in report.groups {
            let name = IndicatorWorkbook(report, timeZone: Self.zone).groupName(group.group)
            Self.expectNumber(summary.row(startingWith: name)?[2], group.score, "\(group.group) score")
        }
        for point in report.indexTrend {
            Self.expectNumber(summary.row(startingWith: point.period)?[1], point.value, "summary index \(point.period)")
        }

        try Self.checkTrend(try #require(book["趋势"]), report: report)
        try Self.checkSLA(try #require(book["服务时限"]), report: report)
    }

    static func checkTrend(_ trend: WorkbookReader.Sheet, report: IndicatorReport) throws {
        #expect(trend.rows[0].dropFirst(2).map { $0?.text } == report.indexTrend.map(\.period))
        #expect(trend.freeze == "C2")
        for (offset, row) in report.indicators.enumerated() {
            #expect(trend.rows[offset + 1][0]?.text == row.id)
            for (column, point) in row.trend.enumerated() {
                Self.expectNumber(trend.rows[offset + 1][2 + column], point.value, "\(row.id) in \(point.period)")
            }
        }
        let indexRow = trend.rows[report.indicators.count + 1]
        #expect(indexRow[0]?.text == "index")
        for (column, point) in report.indexTrend.enumerated() {
            Self.expectNumber(indexRow[2 + column], point.value, "index in \(point.period)")
        }
        #expect(trend.charts.count == 2 && trend.charts.allSatisfy { $0.kind == "lineChart" }, "\(trend.charts)")
        let index = try #require(trend.charts.first)
        #expect(index.title == "服务效能指数")
        let row = report.indicators.count + 2
        #expect(index.series.map(\.values) == ["'趋势'!$C$\(row):$I$\(row)"], "\(index.series)")
        #expect(index.series.first?.categories == "'趋势'!$C$1:$I$1")
        let shares = report.indicators.filter { $0.unit == .share }
        #expect(trend.charts[1].series.map(\.name) == shares.map { Optional($0.title.zh) })
    }

    static func checkSLA(_ sla: WorkbookReader.Sheet, report: IndicatorReport) throws {
        #expect(report.sla.tiers.map(\.tier) == ["emergency", "general"])
        for tier in report.sla.tiers + [report.sla.overall] {
            let row = try #require(sla.row(startingWith: tier.tier == "all" ? "全部" : tier.tier), "tier \(tier.tier)")
            Self.expectNumber(row[1], Double(tier.tickets), "\(tier.tier) tickets")
            Self.expectNumber(row[9], tier.response.rate, "\(tier.tier) response rate")
            Self.expectNumber(row[13], tier.resolution.rate, "\(tier.tier) resolution rate")
            Self.expectNumber(row[14], tier.timeToAcknowledge.p50Ms.map { Double($0) / 86_400_000 }, "\(tier.tier) acknowledge p50")
        }
        let closure = try #require(sla.row(startingWith: "72 小时闭环率"))
        Self.expectNumber(closure[1], report.sla.closure.rate, "closure rate")
        #expect(sla.formats[1][9] == "0.0%" && sla.formats[1][14] == "[h]:mm")
    }

    @Test func englishLabelsAndSheetNames() throws {
        let report = try Self.report()
        let book = try WorkbookReader.read(try Self.written(IndicatorWorkbook(report, timeZone: Self.zone, language: "en")))
        #expect(book.sheets.map(\.name) == ["Summary", "Indicators", "Trend", "SLA"])
        #expect(book["Summary"]?.row(startingWith: "Community")?[1]?.text == "maple")
        #expect(book["Indicators"]?.rows[1][1]?.text == "紧急事项响应及时率", "the Chinese title stays in an English workbook")
        #expect(IndicatorWorkbook(report, timeZone: Self.zone).fileName == "kpi-2026-11-maple.xlsx")
    }

    /// `data()` written to a file, as the API would send it.
    static func written(_ workbook: IndicatorWorkbook) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("kpi-\(UUID().uuidString).xlsx").path
        try workbook.data().write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func libxlsxwritersRefusalsBecomeErrorsThatSayWhat() throws {
        let nowhere = "/nonexistent-\(UUID().uuidString)/kpi.xlsx"
        let document = try XLSXDocument(path: nowhere)
        _ = try document.addSheet("Summary")
        #expect(throws: WorkbookError.self) { _ = try document.addSheet("a/b") }
        let error = #expect(throws: WorkbookError.self) { try document.close() }
        #expect(error?.description.hasPrefix("cannot write the workbook: saving \(nowhere): ") == true, "\(String(describing: error))")
        let report = try Self.report()
        let refused = #expect(throws: WorkbookError.self) { try IndicatorWorkbook(report, timeZone: Self.zone).write(to: nowhere) }
        #expect(refused?.description.contains(nowhere) == true)
    }
}
