import Maintenance
import Testing

/// Replacements before and after failure, and the self-test check.
@Suite("Replacement tally and self-test")
struct ReplacementTallyTests {
    let settings = BatterySettings()
    let dayMs = BatteryHistory.dayMs
    let hourMs = BatteryHistory.hourMs
    let startMs = BatteryHistory.startMs
    let heartbeatMs: Int64 = 90 * 60_000

    @Test func inTimeFlatAndSilentReplacements() {
        var simulated = BatteryHistory()
        // Swapped at about 12 %: before failure.
        var history = simulated.draining(days: 10, startPercent: 40, drainPerDay: 2.8, noisePercent: 1)
        // Run down to about 2 % (under the 5 % failure level), then swapped: a failure.
        history += simulated.draining(fromMs: startMs + 10 * dayMs, days: 10, startPercent: 100, drainPerDay: 9.8, noisePercent: 1)
        // Down to 50 %, then silent for two days before the swap: a failure though it read 50 %.
        history += simulated.draining(fromMs: startMs + 20 * dayMs, days: 10, startPercent: 100, drainPerDay: 5, noisePercent: 0)
        let last = history.last!.atMs
        history += simulated.draining(fromMs: last + 2 * dayMs, days: 5, startPercent: 100, drainPerDay: 0.2, noisePercent: 0)
        let found = BatteryReplacement.detect(in: history, settings: settings)
        #expect(found.map(\.atMs) == [startMs + 10 * dayMs, startMs + 20 * dayMs, last + 2 * dayMs])
        #expect(found.map { $0.wasBeforeFailure(heartbeatMs: heartbeatMs, settings: settings) } == [true, false, false])
        let all = ReplacementTally(history: history, fromMs: startMs, toMs: last + 10 * dayMs, heartbeatMs: heartbeatMs, settings: settings)
        #expect(all == ReplacementTally(replacements: 3, beforeFailure: 1))
        #expect(abs((all.share ?? 0) - 1.0 / 3) < 1e-9)
        // The period is half-open: the second replacement's own time starts the next period.
        let first = ReplacementTally(history: history, fromMs: startMs, toMs: startMs + 20 * dayMs, heartbeatMs: heartbeatMs, settings: settings)
        #expect(first == ReplacementTally(replacements: 1, beforeFailure: 1))
        #expect(first + all == ReplacementTally(replacements: 4, beforeFailure: 2))
        #expect(ReplacementTally().share == nil)
    }

    @Test func aSmallRiseIsNoReplacement() {
        var simulated = BatteryHistory()
        var history = simulated.draining(days: 10, startPercent: 60, drainPerDay: 1, noisePercent: 0)
        // A cold battery reads 10 points low for a few hours, then recovers.
        for i in 100..<104 { history[i].percent -= 10 }
        #expect(BatteryReplacement.detect(in: history, settings: settings).isEmpty)
    }

    @Test func selfTestDue() {
        let interval = 30 * dayMs
        let tested = SelfTestCheck(lastTestAtMs: startMs, registeredAtMs: startMs - 100 * dayMs, intervalMs: interval)
        #expect(tested.dueAtMs == startMs + interval)
        #expect(!tested.isOverdue(nowMs: startMs + interval - 1))
        #expect(tested.isOverdue(nowMs: startMs + interval))
        let never = SelfTestCheck(lastTestAtMs: nil, registeredAtMs: startMs, intervalMs: interval)
        #expect(!never.isOverdue(nowMs: startMs + dayMs), "a new detector is not due at once")
        #expect(never.isOverdue(nowMs: startMs + interval + hourMs))
    }
}
