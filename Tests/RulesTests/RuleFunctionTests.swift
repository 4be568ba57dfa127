import Rules
import Testing

/// Every function: `delta`, the window functions (windows with fewer than two readings,
/// counter resets, window edges, windows from attributes) and `abs`/`min`/`max`.
@Suite struct RuleFunctionTests {
    private static let minute: Int64 = 60_000

    /// A context that received `readings` (one every `every` ms from t = 0).
    private static func stream(_ readings: [[String: RuleValue]], every: Int64 = minute,
                               attributes: [String: RuleValue] = [:]) -> InMemoryRuleContext {
        var context = InMemoryRuleContext(attributes: attributes)
        for (index, reading) in readings.enumerated() { context.receive(reading, atMs: Int64(index) * every) }
        return context
    }

    private func value(_ text: String, _ context: InMemoryRuleContext) -> RuleValue {
        RuleTestSupport.value(text, context)
    }

    @Test func deltaIsCurrentMinusPrevious() {
        #expect(value("delta(total)", Self.stream([["total": 10], ["total": 12.5]])) == .number(2.5))
        #expect(value("delta(total)", Self.stream([["total": 12], ["total": 10]])) == .number(-2))
        #expect(value("delta(total)", Self.stream([["total": 10]])) == .unknown)  // no previous reading
        #expect(value("delta(total)", Self.stream([["total": 10], ["x": 1]])) == .unknown)  // no current value
        // A heartbeat without the field in between does not hide the jump.
        #expect(value("delta(total)", Self.stream([["total": 10], ["x": 1], ["total": 11]])) == .number(1))
        #expect(value("delta(total)", InMemoryRuleContext(values: ["total": 5], previousValues: ["total": .unknown])) == .unknown)
    }

    @Test func increaseAndRateOverAWindow() {
        // 0.25 m3 every 15 minutes: 1 m3 per hour.
        let context = Self.stream([["total": 100], ["total": 100.25], ["total": 100.5]], every: 15 * Self.minute)
        #expect(value("increase(total, 1h)", context) == .number(0.5))
        #expect(value("rate(total, 1h)", context) == .number(1))
        // The window is (now - w, now]: a reading exactly w ago is outside.
        #expect(value("increase(total, 30m)", context) == .number(0.25))
        #expect(value("increase(total, 31m)", context) == .number(0.5))
        #expect(value("rate(total, 30m)", context) == .number(1))
        #expect(value("rate(total, 1h) * 1000", context) == .number(1000))
    }

    @Test func countersThatResetCountWhatCameAfterTheDrop() {
        // 5 → 8 (+3) → 2 (reset: +2) → 4 (+2).
        let context = Self.stream([["total": 5], ["total": 8], ["total": 2], ["total": 4]], every: 20 * Self.minute)
        #expect(value("increase(total, 2h)", context) == .number(7))
        #expect(value("rate(total, 2h)", context) == .number(7))  // 7 over exactly one hour
        // The step counter restarting at midnight: no steps is zero, not negative.
        let midnight = Self.stream([["n": 8000], ["n": 8000], ["n": 0], ["n": 0]], every: 30 * Self.minute)
        #expect(value("increase(n, 4h)", midnight) == .number(0))
        #expect(RuleFunction.increase([RuleSample(atMs: 0, value: 3), RuleSample(atMs: 1, value: 0)]) == 0)
    }

