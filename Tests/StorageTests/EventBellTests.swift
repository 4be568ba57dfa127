@testable import Storage
import Testing

/// The bell that wakes event consumers when ticket events commit: a ring ends a wait, no ring
/// times out, and a ring between reading the generation and waiting is not lost.
@Suite struct EventBellTests {
    @Test func theBellWakesWaitersAndTimesOutWithoutARing() async {
        let bell = EventBell()
        let generation = bell.generation
        let clock = ContinuousClock()
        let quiet = await clock.measure { await bell.wait(after: generation, timeout: .milliseconds(50)) }
        #expect(quiet >= .milliseconds(45))
        // Timeouts far beyond any scheduling delay: the other suites' blocking waits can hold this
        // machine's two cooperative threads for tens of seconds, but a lost ring waits the full 300 s.
        async let woken: Duration = clock.measure { await bell.wait(after: generation, timeout: .seconds(300)) }
        while bell.waiterCount == 0 { await Task.yield() }
        bell.ring()
        #expect(await woken < .seconds(150), "a ring ends the wait")
        // A ring between reading the generation and waiting is not lost.
        let stale = bell.generation
        bell.ring()
        let late = await clock.measure { await bell.wait(after: stale, timeout: .seconds(300)) }
        #expect(late < .seconds(150))
    }
}
