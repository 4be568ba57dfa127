import Foundation
import Testing
import Tickets

/// The SLA report as text, CSV and JSON, over the same period as `SLAReportTests`.
@Suite struct SLAReportRenderingTests {
    typealias F = TicketFixture
    typealias S = SLAReportTests

    @Test func jsonUsesSnakeCaseAndRoundTrips() throws {
        let report = try S.report()
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let data = try encoder.encode(report)
        #expect(try JSONDecoder().decode(SLAReport.self, from: data) == report)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(Set(object.keys) == ["from_ms", "to_ms", "now_ms", "tickets", "tiers", "overall", "closed_within_72h",
                                     "remediation", "warning_funnel", "device_health", "demand", "demand_by_grid", "false_alarms",
                                     "residents", "residents_by_demand"])
        let json = try #require(String(data: data, encoding: .utf8))
        for key in ["\"time_to_acknowledge\":{", "\"p50_ms\":1500000", "\"open_overdue\":1", "\"not_yet_due\":1",
                    "\"level_3\":3", "\"transferred_tickets\":2", "\"by_type\":[", "\"resolved_awaiting_close\":3"] {
            #expect(json.contains(key), "\(key) missing")
        }
    }

    @Test func csvIsOneLongTable() throws {
        let csv = try S.report().csv()
        let lines = csv.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.first == "section,tier_or_key,metric,value" && lines.last == "")
        for line in lines.dropFirst().dropLast() { #expect(line.split(separator: ",", omittingEmptySubsequences: false).count == 4, "\(line)") }
        for row in ["period,all,tickets,10", "response,emergency,rate,0.5", "response,general,not_yet_due,1",
                    "resolution,all,open_overdue,2", "time_to_acknowledge,emergency,p90_ms,2400000",
                    "time_to_resolve,general,max_ms,288000000", "closed_within_72h,all,within_window,3",
                    "remediation,all,met,false", "warning_funnel,all,level_1,5", "false_alarms,all,rate,0.1",
                    "device_health,all,healthy,4", "device_health,door,met,true", "device_health,water,rate,0.0",
                    "demand,maple/1/fire,tickets,2", "demand,birch/3/elevator,tickets,1"] {
            #expect(lines.contains(row), "\(row) missing")
        }
        // No samples: an empty value, not a zero.
        let empty = SLAReport(tickets: [], devices: [], fromMs: S.from, toMs: S.to, nowMs: S.now).csv()
        #expect(empty.contains("time_to_resolve,all,p50_ms,\n") && empty.contains("device_health,all,met,\n"))
    }

    @Test func csvQuotesFieldsAsRFC4180Says() throws {
        var ticket = F.ticket()
        ticket.building = "1,2"
        ticket.category = "say \"hi\""
        let csv = SLAReport(tickets: [ticket], devices: [], fromMs: S.from, toMs: S.to, nowMs: S.now).csv()
        #expect(csv.contains("demand,\"maple/1,2/say \"\"hi\"\"\",tickets,1\n"))
    }

    @Test func textNamesThePeriodTheTiersAndTheTargets() throws {
        let text = try S.report().text(timeZone: F.zone)
        for line in ["SLA report 2026-03-02 10:00 to 2026-03-06 09:00 (Asia/Shanghai)",
                     "As of 2026-03-06 10:00; 10 tickets opened in the period.",
                     "Closed within 72 h: 42.9 % (3 of 7, 1 not yet due); 1 closed, 3 resolved awaiting close",
                     "Remediation rate: 25.0 % (1 of 4 resolved tickets reopened) - target ≤5 %: not met",
                     "Warnings: level 1: 5 → level 2: 4 → level 3: 3 → transferred: 2 (2 transfers)",
                     "False alarms: 10.0 % (1 of 10 tickets cancelled)",
                     "Device health: 66.7 % (4 of 6 devices reporting on time) - target ≥85 %: not met"] {
            #expect(text.contains(line + "\n"), "\(line) missing in\n\(text)")
        }
        let rows = text.split(separator: "\n").map(String.init)
        let emergency = try #require(rows.first { $0.hasPrefix("emergency ") })
        #expect(emergency.contains("50.0 % (2/4)") && emergency.contains("75.0 % (3/4)"))
        #expect(emergency.contains("25 min / 40 min / 40 min") && emergency.hasSuffix("5.0 h / 20.0 h / 20.0 h"))
        let general = try #require(rows.first { $0.hasPrefix("general ") })
        #expect(general.contains("66.7 % (2/3, 1 waiting)") && general.contains("0.0 % (0/2, 2 waiting)"))
        let all = try #require(rows.first { $0.hasPrefix("all ") })
        #expect(all.contains("57.1 % (4/7, 1 waiting)") && all.contains("40 min / 2.0 h / 2.0 h"))
        #expect(rows.contains { $0.hasPrefix("  door") && $0.hasSuffix("100.0 %  2/2  met") })
        #expect(rows.contains { $0.hasPrefix("  maple") && $0.contains("fire") && $0.hasSuffix("2") })
    }
}
