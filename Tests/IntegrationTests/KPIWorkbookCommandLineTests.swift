import Foundation
import TestServers
import Testing

/// `gridwatch report kpi --format xlsx` end to end: tickets worked from the command line in
/// virtual time, the workbook written by the binary and opened by openpyxl, holding the same
/// figures as `--format json`; and the refusal to write a workbook to standard output.
@Suite struct KPIWorkbookCommandLineTests {
    @Test func theWorkbookHoldsWhatTheJSONReportSays() throws {
        let directory = try TestPaths.temporaryDirectory("kpi-xlsx")
        let config = try CommandLineTests.writeConfig(in: directory)
        func run(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
            try CommandLineTests.succeed(arguments, config: config, in: directory, sourceLocation: sourceLocation)
        }
        _ = try run(["devices", "import", TestPaths.repository + "/devices/demo-community.csv"])
        // Two emergencies in November 2026, one answered in 10 min, one after 45: 50 % on time.
        for (number, minutes) in [(1, 10), (2, 45)] {
            _ = try run(["tickets", "create", "--by", "desk", "--category", "security", "--severity", "emergency", "--community", "demo",
                         "--building", "b0\(number)", "--text", "Gate alarm", "--at", "2026-11-1\(number)T08:00:00+08:00"])
            _ = try run(["tickets", "ack", "T-00000\(number)", "--by", "wang", "--at", "2026-11-1\(number)T08:\(minutes):00+08:00"])
            // Started soon after: an acknowledgement not followed by work times out and reopens.
            _ = try run(["tickets", "start", "T-00000\(number)", "--by", "wang", "--at", "2026-11-1\(number)T08:\(minutes + 5):00+08:00"])
            _ = try run(["tickets", "resolve", "T-00000\(number)", "--by", "wang", "--note", "checked", "--at", "2026-11-1\(number)T10:00:00+08:00"])
        }
        let period = ["report", "kpi", "--period", "2026-11", "--now", "2026-12-01T10:00:00+08:00"]

        let refused = try CommandLineTests.gridwatch(period + ["--format", "xlsx", "--config", config], in: directory)
        #expect(refused.status != 0 && refused.output.contains("--format xlsx writes a binary workbook and needs --output FILE"), "\(refused.output)")

        _ = try run(period + ["--format", "json", "--output", directory + "/kpi.json"])
        _ = try run(period + ["--format", "xlsx", "--language", "en", "--output", directory + "/kpi.xlsx"])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory + "/kpi.json"))) as? [String: Any])
        let book = try WorkbookReader.read(directory + "/kpi.xlsx")
        #expect(book.sheets.map(\.name) == ["Summary", "Indicators", "Trend", "SLA"])

        let indicators = try #require(json["indicators"] as? [[String: Any]])
        let sheet = try #require(book["Indicators"])
        #expect(sheet.rows.count > indicators.count)
        for (offset, indicator) in indicators.enumerated() {
            let cells = sheet.rows[offset + 1]
            let id = try #require(indicator["id"] as? String)
            #expect(cells[0]?.text == id)
            #expect(Self.same(cells[6]?.number, indicator["value"]), "\(id) value: \(String(describing: cells[6]))")
            #expect(Self.same(cells[7]?.number, indicator["target"]), "\(id) target: \(String(describing: cells[7]))")
            #expect(cells[8]?.flag == indicator["met"] as? Bool, "\(id) met")
        }
        let emergency = try #require(indicators.first { $0["id"] as? String == "emergency_response" })
        #expect(Self.same(0.5, emergency["value"]), "\(emergency)")
        #expect(json["index"] is NSNumber)
        #expect(Self.same(book["Summary"]?.row(startingWith: "Service effectiveness index")?[1]?.number, json["index"]))
        let trend = try #require(json["index_trend"] as? [[String: Any]])
        let indexRow = try #require(book["Trend"]?.row(startingWith: "index"))
        #expect(indexRow.count == 2 + trend.count)
        for (cell, point) in zip(indexRow.dropFirst(2), trend) {
            #expect(Self.same(cell?.number, point["value"]), "index in \(point["period"] ?? "?"): \(String(describing: cell))")
        }
        #expect(book["Trend"]?.charts.count == 2)
        // Over every community, the summary ranks them.
        let communities = try #require(json["communities"] as? [[String: Any]])
        #expect(communities.count == 1 && communities.first?["community"] as? String == "demo", "\(communities)")
        let demo = try #require(book["Summary"]?.row(startingWith: "demo"))
        #expect(Self.same(demo[1]?.number, communities.first?["index"]), "\(demo)")
        #expect(demo[3]?.text == "Emergency response on time, Follow-up done", "\(demo)")
    }

    /// A cell's number against a JSON value: both absent, or equal to the last digits the
    /// workbook keeps (libxlsxwriter writes 16 significant digits).
    static func same(_ cell: Double?, _ json: Any?) -> Bool {
        let expected = (json as? NSNumber)?.doubleValue
        guard let cell, let expected else { return cell == nil && expected == nil }
        return abs(cell - expected) < 1e-9
    }
}
