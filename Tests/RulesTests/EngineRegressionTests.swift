import Devices
import Foundation
@testable import Rules
import Testing

/// Engine bugs found by rule tests, pinned: a clear hold longer than the gap tolerance once
/// spun `advance` forever when the device went silent.
@Suite struct EngineRegressionTests {
    @Test(.timeLimit(.minutes(1))) func aClearHoldLongerThanTheToleranceThenSilenceStaysFiringAndReturns() throws {
        let set = try EngineFixture.rules("""
        rules:
          - id: leak_slow_clear
            match: {type: water_meter}
            when: leak
            clear:
              when: not leak
              for: 1h
            severity: general
        """)
        var engine = EngineFixture.engine(set, [Device(id: "m", type: "water_meter", community: "c")], startMs: 0)
        _ = engine.readingArrived(RuleReading(deviceID: "m", atMs: 0, values: ["leak": .bool(true)]))
        _ = engine.readingArrived(RuleReading(deviceID: "m", atMs: 900_000, values: ["leak": .bool(false)]))
        _ = engine.advance(to: 7_200_000)
        #expect(engine.phase(rule: "leak_slow_clear", device: "m") == .firing)
    }

    @Test func aClearHoldFromAnAttributeFollowsEachDevicesOverride() throws {
        let set = try EngineFixture.rules("""
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
        """)
        let devices = ["fast", "slow"].map { Device(id: $0, type: "door", community: "c") }
        var engine = EngineFixture.engine(set, devices, startMs: 0)
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

    /// Windows are worked out once per device type for devices without overrides; a device
    /// whose override lengthens a window keeps its own, and a reload works them out again.
    @Test func aWindowFromAnAttributeFollowsEachDevicesOverride() throws {
        let text = """
        attributes: {window: 10m}
        overrides: {devices: {long: {window: 40m}}}
        rules:
          - id: usage
            match: {type: water_meter}
            when: increase(total_m3, attr.window) > 1
            severity: general
        """
        let devices = ["short", "long", "plain"].map { Device(id: $0, type: "water_meter", community: "c") }
        var engine = EngineFixture.engine(try EngineFixture.rules(text), devices, startMs: 0)
        #expect(engine.tracks["short"]?.windowSeconds == ["total_m3": 600])
        #expect(engine.tracks["long"]?.windowSeconds == ["total_m3": 2400])
        #expect(engine.tracks["plain"]?.windowSeconds == ["total_m3": 600])
        engine.reload(try EngineFixture.rules(text.replacingOccurrences(of: "window: 10m", with: "window: 20m")))
        #expect(engine.tracks["plain"]?.windowSeconds == ["total_m3": 1200])
        #expect(engine.tracks["long"]?.windowSeconds == ["total_m3": 2400])
    }

    @Test func attributeSelectorsAndTitleTemplates() throws {
        let set = try EngineFixture.rules("""
        attributes: {lives_alone: false}
        overrides: {devices: {wb-alone: {lives_alone: true}}}
        rules:
          - id: night_wandering
            match: {type: wristband, attributes: {lives_alone: true}}
            when: steps > 10
            severity: general
            title: "Night steps of the resident in {building}-{unit} ({device})"
        """)
        let devices = [Device(id: "wb-alone", type: "wristband", community: "c", building: "b3", unit: "0702"),
                       Device(id: "wb-family", type: "wristband", community: "c", building: "b3", unit: "0703")]
        var engine = EngineFixture.engine(set, devices, startMs: 0)
        var events: [AlertEvent] = []
        for device in ["wb-alone", "wb-family"] {
            events += engine.readingArrived(RuleReading(deviceID: device, atMs: 1000, values: ["steps": .int(50)]))
        }
        #expect(events.map(\.deviceID) == ["wb-alone"])
        #expect(events.first?.title == "Night steps of the resident in b3-0702 (wb-alone)")
        // The selector follows an attribute change without a restart.
        engine.setAttributes(["lives_alone": .bool(true)], device: "wb-family")
        events = engine.readingArrived(RuleReading(deviceID: "wb-family", atMs: 2000, values: ["steps": .int(60)]))
        #expect(events.map(\.deviceID) == ["wb-family"])

        let (_, bad) = try EngineFixture.load("""
        attributes: {lives_alone: false}
        rules:
          - id: x
            match: {type: wristband, attributes: {lives_alone: 3, floor: 2}}
            when: sos
            severity: general
        """)
        let messages = bad.errors.map { "\($0.line):\($0.column): \($0.message)" }
        #expect(messages.contains("4:56: 'lives_alone' is declared as a bool, not a number"), "\(messages)")
        #expect(messages.contains("4:59: unknown attribute 'floor' (declare it under 'attributes' first)"), "\(messages)")
    }
}
