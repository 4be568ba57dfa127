#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Rules
import Storage
import Testing

/// The rules engine inside `gridwatch run`: alerts from live MQTT traffic, a bad rule edit
/// rejected whole while the previous rules keep running (and raised as an alert), and alert
/// state surviving a restart.
@Suite(.serialized) struct RulesIntegrationTests {
    static func firingEvents(_ gateway: TestGateway, rule: String) -> [AlertEvent] {
        ((try? gateway.database().alertEvents(rule: rule)) ?? []).filter { $0.kind == .firing }
    }

    /// A gateway whose rules directory is a copy the test may edit.
    static func gatewayWithOwnRules(_ name: String) throws -> (TestBroker, TestGateway, String) {
        let directory = try TestPaths.temporaryDirectory(name)
        let rules = directory + "/rules"
        try FileManager.default.createDirectory(atPath: rules, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: TestPaths.repository + "/config/rules/community.yaml", toPath: rules + "/community.yaml")
        let broker = try TestBroker(directory: directory)
        let config = try CommandLineTests.writeConfig(in: directory, extra: "rules: {directory: \(rules)}\n")
        return (broker, TestGateway(broker: broker, directory: directory, configPath: config), rules)
    }

    @Test func injectedSmokeAndSOSRaiseAlertsLive() throws {
        let (broker, gateway, _) = try Self.gatewayWithOwnRules("rules-live")
        defer { broker.stop() }
        try gateway.start()
        defer { gateway.terminate() }
        let simulator = try startSimulator(broker: broker, count: 3000, rate: 3000, clientID: "sim-rules", directory: gateway.directory,
                                           extra: ["--inject", "smoke:smoke-b01-0101@1m", "--inject", "sos:wb-b01-0101@2m"])
        #expect(simulator.waitForExit(timeout: 60) == 0, "\(simulator.log)")
        #expect(eventually(timeout: 10) { !Self.firingEvents(gateway, rule: "smoke_alarm").isEmpty && !Self.firingEvents(gateway, rule: "fall_or_sos").isEmpty })
        #expect(Self.firingEvents(gateway, rule: "smoke_alarm").map(\.deviceID) == ["smoke-b01-0101"])
        #expect(Self.firingEvents(gateway, rule: "fall_or_sos").map(\.deviceID) == ["wb-b01-0101"])
    }

    @Test func aBadEditIsRejectedWholeAndRaisedWhileThePreviousRulesRun() throws {
        let (broker, gateway, rules) = try Self.gatewayWithOwnRules("rules-reload")
        defer { broker.stop() }
        try gateway.start()
        defer { gateway.terminate() }
        let file = rules + "/community.yaml"
        let original = try String(contentsOfFile: file, encoding: .utf8)
        // A typo in one rule (and a valid edit elsewhere that must not half-apply).
        try original.replacingOccurrences(of: "when: alarm == true and not is_true(test)", with: "when: alarm == true and not is_true(tset)")
            .replacingOccurrences(of: "battery_low: 20", with: "battery_low: 99")
            .write(toFile: file, atomically: true, encoding: .utf8)
        #expect(eventually(timeout: 15) { gateway.readiness().contains("rules_reload") })
        let readiness = gateway.readiness()
        #expect(readiness.contains("unknown field 'tset'"), "\(readiness)")
        #expect(gateway.isReady(), "a failed reload must not make the gateway unready")
        #expect(gateway.metrics().contains("gridwatch_rules_reload_failed 1"), "\(gateway.metrics())")
        #expect(eventually(timeout: 5) { !Self.firingEvents(gateway, rule: "rules_reload_failed").isEmpty })

        // The previous rules still run: a smoke alarm still fires.
        let simulator = try startSimulator(broker: broker, count: 1500, rate: 3000, clientID: "sim-reload", directory: gateway.directory,
                                           extra: ["--inject", "smoke:smoke-b02-0101@30s"])
        #expect(simulator.waitForExit(timeout: 60) == 0)
        #expect(eventually(timeout: 10) { Self.firingEvents(gateway, rule: "smoke_alarm").contains { $0.deviceID == "smoke-b02-0101" } })

        // Fixing the file resolves the reload alert.
        try original.write(toFile: file, atomically: true, encoding: .utf8)
        #expect(eventually(timeout: 15) { !gateway.readiness().contains("rules_reload") })
        #expect(gateway.metrics().contains("gridwatch_rules_reload_failed 0"))
        #expect(gateway.metrics().contains("gridwatch_alert_events_total{event=\"alert_firing\"}"))
        // Readiness clears before the resolved event is written: wait for the write.
        func resolved() -> Int { ((try? gateway.database().alertEvents(rule: "rules_reload_failed")) ?? []).filter { $0.kind == .resolved }.count }
        #expect(eventually(timeout: 15) { resolved() >= 1 })
        #expect(resolved() == 1)
    }

    /// A counter's value in a Prometheus exposition (0 when absent).
    static func metric(_ text: String, _ name: String) -> Double {
        text.split(separator: "\n").first { $0.hasPrefix(name + " ") }.flatMap { Double($0.split(separator: " ").last ?? "") } ?? 0
    }

    @Test func alertStateSurvivesARestart() throws {
        let (broker, gateway, _) = try Self.gatewayWithOwnRules("rules-restart")
        defer { broker.stop() }
        try gateway.start()
        defer { gateway.terminate() }
        let first = try startSimulator(broker: broker, count: 1500, rate: 3000, clientID: "sim-restart-1", directory: gateway.directory,
                                       extra: ["--inject", "smoke:smoke-b03-0101@30s+2h"])
        #expect(first.waitForExit(timeout: 60) == 0)
        #expect(eventually(timeout: 10) { Self.firingEvents(gateway, rule: "smoke_alarm").count == 1 })
        #expect(gateway.terminate() == 0)
        try gateway.start()
        // The detector keeps sounding after the restart: the alert is still firing (manual
        // clear), so no second firing event appears.
        let second = try startSimulator(broker: broker, count: 1500, rate: 3000, clientID: "sim-restart-2", directory: gateway.directory,
                                        extra: ["--inject", "smoke:smoke-b03-0101@0s+2h"])
        #expect(second.waitForExit(timeout: 60) == 0)
        #expect(eventually(timeout: 10) { gateway.readingCount() >= 3000 })
        // Rules run just after each commit: wait until this process's engine has seen every
        // reading of the second run (its own counter) before counting the events it raised.
        #expect(eventually(timeout: 10) { Self.metric(gateway.metrics(), "gridwatch_rule_evaluations_total") >= 1500 })
        #expect(Self.firingEvents(gateway, rule: "smoke_alarm").count == 1, "\(Self.firingEvents(gateway, rule: "smoke_alarm"))")
        #expect(gateway.process?.log.contains("rule state restored") == true)
    }
}