    @Test func windowsWithFewerThanTwoReadingsAreUnknown() {
        let one = Self.stream([["total": 1, "a": true, "mode": "auto"]])
        let empty = InMemoryRuleContext(values: ["total": 1])
        for text in ["rate(total, 10m)", "increase(total, 10m)", "changes(total, 10m)", "count_true(a, 10m)", "changes(mode, 10m)"] {
            #expect(value(text, one) == .unknown, "\(text)")
            #expect(value(text, empty) == .unknown, "\(text)")
        }
        // Two readings, but only one inside the window.
        let sparse = Self.stream([["total": 1], ["total": 2]], every: 20 * Self.minute)
        #expect(value("increase(total, 10m)", sparse) == .unknown)
        #expect(value("increase(total, 30m)", sparse) == .number(1))
        // Two readings at the same instant: an increase, but no rate (no time passed).
        let samples = [RuleSample(atMs: 5, value: 1), RuleSample(atMs: 5, value: 3)]
        #expect(RuleFunction.increase(samples) == 2)
        #expect(RuleFunction.rate(samples) == nil)
        #expect(RuleFunction.increase([RuleSample]()) == nil)
    }

    @Test func changesCountsValueChanges() {
        let modes = Self.stream([["mode": "auto"], ["mode": "auto"], ["mode": "manual"], ["mode": "manual"], ["mode": "auto"]])
        #expect(value("changes(mode, 1h)", modes) == .number(2))
        let flags = Self.stream([["a": true], ["a": false], ["a": false], ["a": true]])
        #expect(value("changes(a, 1h)", flags) == .number(2))
        #expect(value("changes(a, 150s)", flags) == .number(1))  // the last three readings
        let steady = Self.stream([["x": 3], ["x": 3]])
        #expect(value("changes(x, 1h)", steady) == .number(0))
    }

    @Test func countTrueCountsTrueReadings() {
        let flags = Self.stream([["a": true], ["a": false], ["x": 1], ["a": true], ["a": true]])
        #expect(value("count_true(a, 1h)", flags) == .number(3))
        #expect(value("count_true(a, 90s)", flags) == .number(2))  // the readings at 3 and 4 minutes
        #expect(value("count_true(a, 30s)", flags) == .unknown)  // one reading is not a window
        #expect(RuleTestSupport.truth("count_true(a, 10m) >= 3", [:]) == .unknown)
    }

    @Test func windowLengthFromAnAttribute() {
        let context = Self.stream([["total": 1], ["total": 4], ["total": 6]], attributes: ["window": 150])
        #expect(value("increase(total, attr.window)", context) == .number(5))
        #expect(value("increase(total, attr.window / 2)", context) == .number(2))
        #expect(value("increase(total, attr.window)", Self.stream([["total": 1], ["total": 4]])) == .unknown)  // no attribute
        #expect(value("increase(total, attr.window - attr.window)", context) == .unknown)  // empty window
    }

    @Test func absMinMax() {
        let context = InMemoryRuleContext(values: ["x": 3, "y": -7])
        #expect(value("abs(y)", context) == .number(7))
        #expect(value("abs(x - y)", context) == .number(10))
        #expect(value("min(x, y)", context) == .number(-7))
        #expect(value("max(x, y)", context) == .number(3))
        #expect(value("max(x, 10)", context) == .number(10))
        #expect(value("max(x, total)", context) == .unknown)
        #expect(value("min(total, x)", context) == .unknown)
        #expect(value("abs(total)", context) == .unknown)
        #expect(value("max(attr.window, 30s)", InMemoryRuleContext(attributes: ["window": 10])) == .number(30))
    }

    @Test func seriesStaysInsideTheWindow() {
        var context = InMemoryRuleContext()
        for minute in 0..<10 { context.receive(["x": .number(Double(minute))], atMs: Int64(minute) * Self.minute) }
        let field = RuleField(slot: 0, name: "x")
        #expect(context.series(field: field, windowSeconds: 180).map(\.value) == [7, 8, 9])
        #expect(context.series(field: field, windowSeconds: 181).map(\.value) == [6, 7, 8, 9])
        #expect(context.series(field: field, windowSeconds: 0.001).map(\.value) == [9])
        #expect(context.series(field: RuleField(slot: 1, name: "nope"), windowSeconds: 600).isEmpty)
        context.nowMs = 5 * Self.minute  // readings after "now" are not in the window
        #expect(context.series(field: field, windowSeconds: 120).map(\.value) == [4, 5])
    }
}
