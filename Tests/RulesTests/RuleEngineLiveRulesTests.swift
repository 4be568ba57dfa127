import Devices
import Formats
@testable import Rules
import Testing

/// A reading looks up only the rules whose bit is set on its device's track
/// (`DeviceTrack.liveRules`). A bit left clear over a held alert would hide it from the
/// device's readings (a pending hold never fires, a firing alert never resolves), so these
/// follow the bits through every path that writes an instance and check the alerts still move.
@Suite struct RuleEngineLiveRulesTests {
    typealias F = EngineFixture
    static let t0 = F.t0, minute = F.minute

    /// Three rules, each as its entry under `rules:`: a hold, a plain firing and an absence.
    static let entries = [
        """
          - id: hr_high
            match: {type: wristband}
            when: hr_bpm > 150
            for: 2m
            severity: general
        """,
        """
          - id: band_power_low
            match: {type: wristband}
            when: battery < 5
            severity: general
        """,
        """
          - id: band_offline
            match: {type: wristband}
            absent: {for: 3 * interval}
            severity: general
        """,
    ]
    /// A door rule first: the wristband's rules are then 1, 2 and 3 of the set but 0, 1 and 2
    /// of the device's own list, and the bits go by the set's index.
    static let doorRule = """
          - id: door_open
            match: {type: door}
            when: open
            severity: general
        """
    static let rules = "rules:\n" + ([doorRule] + entries).joined(separator: "\n")

    /// Every track's bits as `instances` says they should be: exact, not only covering.
    static func expectExactBits(_ engine: RuleEngine, _ step: String, sourceLocation: SourceLocation = #_sourceLocation) {
        var expected: [String: UInt64] = [:]
        for key in engine.instances.keys {
            guard let index = engine.ruleIndexByID[key.rule] else { continue }
            expected[key.device, default: 0] |= 1 << UInt64(index)
        }
        for (id, track) in engine.tracks {
            #expect(track.liveRules == expected[id, default: 0], "\(step): \(id)", sourceLocation: sourceLocation)
        }
        #expect(engine.liveRulesCoverInstances(), "\(step)", sourceLocation: sourceLocation)
    }

    static func send(_ engine: inout RuleEngine, _ device: String, _ minute: Int64, _ values: JSONFields) -> [String] {
        var events = engine.advance(to: t0 + minute * Self.minute)
        events += engine.readingArrived(F.reading(device, at: t0 + minute * Self.minute, values))
        return F.describe(events)
    }

