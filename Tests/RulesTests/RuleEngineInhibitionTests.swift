import Devices
import Formats
import Rules
import Testing

/// Inhibition kept as counts of firing sources: it must hold back exactly what scanning every
/// alert did, through a restore, a reload and a device moving to another building.
@Suite struct RuleEngineInhibitionTests {
    typealias F = EngineFixture
    static let t0 = F.t0, minute = F.minute

    /// The device-level inhibition of `RuleEngineTests`, joined on the building instead.
    static let buildingRules = RuleEngineTests.deviceInhibitionRules.replacingOccurrences(of: "equal: [device]", with: "equal: [building]")
    static let devices = [F.band("wb-1", building: "b1"), F.band("wb-2", building: "b1"), F.band("wb-3", building: "b2")]

    /// Sends one reading at minute `minute` and returns what fired, as "rule device [inhibited]".
    static func fired(_ engine: inout RuleEngine, _ device: String, _ minute: Int64, _ values: JSONFields) -> [String] {
        engine.readingArrived(F.reading(device, at: t0 + minute * Self.minute, values)).filter { $0.kind == .firing }.map {
            "\($0.ruleID) \($0.deviceID)" + ($0.inhibitedBy.map { " by \($0)" } ?? "")
        }
    }

    @Test func heldBackThroughRestoreReloadAndAMoveAndReleasedWhenTheSourceResolves() throws {
        let set = try F.rules(Self.buildingRules)
        var first = F.engine(set, Self.devices)
        #expect(Self.fired(&first, "wb-1", 0, ["battery": .int(3)]) == ["band_power_low wb-1"])
        #expect(Self.fired(&first, "wb-2", 1, ["hr_bpm": .int(160)]) == ["hr_high wb-2 by band_power_low"])
        #expect(Self.fired(&first, "wb-3", 1, ["hr_bpm": .int(160)]) == ["hr_high wb-3"], "another building")

        // A restart: the restored source still holds back its building.
        var engine = F.engine(set, Self.devices, startMs: Self.t0 + 2 * Self.minute)
        engine.restore(first.snapshot())
        _ = Self.fired(&engine, "wb-2", 3, ["hr_bpm": .int(80)])
        #expect(Self.fired(&engine, "wb-2", 4, ["hr_bpm": .int(160)]) == ["hr_high wb-2 by band_power_low"])

        // A reload that keeps the source rule keeps its alert, and so the hold.
        engine.reload(set)
        _ = Self.fired(&engine, "wb-2", 5, ["hr_bpm": .int(80)])
        #expect(Self.fired(&engine, "wb-2", 6, ["hr_bpm": .int(160)]) == ["hr_high wb-2 by band_power_low"])

        // The source device moves to b2: b2 is held back now, b1 no longer.
        engine.register(F.band("wb-1", building: "b2"))
        _ = Self.fired(&engine, "wb-2", 7, ["hr_bpm": .int(80)])
        _ = Self.fired(&engine, "wb-3", 7, ["hr_bpm": .int(80)])
        #expect(Self.fired(&engine, "wb-2", 8, ["hr_bpm": .int(160)]) == ["hr_high wb-2"])
        #expect(Self.fired(&engine, "wb-3", 8, ["hr_bpm": .int(160)]) == ["hr_high wb-3 by band_power_low"])

        // The source resolves: nothing holds anyone back.
        _ = Self.fired(&engine, "wb-1", 9, ["battery": .int(50)])
        _ = Self.fired(&engine, "wb-3", 10, ["hr_bpm": .int(80)])
        #expect(Self.fired(&engine, "wb-3", 11, ["hr_bpm": .int(160)]) == ["hr_high wb-3"])
        #expect(engine.inhibitor(rule: "hr_high", device: "wb-3") == nil)
    }

    @Test func aReloadThatChangesTheSourceRuleDropsItsAlertAndTheHold() throws {
        var engine = F.engine(try F.rules(Self.buildingRules), Self.devices)
        _ = Self.fired(&engine, "wb-1", 0, ["battery": .int(3)])
        #expect(engine.inhibitor(rule: "hr_high", device: "wb-2") == "band_power_low")
        engine.reload(try F.rules(Self.buildingRules.replacingOccurrences(of: "battery < 5", with: "battery < 4")))
        #expect(engine.inhibitor(rule: "hr_high", device: "wb-2") == nil, "the edited source starts over")
        #expect(Self.fired(&engine, "wb-2", 1, ["hr_bpm": .int(160)]) == ["hr_high wb-2"])
    }
}
