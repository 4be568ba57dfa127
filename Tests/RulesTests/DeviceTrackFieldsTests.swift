import Devices
import Formats
@testable import Rules
import Testing

/// A device's track keeps, of its latest reading, only the fields its type's rules read;
/// a reload keeps them, and rules reading a field the old ones did not see it from the next
/// reading on.
@Suite struct DeviceTrackFieldsTests {
    typealias F = EngineFixture

    static let doorRule = RuleSnapshotJSONTests.doorRule
    static let doorAndBatteryRules = doorRule + """

      - id: door_battery
        match: {type: door}
        when: battery < 10
        severity: general
    """

    @Test func onlyTheFieldsTheRulesReadAreKept() throws {
        var engine = F.engine(try F.rules(Self.doorRule), [Device(id: "d1", type: "door", community: "c")])
        _ = engine.readingArrived(RuleReading(deviceID: "d1", atMs: F.t0, values: ["open": .bool(true), "battery": .int(50), "note": .string("x")]))
        let track = try #require(engine.tracks["d1"])
        #expect(track.profile.readFields == ["open"])
        #expect(track.currentValue("open") == .bool(true))
        #expect(track.currentValue("battery") == nil && track.currentValue("note") == nil)
        _ = engine.readingArrived(RuleReading(deviceID: "d1", atMs: F.t0 + 1000, values: ["open": .null]))
        #expect(engine.tracks["d1"]?.currentValue("open") == .null, "null stays null, for the explanation")
        _ = engine.readingArrived(RuleReading(deviceID: "d1", atMs: F.t0 + 2000, values: ["battery": .int(40)]))
        #expect(engine.tracks["d1"]?.currentValue("open") == nil, "a reading without the field leaves it unknown")
    }

    @Test func aReloadKeepsTheValuesAndNewFieldsComeWithTheNextReading() throws {
        var engine = F.engine(try F.rules(Self.doorRule), [Device(id: "d1", type: "door", community: "c")])
        _ = engine.readingArrived(RuleReading(deviceID: "d1", atMs: F.t0, values: ["open": .bool(true), "battery": .int(5)]))
        engine.reload(try F.rules(Self.doorAndBatteryRules))
        let track = try #require(engine.tracks["d1"])
        #expect(track.profile.readFields == ["battery", "open"])
        #expect(track.currentValue("open") == .bool(true))
        #expect(track.currentValue("battery") == nil)
        let events = engine.readingArrived(RuleReading(deviceID: "d1", atMs: F.t0 + 1000, values: ["open": .bool(true), "battery": .int(5)]))
        #expect(events.contains { $0.ruleID == "door_battery" && $0.kind == .firing })
        #expect(engine.tracks["d1"]?.currentValue("battery") == .int(5))
    }
}
