import Foundation
import Testing

/// `gridwatch report kpi` on a real database: emergencies answered late three months running,
/// read back as values, targets, trends and the run below target, in JSON, CSV and text.
@Suite struct IndicatorCommandLineTests {
    static func run(_ arguments: [String], in directory: String) throws -> (status: Int32, output: String) {
        try CommandLineTests.gridwatch(arguments, in: directory)
    }

    /// Opens a fall alarm at 10:00 on `day` and starts work on it `minutes` later (an acknowledgement
    /// alone would lapse after `ack_timeout` and count as late); returns its id.
    static func emergency(on day: String, answeredAfter minutes: Int, base: [String], in directory: String) throws -> String {
        let created = try run(["tickets", "create", "--item", "fall_or_sos", "--community", "demo", "--building", "b02",
                               "--text", "跌倒报警", "--by", "desk-li", "--at", "\(day)T10:00:00+08:00", "--format", "json"] + base, in: directory)
        #expect(created.status == 0, "\(created.output)")
        let ticket = try JSONSerialization.jsonObject(with: Data(created.output.utf8)) as? [String: Any]
        let id = try #require(ticket?["id"] as? String, "\(created.output)")
        let at = "\(day)T10:" + String(format: "%02d", minutes) + ":00+08:00"
        let acknowledged = try run(["tickets", "start", id, "--by", "wang", "--at", at] + base, in: directory)
        #expect(acknowledged.status == 0, "\(acknowledged.output)")
        return id
    }

    @Test func threeLateMonthsReadAsThreePeriodsBelowTarget() throws {
        let directory = try TestPaths.temporaryDirectory("kpi-cli")
        let config = try CommandLineTests.writeConfig(in: directory, extra: "tickets: {catalogue: \(TestPaths.repository)/config/catalogue.yaml}\n"
            + "sla: {calendar: \(TestPaths.repository)/config/calendars/cn-2026.yaml}\n")
        let base = ["--config", config]
        #expect(try Self.run(["devices", "import", TestPaths.repository + "/devices/demo-community.csv"] + base, in: directory).status == 0)
        _ = try Self.emergency(on: "2025-12-10", answeredAfter: 5, base: base, in: directory)
        for day in ["2026-01-12", "2026-02-10", "2026-03-10"] {
            _ = try Self.emergency(on: day, answeredAfter: 45, base: base, in: directory)
        }
        _ = try Self.emergency(on: "2026-03-11", answeredAfter: 10, base: base, in: directory)
        let arguments = ["report", "kpi", "--period", "2026-03", "--now", "2026-04-01T09:00:00+08:00"] + base

        let json = try Self.run(arguments + ["--format", "json"], in: directory)
        #expect(json.status == 0, "\(json.output)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any])
        #expect(report["period"] as? String == "2026-03")
        let rows = report["indicators"] as? [[String: Any]] ?? []
        let emergency = try #require(rows.first { $0["id"] as? String == "emergency_response" })
        #expect(emergency["value"] as? Double == 0.5 && emergency["target"] as? Double == 0.95 && emergency["met"] as? Bool == false)
        let trend = (emergency["trend"] as? [[String: Any]] ?? []).map { $0["value"] as? Double }
        #expect(trend == [nil, nil, nil, 1, 0, 0, 0.5], "\(trend)")
        #expect(emergency["periods_below_target"] as? Int == 3)
        // Nothing else had data but the closure within 72 h (all still open: not yet due for March's second, breached for the rest)
        // and the devices' health, so the index is built from what was measured.
        #expect(report["index"] is Double, "\(json.output.prefix(500))")

        let csv = try Self.run(arguments + ["--format", "csv"], in: directory)
        #expect(csv.output.hasPrefix("period,indicator,title_zh,title_en,group,unit,direction,target,weight,value,met,score,share\n"))
        #expect(csv.output.contains("2026-02,emergency_response,紧急事项响应及时率,Emergency response on time,core,share,min,0.95,3.0,0.0,false,,"))

        let text = try Self.run(arguments, in: directory)
        #expect(text.output.contains("考核指标 2026-03，全部社区") && text.output.contains("连续未达标 3 期：紧急事项响应及时率（已达预警期数）"), "\(text.output)")
        let english = try Self.run(arguments + ["--language", "en", "--community", "demo"], in: directory)
        #expect(english.output.contains("Indicators 2026-03, demo") && english.output.contains("Emergency response on time"), "\(english.output)")
        let unknown = try Self.run(arguments + ["--community", "nowhere"], in: directory)
        #expect(unknown.status != 0 && unknown.output.contains("no community 'nowhere' (known: demo)"), "\(unknown.output)")

        let output = directory + "/kpi.json"
        #expect(try Self.run(arguments + ["--format", "json", "--output", output], in: directory).status == 0)
        #expect((try? String(contentsOfFile: output, encoding: .utf8))?.hasPrefix("{") == true)

        let refused = try Self.run(["report", "kpi", "--period", "2026-13"] + base, in: directory)
        #expect(refused.status != 0 && refused.output.contains("--period must be a month (2026-11), a quarter (2026-Q4) or a year (2026)"),
                "\(refused.output)")
    }

    @Test func aMistakeInTheIndicatorsIsReportedByCheck() throws {
        let directory = try TestPaths.temporaryDirectory("kpi-check")
        let config = try CommandLineTests.writeConfig(in: directory, extra: """
            kpis:
              - {id: fast, measure: response_on_time.urgent, target: 0.9, direction: min, group: core, title: {zh: 快, en: Fast}}
            kpi_alarm: {periods: 0}

            """)
        let checked = try Self.run(["check", "--config", config], in: directory)
        #expect(checked.status != 0)
        #expect(checked.output.contains("gridwatch.yaml:7:25: error: unknown tier 'urgent'"), "\(checked.output)")
        #expect(checked.output.contains("gridwatch.yaml:8:22: error: 'periods' must be between 1 and 6"), "\(checked.output)")
    }
}
