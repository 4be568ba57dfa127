import Foundation
import Storage
import Testing
import Tickets

/// Tickets inside `gridwatch run`: an SOS from live MQTT traffic opens one ticket with its
/// evidence and the rule's 15-minute deadline; a responder acknowledges it with the command
/// line while the gateway keeps running, and neither side overwrites the other; a request
/// taken by phone joins the same list; tickets outlive a restart.
@Suite(.serialized) struct TicketsIntegrationTests {
    static func tickets(_ gateway: TestGateway, rule: String) -> [Ticket] {
        ((try? gateway.database().tickets(TicketFilter())) ?? []).filter { $0.rule == rule }
    }

    @Test func anSOSBecomesATicketThatStaffWorkFromTheCommandLine() throws {
        let (broker, gateway, _) = try RulesIntegrationTests.gatewayWithOwnRules("tickets-live")
        defer { broker.stop() }
        try gateway.start()
        defer { gateway.terminate() }
        let simulator = try startSimulator(broker: broker, count: 3000, rate: 3000, clientID: "sim-tickets", directory: gateway.directory,
                                           extra: ["--inject", "sos:wb-b01-0101@1m"])
        #expect(simulator.waitForExit(timeout: 60) == 0, "\(simulator.log)")
        #expect(eventually(timeout: 10) { !Self.tickets(gateway, rule: "fall_or_sos").isEmpty })
        let sos = try #require(Self.tickets(gateway, rule: "fall_or_sos").first)
        #expect(Self.tickets(gateway, rule: "fall_or_sos").count == 1)
        #expect(sos.device == "wb-b01-0101" && sos.severity == "emergency" && sos.state == .open && sos.team == "grid")
        #expect(sos.respondBy - sos.openedAt == 15 * 60_000, "the rule's own 15-minute response time")
        #expect(!sos.evidence.isEmpty && sos.latitude != nil, "the reading that fired it, with the wearer's position")

        let config = gateway.configPath
        let ack = try CommandLineTests.gridwatch(["tickets", "ack", sos.id, "--config", config, "--by", "wang"], in: gateway.directory)
        #expect(ack.status == 0, "\(ack.output)")
        #expect(ack.output.contains("\(sos.id): acknowledged; now acknowledged"), "\(ack.output)")
        let again = try CommandLineTests.gridwatch(["tickets", "ack", sos.id, "--config", config, "--by", "li"], in: gateway.directory)
        #expect(again.status != 0 && again.output.contains("already acknowledged"), "\(again.output)")

        let shown = try CommandLineTests.gridwatch(["tickets", "show", sos.id, "--config", config, "--format", "json"], in: gateway.directory)
        #expect(shown.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(shown.output.utf8)) as? [String: Any], "\(shown.output)")
        #expect(object["state"] as? String == "acknowledged")
        for key in ["id", "rule", "device", "device_type", "community", "severity", "opened_at", "acknowledged_at", "respond_by", "resolve_by",
                    "escalation_level", "response_breached", "resolution_breached", "occurrences", "last_occurrence_at", "team", "title",
                    "location", "evidence", "timeline"] {
            #expect(object[key] != nil, "ticket JSON lacks \(key)")
        }
        let timeline = try #require(object["timeline"] as? [[String: Any]])
        #expect(timeline.contains { $0["action"] as? String == "acknowledged" && $0["actor"] as? String == "wang" })
        let location = try #require(object["location"] as? [String: Any])
        #expect(location["latitude"] != nil && location["building"] as? String == "b01")

        let created = try CommandLineTests.gridwatch(["tickets", "create", "--config", config, "--by", "front_desk", "--category", "repair",
                                                      "--device", "door-b02-0101", "--text", "Lock jams when it rains"], in: gateway.directory)
        #expect(created.status == 0, "\(created.output)")
        let listed = try CommandLineTests.gridwatch(["tickets", "list", "--config", config, "--format", "json"], in: gateway.directory)
        let list = try #require(try JSONSerialization.jsonObject(with: Data(listed.output.utf8)) as? [[String: Any]], "\(listed.output)")
        #expect(list.contains { $0["request"] as? String == "Lock jams when it rains" && $0["building"] as? String == "b02" })

        // The gateway kept running (its ticket clock ticking) through the acknowledgement, the
        // request and the listing; after a restart the acknowledgement still stands.
        #expect(gateway.terminate() == 0)
        try gateway.start()
        #expect(Self.tickets(gateway, rule: "fall_or_sos").map(\.state) == [.acknowledged])
        let resolved = try CommandLineTests.gridwatch(["tickets", "resolve", sos.id, "--config", config, "--by", "wang", "--note", "resident helped up"],
                                                      in: gateway.directory)
        #expect(resolved.status == 0 && resolved.output.contains("now resolved"), "\(resolved.output)")
    }