    @Test func holdsFiringsAndAbsencesMoveTheBitsAndEveryAlertStillMoves() throws {
        let set = try F.rules(Self.rules)
        var engine = F.engine(set, [F.band("wb-1"), F.band("wb-2")])
        Self.expectExactBits(engine, "start")
        #expect(engine.tracks.values.allSatisfy { $0.liveRules == 0 })

        _ = Self.send(&engine, "wb-2", 0, ["hr_bpm": .int(70), "battery": .int(50)])
        #expect(Self.send(&engine, "wb-1", 0, ["hr_bpm": .int(160), "battery": .int(50)]) == ["pending hr_high wb-1 @0s"])
        Self.expectExactBits(engine, "a hold begins")
        #expect(engine.tracks["wb-1"]?.liveRules != 0)
        #expect(Self.send(&engine, "wb-1", 1, ["hr_bpm": .int(80), "battery": .int(50)]).isEmpty)
        Self.expectExactBits(engine, "the hold is cancelled")
        #expect(engine.tracks["wb-1"]?.liveRules == 0)

        #expect(Self.send(&engine, "wb-1", 2, ["hr_bpm": .int(160), "battery": .int(3)])
                    == ["pending hr_high wb-1 @120s", "firing band_power_low wb-1 @120s"])
        // On the clock: wb-2's silence (due at 3 min) and wb-1's completed hold (at 4 min).
        #expect(Self.send(&engine, "wb-1", 4, ["hr_bpm": .int(160), "battery": .int(3)])
                    == ["firing band_offline wb-2 @180s", "firing hr_high wb-1 @240s"])
        Self.expectExactBits(engine, "three alerts fire, one of them on a timer")
        // wb-2's next reading must see the absence its timer fired.
        #expect(Self.send(&engine, "wb-2", 5, ["hr_bpm": .int(70), "battery": .int(50)]) == ["resolved band_offline wb-2 @300s"])
        Self.expectExactBits(engine, "the absence resolves")

        // A restart: a new engine restores the alerts, and their bits with them.
        var restored = F.engine(set, [F.band("wb-1"), F.band("wb-2")], startMs: Self.t0 + 5 * Self.minute)
        restored.restore(engine.snapshot())
        Self.expectExactBits(restored, "restored")
        #expect(restored.tracks["wb-1"]?.liveRules == engine.tracks["wb-1"]?.liveRules)
        #expect(Self.send(&restored, "wb-1", 6, ["hr_bpm": .int(160), "battery": .int(50)]) == ["resolved band_power_low wb-1 @360s"])
        Self.expectExactBits(restored, "a restored alert resolves")
    }

    @Test func aReloadThatReordersTheRulesMovesTheBitsWithThem() throws {
        let set = try F.rules(Self.rules)
        var engine = F.engine(set, [F.band("wb-1")])
        #expect(Self.send(&engine, "wb-1", 0, ["hr_bpm": .int(80), "battery": .int(3)]) == ["firing band_power_low wb-1 @0s"])
        let before = engine.ruleIndexByID["band_power_low"]

        // The same rules in another order: the firing alert is kept, and its rule's index moves.
        let reordered = "rules:\n" + [Self.entries[1], Self.doorRule, Self.entries[2], Self.entries[0]].joined(separator: "\n")
        engine.reload(try F.rules(reordered))
        #expect(engine.ruleIndexByID["band_power_low"] != before)
        #expect(engine.instances.keys.map(\.rule) == ["band_power_low"], "the unchanged rule keeps its alert")
        Self.expectExactBits(engine, "after the reload")
        #expect(Self.send(&engine, "wb-1", 1, ["hr_bpm": .int(80), "battery": .int(50)]) == ["resolved band_power_low wb-1 @60s"])
        Self.expectExactBits(engine, "resolved after the reload")

        // Resolved by hand: the bit goes with the instance.
        #expect(Self.send(&engine, "wb-1", 2, ["hr_bpm": .int(80), "battery": .int(3)]) == ["firing band_power_low wb-1 @120s"])
        #expect(F.describe(engine.resolveManually(rule: "band_power_low", device: "wb-1", at: Self.t0 + 3 * Self.minute))
                    == ["resolved band_power_low wb-1 @180s"])
        Self.expectExactBits(engine, "resolved by hand")
        #expect(engine.tracks["wb-1"]?.liveRules == 0)

        // A reload that edits the firing rule drops its instance, and with it the bit.
        #expect(Self.send(&engine, "wb-1", 4, ["hr_bpm": .int(160), "battery": .int(3)])
                    == ["firing band_power_low wb-1 @240s", "pending hr_high wb-1 @240s"], "in the reordered set's order")
        engine.reload(try F.rules(Self.rules.replacingOccurrences(of: "battery < 5", with: "battery < 4")))
        #expect(engine.instances.keys.map(\.rule) == ["hr_high"], "the edited rule starts over, the hold stays")
        Self.expectExactBits(engine, "a reload that drops an instance")
    }

    @Test func rulesPastTheMasksSixtyFourBitsAreAlwaysLookedUp() throws {
        // 70 rules of one type: the last six have no bit and must still fire and resolve.
        let many = (0..<70).map { index in
            """
              - id: low_\(index)
                match: {type: wristband}
                when: battery < \(index + 2)
                severity: general
            """
        }.joined(separator: "\n")
        var engine = F.engine(try F.rules("rules:\n" + many), [F.band("wb-1")])
        let fired = Self.send(&engine, "wb-1", 0, ["battery": .int(69)])
        #expect(fired == ["firing low_68 wb-1 @0s", "firing low_69 wb-1 @0s"])
        #expect(engine.tracks["wb-1"]?.liveRules == 0, "both are past the mask")
        #expect(engine.liveRulesCoverInstances())
        #expect(Self.send(&engine, "wb-1", 1, ["battery": .int(90)]) == ["resolved low_68 wb-1 @60s", "resolved low_69 wb-1 @60s"])
        #expect(Self.send(&engine, "wb-1", 2, ["battery": .int(1)]).count == 70)
        Self.expectExactBits(engine, "all 70 firing")
        #expect(Self.send(&engine, "wb-1", 3, ["battery": .int(90)]).count == 70, "every one resolves")
        #expect(engine.instances.isEmpty)
        Self.expectExactBits(engine, "all resolved")
    }
}
