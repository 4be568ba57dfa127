import Devices
import Formats
import Foundation
import Testing

/// The command line as users drive it: `check` reports every error with its position,
/// `devices import` is all-or-nothing, listings carry the contract's fields.
@Suite struct CommandLineTests {
    /// Runs `gridwatch ARGS` to completion; stdout and stderr together.
    static func gridwatch(_ arguments: [String], in directory: String) throws -> (status: Int32, output: String) {
        let process = try ChildProcess(name: "cli", executable: TestPaths.gridwatch, arguments: arguments, logDirectory: directory)
        let status = process.waitForExit(timeout: 60) ?? -1
        return (status, process.log)
    }

    /// Runs `gridwatch ARGS --config CONFIG`, which must succeed: its output.
    static func succeed(_ arguments: [String], config: String, in directory: String,
                        sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let result = try gridwatch(arguments + ["--config", config], in: directory)
        #expect(result.status == 0, "\(arguments): \(result.output)", sourceLocation: sourceLocation)
        return result.output
    }

    /// A configuration in `directory` pointing at the repository's device types, with `extra` YAML appended.
    static func writeConfig(in directory: String, inventory: String? = nil, storage: String = "", extra: String = "") throws -> String {
        let path = directory + "/gridwatch.yaml"
        try TestPaths.shipCatalogue(to: directory)
        try """
        devices:
          types: \(TestPaths.repository)/devices
          inventory: \(inventory ?? TestPaths.repository + "/devices/demo-community.csv")
        storage:
          database: \(directory)/gridwatch.db
        \(storage)\(extra)
        """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func shippedConfigurationChecksClean() throws {
        let directory = try TestPaths.temporaryDirectory("check-ok")
        let result = try Self.gridwatch(["check", "--config", TestPaths.repository + "/config/gridwatch.yaml"], in: directory)
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("ok: 5 device types, 300 devices, 15 rules"), "\(result.output)")
    }

    @Test func shippedRuleTestsPass() throws {
        let directory = try TestPaths.temporaryDirectory("rules-test")
        let result = try Self.gridwatch(["rules", "test", "--config", TestPaths.repository + "/config/gridwatch.yaml",
                                         TestPaths.repository + "/config/rules/tests"], in: directory)
        let summary = result.output.split(separator: "\n").last.map(String.init) ?? ""
        print("gridwatch rules test config/rules/tests: \(summary)")
        #expect(result.status == 0, "\(result.output.suffix(3000))")
        #expect(summary.hasSuffix(" passed, 0 failed"), "\(summary)")
        #expect((Int(summary.split(separator: " ").first ?? "") ?? 0) >= 70)
    }

