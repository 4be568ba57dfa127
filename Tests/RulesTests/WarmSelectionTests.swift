import Devices
import Formats
@testable import Rules
import Testing

/// A restart warms the rules with only the stored readings they need: every reading inside the
/// longest window for a windowed device, otherwise the newest, and further back only until each
/// `delta` field has been seen twice. Warmed so, the engine answers the next readings exactly as when it was
/// warmed with everything.
@Suite struct WarmSelectionTests {
    typealias F = EngineFixture

    static let rules = """
    rules:
      - id: meter_flow
        match: {type: water_meter}
        when: rate(total_m3, 35m) * 1000 > 50
        severity: general
      - id: meter_jump
        match: {type: water_meter}
        when: delta(total_m3) > 1
        severity: general
      - id: band_still
        match: {type: wristband}
        when: delta(steps) <= 0
        severity: general
      - id: door_open
        match: {type: door}
        when: open
        severity: general
    """

    static let devices = [
        Device(id: "m1", type: "water_meter", community: "c"), F.band("b1"), Device(id: "d1", type: "door", community: "c"),
    ]

    /// An hour of history, a reading per device every 5 minutes; every third band reading a
    /// heartbeat without `steps`, so the newest band reading lacks it.
    static func history(endMs: Int64) -> [RuleReading] {
        var readings: [RuleReading] = []
        for step in Int64(0)..<12 {
            let atMs = endMs - (11 - step) * 5 * F.minute
            readings.append(F.reading("m1", at: atMs, ["total_m3": .double(100 + Double(step) * 0.02)]))
            readings.append(F.reading("b1", at: atMs + 1000, step % 3 == 2 ? ["worn": .bool(true)] : ["steps": .int(step * 40), "worn": .bool(true)]))
            readings.append(F.reading("d1", at: atMs + 2000, ["open": .bool(step % 2 == 0)]))
        }
        return readings
    }

    /// What `selection` keeps of `history`, offered newest first as a store does.
    static func select(_ history: [RuleReading], _ selection: inout WarmSelection) -> [RuleReading] {
        var kept: [RuleReading] = []
        for reading in history.reversed() where selection.wants(deviceID: reading.deviceID, atMs: reading.atMs) {
            kept.append(RuleReading(deviceID: reading.deviceID, atMs: reading.atMs, values: selection.took(deviceID: reading.deviceID, values: reading.values)))
        }
        return kept.reversed()
    }

    @Test func onlyWindowsNewestReadingsAndUnseenDeltaFieldsAreTaken() throws {
        let nowMs = F.t0 + 2 * F.hour
        let history = Self.history(endMs: nowMs - F.minute)
        let engine = F.engine(try F.rules(Self.rules), Self.devices, startMs: nowMs)
        var selection = engine.warmSelection(sinceMs: nowMs - 35 * F.minute)
        let kept = Self.select(history + [F.reading("stranger", at: nowMs - 1000, ["x": .int(1)])], &selection)
        let horizonMs = nowMs - 35 * F.minute
        let meter = kept.filter { $0.deviceID == "m1" }
        #expect(meter.count == history.filter { $0.deviceID == "m1" && $0.atMs >= horizonMs }.count && meter.count == 7)
        // The newest band reading is a heartbeat: the two before it carry `steps` (latest and previous).
        // Only the fields the device's rules read are kept: `worn` is dropped, and the heartbeat kept empty.
        #expect(kept.filter { $0.deviceID == "b1" }.map(\.values.keys) == [["steps"], ["steps"], []])
        #expect(kept.filter { $0.deviceID == "m1" }.allSatisfy { $0.values.keys == ["total_m3"] })
        #expect(kept.filter { $0.deviceID == "d1" }.count == 1)
        #expect(!kept.contains { $0.deviceID == "stranger" })
        #expect(selection.skippedCount == history.count + 1 - kept.count)
        var everything = WarmSelection.everything
        #expect(Self.select(history, &everything).count == history.count && everything.skippedCount == 0)
    }

    @Test func anEngineWarmedWithTheSelectionAnswersAsOneWarmedWithEverything() throws {
        let set = try F.rules(Self.rules)
        let nowMs = F.t0 + 2 * F.hour
        let history = Self.history(endMs: nowMs - F.minute)
        var full = F.engine(set, Self.devices, startMs: nowMs)
        full.warm(with: history.filter { $0.atMs >= nowMs - 35 * F.minute })
        var selected = F.engine(set, Self.devices, startMs: nowMs)
        var selection = selected.warmSelection(sinceMs: nowMs - 35 * F.minute)
        selected.warm(with: Self.select(history.filter { $0.atMs >= nowMs - 35 * F.minute }, &selection))
        for id in ["m1", "b1", "d1"] {
            let (a, b) = (try #require(full.tracks[id]), try #require(selected.tracks[id]))
            #expect(a.series == b.series && a.latest == b.latest && a.previous == b.previous, "\(id)")
            #expect(a.current == b.current && a.currentAtMs == b.currentAtMs && a.lastSeenMs == b.lastSeenMs, "\(id)")
        }
        let next = [
            F.reading("m1", at: nowMs + F.minute, ["total_m3": .double(103)]),
            F.reading("b1", at: nowMs + F.minute, ["steps": .int(400), "worn": .bool(true)]),
            F.reading("d1", at: nowMs + F.minute, ["open": .bool(true)]),
            F.reading("b1", at: nowMs + 2 * F.minute, ["steps": .int(400), "worn": .bool(true)]),
        ]
        var fullEvents: [AlertEvent] = [], selectedEvents: [AlertEvent] = []
        for reading in next {
            fullEvents += full.readingArrived(reading)
            selectedEvents += selected.readingArrived(reading)
        }
        #expect(F.describe(fullEvents) == F.describe(selectedEvents))
        #expect(Set(fullEvents.map(\.ruleID)) == ["meter_flow", "meter_jump", "band_still", "door_open"], "\(F.describe(fullEvents))")
    }
}
