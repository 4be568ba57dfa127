import Formats
import Foundation
@testable import Gateway
import Indicators
import Testing
import Tickets

/// The `reports:` section and the alarm a report raises: every mistake at its line and column
/// at once, the defaults, and the alarm's ticket request built from a report's figures.
@Suite struct ReportsConfigTests {
    static func load(_ yaml: String) throws -> (GatewayConfig, [Diagnostic], String) {
        let directory = try StaffFilesTests.directory("reports-config")
        let path = directory + "/gridwatch.yaml"
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        var diagnostics = DiagnosticList()
        let config = GatewayConfig.load(path: path, environment: [:], diagnostics: &diagnostics)
        return (config, diagnostics.items, path)
    }

    @Test func theDefaultsWriteMonthsQuartersAndYearsBesideTheDatabase() throws {
        let (config, diagnostics, _) = try Self.load("storage: {database: /srv/gw/gridwatch.db}\n")
        #expect(diagnostics.filter { $0.severity == .error }.isEmpty, "\(diagnostics)")
        #expect(config.reports.enabled && config.reports.periods == [.month, .quarter, .year] && config.reports.formats == ["json", "csv", "text", "xlsx"])
        #expect(config.reportsFolder == "/srv/gw/reports")
        let setup = GatewaySetup.load(configPath: StaffFilesTests.root + "/config/gridwatch.yaml")
        #expect(setup.config.reports.folder?.hasSuffix("/data/reports") == true, "the shipped configuration names its folder")
    }

    @Test func everyMistakeIsReportedAtItsPlace() throws {
        let (config, diagnostics, path) = try Self.load("""
            reports:
              folder: reports/kpi
              periods: [month, week, month]
              formats: [json, pdf]
              language: fr
              check_interval: 0s
              colour: blue

            """)
        let messages = diagnostics.map { "\($0.line):\($0.column): \($0.message)" }
        #expect(messages.contains("7:3: unknown key 'colour' in 'reports'") || messages.contains { $0.hasPrefix("7:3:") }, "\(messages)")
        #expect(messages.contains { $0.hasPrefix("3:20: unknown period 'week'") }, "\(messages)")
        #expect(messages.contains { $0.hasPrefix("3:26: 'month' is listed twice") }, "\(messages)")
        #expect(messages.contains { $0.hasPrefix("4:19: unknown format 'pdf' (known: json, csv, text, xlsx)") }, "\(messages)")
        #expect(messages.contains { $0.hasPrefix("5:13: 'language' must be zh or en") }, "\(messages)")
        #expect(messages.contains { $0.hasPrefix("6:19: 'check_interval' must be between") }, "\(messages)")
        #expect(diagnostics.allSatisfy { $0.file == path })
        #expect(config.reports.folder == (path as NSString).deletingLastPathComponent + "/reports/kpi")
    }

    /// Device health below 85 % three months running, in a community's report.
    static func report(health: [Double?], community: String? = "maple") throws -> IndicatorReport {
        let set = IndicatorSet(indicators: [IndicatorSet.standard["device_health"]!], alarmPeriods: 3)
        let zone = TimeZone(identifier: "Asia/Shanghai")!
        let november = try #require(ReportPeriod(parsing: "2026-11"))
        let periods = november.withPrevious(6)
        let figures = zip(periods, Array<Double?>(repeating: nil, count: 7 - health.count) + health).map { period, value in
            let (from, to) = period.bounds(in: zone)
            return PeriodFigures(period: period, sla: SLAReport(tickets: [], devices: [], fromMs: from, toMs: to, nowMs: to), deviceHealth: value)
        }
        return IndicatorReport(set: set, figures: figures, community: community, zone: zone, nowMs: november.bounds(in: zone).toMs)
    }

    @Test func aStreakAsLongAsTheAlarmsPeriodsRaisesOneAlarmWithItsFigures() throws {
        let zone = TimeZone(identifier: "Asia/Shanghai")!
        #expect(IndicatorAlarm.alarms(in: try Self.report(health: [0.9, 0.8, 0.8]), kind: .month, alarmPeriods: 3).isEmpty, "two months only")
        #expect(IndicatorAlarm.alarms(in: try Self.report(health: [0.8, nil, 0.8, 0.8]), kind: .month, alarmPeriods: 3).isEmpty,
                "a month without data breaks the streak")
        #expect(IndicatorAlarm.alarms(in: try Self.report(health: [0.8, 0.8, 0.8], community: nil), kind: .month, alarmPeriods: 3).isEmpty,
                "the all-communities report has no community to send a ticket to")
        let alarms = IndicatorAlarm.alarms(in: try Self.report(health: [0.9, 0.8, 0.7, 0.845]), kind: .month, alarmPeriods: 3)
        let alarm = try #require(alarms.first)
        #expect(alarms.count == 1 && alarm.rule == "kpi:device_health" && alarm.streak.map(\.period) == ["2026-09", "2026-10", "2026-11"])
        #expect(alarm.titles.zh == "智能设备完好率连续3个月未达标（maple）")
        #expect(alarm.text.contains("目标 ≥ 85.0 %；2026-09 80.0 %，2026-10 70.0 %，2026-11 84.5 %"), "\(alarm.text)")
        let request = alarm.request(catalogue: DemandCatalogue(), zone: zone)
        #expect(request.severity == "complex" && request.category == "indicators" && request.item == nil && request.community == "maple")
        #expect(request.evidence.map(\.atMs) == ["2026-09", "2026-10", "2026-11"].map { ReportPeriod(parsing: $0)!.bounds(in: zone).fromMs })
        #expect(request.evidence.last?.valuesJSON.contains("\"value\":0.845") == true, "\(request.evidence)")
        let quarterly = IndicatorAlarm.alarms(in: try Self.report(health: [0.8, 0.8, 0.8]), kind: .quarter, alarmPeriods: 3)
        #expect(quarterly.first?.titles.en == "Device health below target 3 quarters in a row (maple)")
    }

    @Test func fileNamesKeepCommunitiesButNoPathSeparators() {
        #expect(ReportPublisher.fileSafe("maple") == "maple" && ReportPublisher.fileSafe("东苑") == "东苑")
        #expect(ReportPublisher.fileSafe("../etc/x y") == "_.._etc_x_y")
    }
}