    @Test func replayTurnsAnSOSIntoATicketThatWarnsThreeTimesAndIsTransferred() throws {
        let directory = try TestPaths.temporaryDirectory("replay-tickets")
        let capture = directory + "/sos.jsonl"
        let made = try Self.gridwatch(["simulate", "--config", TestPaths.repository + "/config/gridwatch.yaml", "--start", "2026-11-23T08:00:00+08:00",
                                       "--duration", "30m", "--inject", "sos:wb-b01-0101@5m", "--output", capture], in: directory)
        #expect(made.status == 0, "\(made.output)")
        // Through a shell so that only standard output (the JSON lines) reaches the log.
        let command = "'\(TestPaths.gridwatch)' replay --config '\(TestPaths.repository)/config/gridwatch.yaml' --input '\(capture)' "
            + "--until 2026-11-23T09:00:00+08:00 --format json 2>/dev/null"
        let replay = try ChildProcess(name: "replay", executable: "/bin/sh", arguments: ["-c", command], logDirectory: directory)
        #expect(replay.waitForExit(timeout: 120) == 0)
        var ticketEvents: [[String: JSONValue]] = []
        for line in replay.log.split(separator: "\n") where line.hasPrefix("{") {
            guard case let .object(object) = try JSONParser.parse(Array(line.utf8)) else { continue }
            for key in ["at", "event", "rule", "device"] { #expect(object[key] != nil, "replay line without \(key): \(line)") }
            if object["rule"] == .string("fall_or_sos"), case let .string(event)? = object["event"], event.hasPrefix("ticket_") { ticketEvents.append(object) }
        }
        let names = ticketEvents.compactMap { event -> String? in
            guard case let .string(name)? = event["event"] else { return nil }
            if case let .int(level)? = event["level"] { return "\(name)#\(level)" }
            return name
        }
        // With the shipped roster, dispatch decides as the ticket opens and again at the level-3
        // transfer; the person sent may be seen arriving (the capture carries staff positions).
        let dispatchEvents = names.filter { $0 == "ticket_dispatched" || $0 == "ticket_arrived" }
        #expect(names.filter { $0 != "ticket_arrived" } == ["ticket_opened", "ticket_dispatched", "ticket_warned#1", "ticket_warned#2", "ticket_warned#3",
                                                           "ticket_transferred", "ticket_dispatched"], "\(names)")
        #expect(dispatchEvents.first == "ticket_dispatched" && dispatchEvents.filter { $0 == "ticket_arrived" }.count <= 1, "\(names)")
        for dispatched in ticketEvents where dispatched["event"] == .string("ticket_dispatched") {
            #expect(dispatched["assignee"] != nil && dispatched["reason"] != nil, "a decision names who (or null) and why: \(dispatched)")
        }
        ticketEvents.removeAll { $0["event"] == .string("ticket_dispatched") || $0["event"] == .string("ticket_arrived") }
        // The rule's own 15 min response time: opened 08:05, due 08:20; warnings at 50 % and 80 %.
        let times = ticketEvents.compactMap { event -> String? in if case let .string(at)? = event["at"] { return at } else { return nil } }
        #expect(times.map { RFC3339.parseMilliseconds($0) ?? 0 } == ["2026-11-23T08:05:00+08:00", "2026-11-23T08:12:30+08:00", "2026-11-23T08:17:00+08:00",
                                                                    "2026-11-23T08:20:00+08:00", "2026-11-23T08:20:00+08:00"].map { RFC3339.parseMilliseconds($0) ?? -1 })
        #expect(ticketEvents.last?["team"] == .string("community"))
    }

    @Test func slaDueCountsWorkingDaysOnTheShippedCalendar() throws {
        let directory = try TestPaths.temporaryDirectory("sla")
        let result = try Self.gridwatch(["sla", "due", "--config", TestPaths.repository + "/config/gridwatch.yaml", "--tier", "complex",
                                         "--from", "2026-02-13T17:00:00+08:00", "--format", "json"], in: directory)
        #expect(result.status == 0, "\(result.output)")
        guard case let .object(due) = try JSONParser.parse(Array(result.output.utf8)) else {
            Issue.record("sla due --format json: \(result.output)")
            return
        }
        #expect(due["respond_by"] == .string("2026-02-25T18:00:00+08:00"))   // Sat 14 (make-up), Tue 24, Wed 25
        #expect(due["resolve_by"] == .string("2026-02-16T17:00:00+08:00"))
        let unknown = try Self.gridwatch(["sla", "due", "--config", TestPaths.repository + "/config/gridwatch.yaml", "--tier", "urgent",
                                          "--from", "2026-02-13T17:00:00+08:00"], in: directory)
        #expect(unknown.status != 0 && unknown.output.contains("unknown tier 'urgent'"))
    }

    @Test func checkReportsEveryErrorWithItsPosition() throws {
        let directory = try TestPaths.temporaryDirectory("check-bad")
        try """
        id,type,community,building,unit,resident,installed
        door-1,door,demo,b01,0101,,
        gas-1,gas,demo,b01,0101,,
        """.write(toFile: directory + "/inventory.csv", atomically: true, encoding: .utf8)
        let config = try Self.writeConfig(in: directory, inventory: directory + "/inventory.csv", extra: """
        mqtt:
          url: http://broker
          keepalive: often
        topics:
          telemetry: sensors/{room}/{device}
        ingest:
          batch_size: 0
          batch_linger: 2s
        htp: {}
        """)
        let result = try Self.gridwatch(["check", "--config", config, "--format", "text"], in: directory)
        #expect(result.status == 1)
        let lines = result.output.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("\(config):7:8: error: 'url' must look like mqtt://") }, "\(result.output)")
        #expect(lines.contains { $0.hasPrefix("\(config):8:14: error: 'keepalive' must be a duration") }, "\(result.output)")
        #expect(lines.contains { $0.hasPrefix("\(config):10:14: error: unknown topic segment '{room}'") }, "\(result.output)")
        #expect(lines.contains { $0.hasPrefix("\(config):12:15: error: 'batch_size' must be between 1 and 100000") }, "\(result.output)")
        #expect(lines.contains { $0.hasPrefix("\(config):13:17: error: 'batch_linger' must be between 0ms and 1s") }, "\(result.output)")
        #expect(lines.contains { $0.hasPrefix("\(config):14:1: error: unknown key 'htp'") }, "\(result.output)")
        #expect(lines.contains { $0.hasPrefix("\(directory)/inventory.csv:3:7: error: unknown device type 'gas'") }, "\(result.output)")

        let json = try Self.gridwatch(["check", "--config", config, "--format", "json"], in: directory)
        guard case let .object(summary) = try JSONParser.parse(Array(json.output.utf8)), case let .array(items)? = summary["diagnostics"] else {
            Issue.record("check --format json did not print a JSON object: \(json.output)")
            return
        }
        #expect(summary["ok"] == .bool(false))
        #expect(items.filter { if case let .object(item) = $0 { return item["severity"] == .string("error") } else { return false } }.count == 7)
    }

    @Test func importIsAllOrNothingAndListingsCarryTheContractFields() throws {
        let directory = try TestPaths.temporaryDirectory("devices")
        let config = try Self.writeConfig(in: directory)
        try """
        id,type,community,building,unit,resident,installed
        door-x1,door,north,b09,0901,R-1,2025-02-01
        door-x2,toaster,north,b09,0902,,
        """.write(toFile: directory + "/bad.csv", atomically: true, encoding: .utf8)
        let bad = try Self.gridwatch(["devices", "import", directory + "/bad.csv", "--config", config], in: directory)
        #expect(bad.status != 0)
        #expect(bad.output.contains("bad.csv:3:9: error: unknown device type 'toaster'"), "\(bad.output)")
        #expect(bad.output.contains("nothing imported"), "\(bad.output)")

        try """
        id,type,community,building,unit,resident,installed
        door-x1,door,north,b09,0901,R-1,2025-02-01
        wb-x1,wristband,north,b09,0901,R-1,2025-02-01
        """.write(toFile: directory + "/good.csv", atomically: true, encoding: .utf8)
        let good = try Self.gridwatch(["devices", "import", directory + "/good.csv", "--config", config], in: directory)
        #expect(good.status == 0, "\(good.output)")
        #expect(good.output.contains("2 new"), "\(good.output)")

        let listed = try Self.gridwatch(["devices", "list", "--config", config, "--community", "north", "--format", "json"], in: directory)
        guard case let .array(devices) = try JSONParser.parse(Array(listed.output.utf8)) else {
            Issue.record("devices list --format json: \(listed.output)")
            return
        }
        #expect(devices.count == 2)
        for case let .object(device) in devices {
            for key in ["id", "type", "community", "building"] { #expect(device[key] != nil, "missing \(key)") }
        }
        let count = try Self.gridwatch(["readings", "count", "--db", directory + "/gridwatch.db"], in: directory)
        #expect(count.output.trimmingCharacters(in: .whitespacesAndNewlines) == "0")
    }

    @Test func simulateWritesACaptureAFleetAndItsInventory() throws {
        let directory = try TestPaths.temporaryDirectory("capture")
        let result = try Self.gridwatch(["simulate", "--devices", "5000", "--write-inventory", directory + "/fleet.csv",
                                         "--start", "2026-11-23T00:00:00+08:00", "--duration", "2h",
                                         "--inject", "smoke@30m", "--output", directory + "/day.jsonl"], in: directory)
        #expect(result.status == 0, "\(result.output)")
        var diagnostics = DiagnosticList()
        let fleet = Inventory.load(path: directory + "/fleet.csv", catalog: nil, diagnostics: &diagnostics)
        #expect(fleet.count == 5000)
        #expect(fleet.allSatisfy { !$0.grid.isEmpty && $0.latitude != nil && $0.longitude != nil }, "the generated units are placed")
        #expect(Set(fleet.map(\.type)) == ["door", "smoke", "water_meter", "wristband"])
        let lines = try String(contentsOfFile: directory + "/day.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(lines.count > 100_000)
        var sawAlarm = false
        for line in lines {
            guard case let .object(item) = try JSONParser.parse(Array(line.utf8)), case .string? = item["at"], case .string? = item["topic"] else {
                Issue.record("bad capture line: \(line)")
                break
            }
            if case let .object(payload)? = item["payload"], payload["alarm"] == .bool(true) { sawAlarm = true }
        }
        #expect(sawAlarm)
    }
}