    @Test func warningsThatFellDueWhileTheGatewayWasDownFireOnceAtStart() throws {
        let (broker, gateway, _) = try RulesIntegrationTests.gatewayWithOwnRules("tickets-resume")
        defer { broker.stop() }
        let config = gateway.configPath
        let imported = try CommandLineTests.gridwatch(["devices", "import", TestPaths.repository + "/devices/demo-community.csv", "--config", config],
                                                      in: gateway.directory)
        #expect(imported.status == 0, "\(imported.output)")
        // An emergency logged 40 minutes ago, while no gateway ran: its 30-minute window is over.
        let formatter = ISO8601DateFormatter()
        let openedAt = formatter.string(from: Date().addingTimeInterval(-40 * 60))
        let created = try CommandLineTests.gridwatch(["tickets", "create", "--config", config, "--by", "night_desk", "--category", "elderly_care",
                                                      "--severity", "emergency", "--device", "wb-b02-0101", "--text", "No answer at the door",
                                                      "--at", openedAt], in: gateway.directory)
        #expect(created.status == 0, "\(created.output)")
        try gateway.start()
        defer { gateway.terminate() }
        func warned() -> [TimelineEntry] { ((try? gateway.database().ticket(id: "T-000001"))?.timeline ?? []).filter { $0.action == "warned" } }
        #expect(eventually(timeout: 10) { warned().count == 3 })
        let ticket = try #require(try gateway.database().ticket(id: "T-000001"))
        #expect(ticket.team == "community" && ticket.escalationLevel == 3 && ticket.responseBreached, "\(ticket.timeline)")
        #expect(gateway.metrics().contains("gridwatch_tickets_open{tier=\"emergency\",level=\"3\"} 1") ||
                gateway.metrics().contains("gridwatch_tickets_open{level=\"3\",tier=\"emergency\"} 1"), "\(gateway.metrics())")
        // A second start finds nothing left to fire: each level once per cycle. The catch-up
        // runs before the gateway reports ready, which `start` waits for.
        #expect(gateway.terminate() == 0)
        try gateway.start()
        #expect(warned().count == 3)
        #expect(((try? gateway.database().ticket(id: "T-000001"))?.timeline ?? []).filter { $0.action == "transferred" }.count == 1)
    }
}

