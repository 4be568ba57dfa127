import Devices
import Foundation
@testable import Rules
import Testing

/// Engine bugs found by rule tests, pinned: a clear hold longer than the gap tolerance once
/// spun `advance` forever when the device went silent.
@Suite struct EngineRegressionTests {
    @Test(.timeLimit(.minutes(1))) func aClearHoldLongerThanTheToleranceThenSilenceStaysFiringAndReturns() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gw-hang-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try """
        rules:
          - id: leak_slow_clear
            match: {type: water_meter}
            when: leak
            clear:
              when: not leak
              for: 1h
            severity: general
        """.write(toFile: directory + "/rules.yaml", atomically: true, encoding: .utf8)
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        var diagnostics = DiagnosticList()
        let catalog = DeviceTypeCatalog.load(directory: root.appendingPathComponent("devices").path, diagnostics: &diagnostics)
        let set = RuleFileParser.load(files: [directory + "/rules.yaml"], catalog: catalog, tiers: ["general"], diagnostics: &diagnostics)
        #expect(!diagnostics.hasErrors, "\(diagnostics.items)")
        var engine = RuleEngine(ruleSet: set, catalog: catalog, devices: [Device(id: "m", type: "water_meter", community: "c")], startMs: 0)
        _ = engine.readingArrived(RuleReading(deviceID: "m", atMs: 0, values: ["leak": .bool(true)]))
        _ = engine.readingArrived(RuleReading(deviceID: "m", atMs: 900_000, values: ["leak": .bool(false)]))
        _ = engine.advance(to: 7_200_000)
        #expect(engine.phase(rule: "leak_slow_clear", device: "m") == .firing)
    }

    @Test func aClearHoldFromAnAttributeFollowsEachDevicesOverride() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gw-clear-attr-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try """
        attributes: {settle: 10m}
        overrides: {devices: {slow: {settle: 40m}}}
        rules:
          - id: door_open_alert
            match: {type: door}
            when: open
            clear:
              when: not open
              for: attr.settle
            severity: general
        """.write(toFile: directory + "/rules.yaml", atomically: true, encoding: .utf8)
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        var diagnostics = DiagnosticList()
        let catalog = DeviceTypeCatalog.load(directory: root.appendingPathComponent("devices").path, diagnostics: &diagnostics)
        let set = RuleFileParser.load(files: [directory + "/rules.yaml"], catalog: catalog, tiers: ["general"], diagnostics: &diagnostics)
        #expect(!diagnostics.hasErrors, "\(diagnostics.items)")
        let devices = ["fast", "slow"].map { Device(id: $0, type: "door", community: "c") }
        var engine = RuleEngine(ruleSet: set, catalog: catalog, devices: devices, startMs: 0)
        // Open at 0, closed from 5 min, reported every 5 min (door tolerance is 20 min).
        for minute in stride(from: 0, through: 60, by: 5) {
            for device in ["fast", "slow"] {
                _ = engine.readingArrived(RuleReading(deviceID: device, atMs: Int64(minute) * 60_000, values: ["open": .bool(minute == 0)]))
            }
            if minute == 15 { #expect(engine.phase(rule: "door_open_alert", device: "fast") == .inactive) }
            if minute == 40 { #expect(engine.phase(rule: "door_open_alert", device: "slow") == .firing) }
        }
        #expect(engine.phase(rule: "door_open_alert", device: "slow") == .inactive)
    }
}