/// The staff commands and the SLA report on a database without a running gateway, in
/// virtual time (`--at`, `--now`): a phone request answered late and transferred, one
/// answered in time, a false alarm, and the figures the supervisor reads.
@Suite struct TicketCommandsTests {
    @Test func requestsActionsAndTheSLAReport() throws {
        let directory = try TestPaths.temporaryDirectory("tickets-cli")
        let config = try CommandLineTests.writeConfig(in: directory)
        func run(_ arguments: [String]) throws -> String {
            let result = try CommandLineTests.gridwatch(arguments + ["--config", config], in: directory)
            #expect(result.status == 0, "\(arguments): \(result.output)")
            return result.output
        }
        _ = try run(["devices", "import", TestPaths.repository + "/devices/demo-community.csv"])
        // Monday 16 November 2026 in Shanghai.
        _ = try run(["tickets", "create", "--by", "desk", "--category", "elderly_care", "--severity", "emergency", "--device", "wb-b01-0101",
                     "--text", "Neighbour hears calls for help", "--at", "2026-11-16T08:00:00+08:00"])
        _ = try run(["tickets", "create", "--by", "desk", "--category", "repair", "--community", "demo", "--building", "b02",
                     "--text", "Stair light broken", "--at", "2026-11-16T08:10:00+08:00"])
        _ = try run(["tickets", "create", "--by", "desk", "--category", "security", "--severity", "emergency", "--community", "demo",
                     "--building", "b03", "--text", "Stranger at the gate", "--at", "2026-11-16T08:20:00+08:00"])
        _ = try run(["tickets", "cancel", "T-000003", "--by", "zhao", "--reason", "a delivery man", "--at", "2026-11-16T08:25:00+08:00"])
        // The first is acknowledged 40 min in: warned three times and transferred before that.
        let late = try run(["tickets", "ack", "T-000001", "--by", "wang", "--at", "2026-11-16T08:40:00+08:00"])
        #expect(late.contains("T-000001: warning level 3") && late.contains("T-000001: transferred to community"), "\(late)")
        _ = try run(["tickets", "start", "T-000001", "--by", "wang", "--at", "2026-11-16T08:45:00+08:00"])
        _ = try run(["tickets", "resolve", "T-000001", "--by", "wang", "--note", "resident helped up", "--at", "2026-11-16T09:30:00+08:00"])
        _ = try run(["tickets", "close", "T-000001", "--by", "chen", "--at", "2026-11-16T10:00:00+08:00"])
        _ = try run(["tickets", "ack", "T-000002", "--by", "li", "--at", "2026-11-16T09:00:00+08:00"])
        _ = try run(["tickets", "pend", "T-000002", "--by", "li", "--reason", "bulb on order", "--at", "2026-11-16T09:30:00+08:00"])
        _ = try run(["tickets", "comment", "T-000003", "--by", "zhao", "--text", "guard informed", "--at", "2026-11-16T08:26:00+08:00"])

        let refused = try CommandLineTests.gridwatch(["tickets", "close", "T-000002", "--by", "li", "--at", "2026-11-16T10:30:00+08:00", "--config", config], in: directory)
        #expect(refused.status != 0 && refused.output.contains("cannot close a ticket that is pending"), "\(refused.output)")
        let backdated = try CommandLineTests.gridwatch(["tickets", "comment", "T-000001", "--by", "li", "--text", "x", "--at", "2026-11-16T09:00:00+08:00",
                                                        "--config", config], in: directory)
        #expect(backdated.status != 0 && backdated.output.contains("cannot be recorded before it"), "\(backdated.output)")
        let noReason = try CommandLineTests.gridwatch(["tickets", "pend", "T-000001", "--by", "li", "--reason", " ", "--at", "2026-11-16T10:30:00+08:00", "--config", config], in: directory)
        #expect(noReason.status != 0 && noReason.output.contains("needs a reason"), "\(noReason.output)")

        let json = try run(["report", "sla", "--from", "2026-11-16", "--to", "2026-11-17", "--now", "2026-11-16T12:00:00+08:00", "--format", "json"])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any], "\(json)")
        #expect(report["tickets"] as? Int == 3)
        let tiers = try #require(report["tiers"] as? [[String: Any]])
        let emergency = try #require(tiers.first { $0["tier"] as? String == "emergency" })
        let response = try #require(emergency["response"] as? [String: Any])
        #expect(response["measured"] as? Int == 1 && response["on_time"] as? Int == 0, "the cancelled one is out; the other was late: \(response)")
        let funnel = try #require(report["warning_funnel"] as? [String: Any])
        #expect(funnel["level_3"] as? Int == 1 && funnel["transferred_tickets"] as? Int == 1, "\(funnel)")
        let falseAlarms = try #require(report["false_alarms"] as? [String: Any])
        #expect(falseAlarms["cancelled"] as? Int == 1)
        let demand = try #require(report["demand"] as? [[String: Any]])
        #expect(demand.count == 3)
        let csv = try run(["report", "sla", "--from", "2026-11-16", "--to", "2026-11-17", "--format", "csv"])
        #expect(csv.hasPrefix("section,tier_or_key,metric,value\n") && csv.contains("response,emergency,rate,0"), "\(csv)")
        let text = try run(["report", "sla", "--from", "2026-11-16", "--to", "2026-11-17", "--now", "2026-11-16T12:00:00+08:00"])
        #expect(text.contains("Device health") && text.contains("False alarms: 33.3 %"), "\(text)")

        let shown = try run(["tickets", "show", "T-000001"])
        for line in ["warned: level 1", "transferred: from grid to community", "wang       acknowledged", "chen       closed"] {
            #expect(shown.contains(line), "\(line) missing in \(shown)")
        }
    }

    @Test func theTicketsSectionIsCheckedWithPositions() throws {
        let directory = try TestPaths.temporaryDirectory("tickets-check")
        let config = try CommandLineTests.writeConfig(in: directory, extra: """
            tickets:
              hierarchy: [grid, grid]
              routes:
                - {category: water}
              warnings: {levels: [50%, 80%]}
              ack_timeout: {emergncy: 30m, general: soon}
              reopen_window: never

            """)
        let result = try CommandLineTests.gridwatch(["check", "--config", config], in: directory)
        #expect(result.status == 1)
        for expected in ["gridwatch.yaml:7:14: error: 'hierarchy' must list each team once", "gridwatch.yaml:9:7: error: a route is missing required key 'team'",
                         "gridwatch.yaml:10:22: error: 'levels' must be three", "gridwatch.yaml:11:41: error: the acknowledgement timeout of 'general'",
                         "gridwatch.yaml:12:18: error: 'reopen_window' must be a duration", "warning: ack_timeout names tier 'emergncy'"] {
            #expect(result.output.contains(expected), "\(expected) not in \(result.output)")
        }
    }
}
