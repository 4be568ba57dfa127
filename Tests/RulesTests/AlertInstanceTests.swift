import Foundation
import Rules
import Testing

/// Times in these tests are offsets in milliseconds from an arbitrary origin.
private let sec: Int64 = 1000
private let minute: Int64 = 60_000

/// The alert state machine on its own: holds, cancellations, gap tolerance, each clear kind, count windows and deadlines.
@Suite struct AlertInstanceTests {
    /// A wristband-like rule: reports every minute, so a gap up to two minutes is tolerated.
    static func timing(hold: Int64 = 0, clear: RuleTiming.Clear = .whenFalse, count: RuleTiming.Count? = nil) -> RuleTiming {
        RuleTiming(holdMs: hold, gapToleranceMs: 2 * minute, clear: clear, count: count)
    }

    /// Feeds `(time, truth)` pairs and returns the actions, for compact expectations.
    static func feed(_ instance: inout AlertInstance, _ steps: [(Int64, Truth)], clear: Truth? = nil, rule: RuleTiming) -> [AlertInstance.Action] {
        steps.map { instance.conditionEvaluated($0.1, clear: clear, at: $0.0, rule: rule) }
    }

    // MARK: - firing

    @Test func trueWithoutHoldFiresOnTheFirstReading() {
        var alert = AlertInstance()
        #expect(alert.conditionEvaluated(.true, clear: nil, at: 5 * sec, rule: Self.timing()) == .fired)
        #expect(alert.phase == .firing && alert.firingSinceMs == 5 * sec && alert.pendingSinceMs == nil)
        #expect(alert.conditionEvaluated(.true, clear: nil, at: 65 * sec, rule: Self.timing()) == .none, "firing stays firing, no second event")
        #expect(alert.firingSinceMs == 5 * sec)
    }

    @Test func holdGoesPendingThenFiresOnTheReadingThatCompletesIt() {
        var alert = AlertInstance()
        let rule = Self.timing(hold: 45 * sec)
        #expect(Self.feed(&alert, [(0, .true), (15 * sec, .true), (30 * sec, .true)], rule: rule) == [.becamePending, .none, .none])
        #expect(alert.phase == .pending && alert.pendingSinceMs == 0)
        #expect(alert.conditionEvaluated(.true, clear: nil, at: 45 * sec, rule: rule) == .fired)
        #expect(alert.phase == .firing && alert.firingSinceMs == 45 * sec && alert.pendingSinceMs == nil)
    }

    @Test func holdFiresOnTimePassedWithoutWaitingForAReading() {
        var alert = AlertInstance()
        let rule = Self.timing(hold: 45 * sec)
        #expect(alert.conditionEvaluated(.true, clear: nil, at: 0, rule: rule) == .becamePending)
        #expect(alert.timePassed(to: 44_999, rule: rule) == .none)
        #expect(alert.phase == .pending)
        #expect(alert.timePassed(to: 45 * sec, rule: rule) == .fired)
        #expect(alert.phase == .firing && alert.firingSinceMs == 45 * sec)
    }

    @Test func falseReadingCancelsPending() {
        var alert = AlertInstance()
        let rule = Self.timing(hold: 5 * minute)
        #expect(Self.feed(&alert, [(0, .true), (1 * minute, .true), (2 * minute, .false)], rule: rule) == [.becamePending, .none, .cancelledPending])
        #expect(alert.phase == .inactive && alert.pendingSinceMs == nil)
        // A new hold starts from scratch: 5 minutes from the next true reading.
        #expect(Self.feed(&alert, [(3 * minute, .true), (5 * minute, .true), (7 * minute, .true), (8 * minute, .true)], rule: rule)
            == [.becamePending, .none, .none, .fired])
        #expect(alert.firingSinceMs == 8 * minute)
    }

    // MARK: - unknown

    @Test func unknownNeitherStartsNorBreaksAHold() {
        var alert = AlertInstance()
        let rule = Self.timing(hold: 3 * minute)
        #expect(alert.conditionEvaluated(.unknown, clear: nil, at: 0, rule: rule) == .none)
        #expect(alert.phase == .inactive)
        #expect(Self.feed(&alert, [(1 * minute, .true), (2 * minute, .unknown), (3 * minute, .true), (4 * minute, .true)], rule: rule)
            == [.becamePending, .none, .none, .fired])
    }

    @Test func unknownNeitherFiresNorClears() {
        var alert = AlertInstance()
        let rule = Self.timing()
        #expect(alert.conditionEvaluated(.true, clear: nil, at: 0, rule: rule) == .fired)
        #expect(Self.feed(&alert, (1...10).map { (Int64($0) * minute, Truth.unknown) }, clear: .unknown, rule: rule) == Array(repeating: .none, count: 10))
        #expect(alert.phase == .firing)
        #expect(alert.conditionEvaluated(.false, clear: nil, at: 11 * minute, rule: rule) == .resolved)
    }

    // MARK: - gap tolerance

    @Test func silenceLongerThanTheToleranceDropsAHold() {
        var alert = AlertInstance()
        let rule = Self.timing(hold: 10 * minute)
        #expect(alert.conditionEvaluated(.true, clear: nil, at: 0, rule: rule) == .becamePending)
        #expect(alert.timePassed(to: 2 * minute, rule: rule) == .none, "exactly the tolerance is still tolerated")
        #expect(alert.phase == .pending)
        #expect(alert.timePassed(to: 2 * minute + 1, rule: rule) == .cancelledPending)
        #expect(alert.phase == .inactive && alert.pendingSinceMs == nil)
    }

    @Test func trueReadingAfterALongGapRestartsTheHold() {
        var alert = AlertInstance()
        let rule = Self.timing(hold: 10 * minute)
        #expect(Self.feed(&alert, [(0, .true), (1 * minute, .true), (5 * minute, .true)], rule: rule) == [.becamePending, .none, .none])
        #expect(alert.pendingSinceMs == 5 * minute, "4 silent minutes > 2 min tolerance: the hold counts from 5 min")
        #expect(Self.feed(&alert, [(7 * minute, .true), (9 * minute, .true), (11 * minute, .true), (13 * minute, .true), (15 * minute, .true)], rule: rule)
            == [.none, .none, .none, .none, .fired])
    }

    @Test func gapWithinTheToleranceKeepsTheHold() {
        var alert = AlertInstance()
        let rule = Self.timing(hold: 5 * minute)
        #expect(Self.feed(&alert, [(0, .true), (2 * minute, .true), (4 * minute, .true), (5 * minute, .true)], rule: rule)
            == [.becamePending, .none, .none, .fired])
    }

    // MARK: - clearing

    @Test func whenFalseClearResolvesOnTheFirstFalseReading() {
        var alert = AlertInstance()
        let rule = Self.timing(clear: .whenFalse)
        #expect(Self.feed(&alert, [(0, .true), (1 * minute, .true), (2 * minute, .false)], rule: rule) == [.fired, .none, .resolved])
        #expect(alert.phase == .inactive && alert.firingSinceMs == nil)
        #expect(alert.timePassed(to: 1000 * minute, rule: rule) == .none)
    }

    @Test func clearConditionMustHoldForItsDuration() {
        var alert = AlertInstance()
        let rule = Self.timing(clear: .condition(holdMs: 60 * sec))
        #expect(alert.conditionEvaluated(.true, clear: nil, at: 0, rule: rule) == .fired)
        #expect(alert.conditionEvaluated(.false, clear: .true, at: 15 * sec, rule: rule) == .none)
        #expect(alert.clearingSinceMs == 15 * sec)
        #expect(alert.conditionEvaluated(.false, clear: .true, at: 45 * sec, rule: rule) == .none)
        #expect(alert.conditionEvaluated(.false, clear: .true, at: 75 * sec, rule: rule) == .resolved)
        #expect(alert.phase == .inactive && alert.clearingSinceMs == nil && alert.lastClearTrueMs == nil)
    }

    @Test func deadBandNeitherFiresAgainNorClears() {
        // Firing condition false (back inside the bounds) but the clear condition false too
        // (not yet inside the dead band): the alert stays firing and no clear hold runs.
        var alert = AlertInstance()
        let rule = Self.timing(clear: .condition(holdMs: 60 * sec))
        #expect(alert.conditionEvaluated(.true, clear: nil, at: 0, rule: rule) == .fired)
        #expect(Self.feed(&alert, (1...20).map { (Int64($0) * 15 * sec, Truth.false) }, clear: .false, rule: rule) == Array(repeating: .none, count: 20))
        #expect(alert.phase == .firing && alert.clearingSinceMs == nil)
    }

    @Test func clearHoldIsBrokenByLeavingTheDeadBandOrByTheConditionReturning() {
        var alert = AlertInstance()
        let rule = Self.timing(clear: .condition(holdMs: 60 * sec))
        #expect(alert.conditionEvaluated(.true, clear: nil, at: 0, rule: rule) == .fired)
        #expect(alert.conditionEvaluated(.false, clear: .true, at: 15 * sec, rule: rule) == .none)
        #expect(alert.conditionEvaluated(.false, clear: .false, at: 30 * sec, rule: rule) == .none)
        #expect(alert.clearingSinceMs == nil)
        #expect(alert.conditionEvaluated(.false, clear: .true, at: 45 * sec, rule: rule) == .none)
        #expect(alert.conditionEvaluated(.true, clear: nil, at: 60 * sec, rule: rule) == .none)
        #expect(alert.clearingSinceMs == nil, "the firing condition true again resets the clear hold")
        #expect(alert.conditionEvaluated(.false, clear: .true, at: 75 * sec, rule: rule) == .none)
        #expect(alert.conditionEvaluated(.false, clear: .true, at: 120 * sec, rule: rule) == .none)
        #expect(alert.conditionEvaluated(.false, clear: .true, at: 135 * sec, rule: rule) == .resolved)
    }

    @Test func unknownClearConditionNeitherStartsNorBreaksTheClearHold() {
        var alert = AlertInstance()
        let rule = Self.timing(clear: .condition(holdMs: 60 * sec))
        #expect(alert.conditionEvaluated(.true, clear: nil, at: 0, rule: rule) == .fired)
        #expect(alert.conditionEvaluated(.unknown, clear: .unknown, at: 15 * sec, rule: rule) == .none)
        #expect(alert.clearingSinceMs == nil)
        #expect(alert.conditionEvaluated(.false, clear: .true, at: 30 * sec, rule: rule) == .none)
        #expect(alert.conditionEvaluated(.unknown, clear: .unknown, at: 60 * sec, rule: rule) == .none)
        #expect(alert.clearingSinceMs == 30 * sec)
        #expect(alert.conditionEvaluated(.false, clear: .true, at: 90 * sec, rule: rule) == .resolved)
    }

    @Test func clearHoldCompletesOnTimePassedWhileTheLastClearReadingIsFresh() {
        var alert = AlertInstance()
        let rule = Self.timing(clear: .condition(holdMs: 60 * sec))
        #expect(alert.conditionEvaluated(.true, clear: nil, at: 0, rule: rule) == .fired)
        #expect(alert.conditionEvaluated(.false, clear: .true, at: 10 * sec, rule: rule) == .none)
        #expect(alert.timePassed(to: 69 * sec, rule: rule) == .none)
        #expect(alert.timePassed(to: 70 * sec, rule: rule) == .resolved)
    }

    @Test func clearHoldDoesNotCompleteOnTimePassedAfterTheReadingsStopped() {
        var alert = AlertInstance()
        let rule = Self.timing(clear: .condition(holdMs: 5 * minute))
        #expect(alert.conditionEvaluated(.true, clear: nil, at: 0, rule: rule) == .fired)
        #expect(alert.conditionEvaluated(.false, clear: .true, at: 1 * minute, rule: rule) == .none)
        // Nothing heard for 5 minutes (more than the 2 minute tolerance): unknown, not clear.
        #expect(alert.timePassed(to: 6 * minute, rule: rule) == .none)
        #expect(alert.phase == .firing)
    }

    /// A clear hold whose last clear-true reading is older than the tolerance is unknown:
    /// `timePassed` drops it, so its deadline does not stay in the past (the engine would pop
    /// it again and again).
    @Test
    func deadlineMovesPastNowWhenAStaleClearHoldChangesNothing() {
        var alert = AlertInstance()
        let rule = Self.timing(clear: .condition(holdMs: 5 * minute))
        _ = alert.conditionEvaluated(.true, clear: nil, at: 0, rule: rule)
        _ = alert.conditionEvaluated(.false, clear: .true, at: 1 * minute, rule: rule)
        #expect(alert.timePassed(to: 6 * minute, rule: rule) == .none)
        #expect(alert.nextDeadline(rule: rule).map { $0 > 6 * minute } ?? true)
    }

    @Test func quietClearResolvesAfterTheConditionWasNotTrueForTheDuration() {
        var alert = AlertInstance()
        let rule = Self.timing(clear: .quiet(30 * minute))
        #expect(alert.conditionEvaluated(.true, clear: nil, at: 0, rule: rule) == .fired)
        #expect(alert.conditionEvaluated(.false, clear: nil, at: 1 * minute, rule: rule) == .none, "false alone does not clear a quiet rule")
        #expect(alert.conditionEvaluated(.true, clear: nil, at: 10 * minute, rule: rule) == .none)
        #expect(alert.timePassed(to: 39 * minute + 59 * sec, rule: rule) == .none, "quiet counts from the last true reading, 10 min")
        #expect(alert.timePassed(to: 40 * minute, rule: rule) == .resolved)
        #expect(alert.phase == .inactive)
    }

    @Test func manualClearNeverResolvesByItself() {
        var alert = AlertInstance()
        let rule = Self.timing(clear: .manual)
        #expect(alert.conditionEvaluated(.true, clear: nil, at: 0, rule: rule) == .fired)
        #expect(Self.feed(&alert, (1...5).map { (Int64($0) * minute, Truth.false) }, clear: .true, rule: rule) == Array(repeating: .none, count: 5))
        #expect(alert.timePassed(to: 30 * 24 * 60 * minute, rule: rule) == .none)
        #expect(alert.nextDeadline(rule: rule) == nil)
        #expect(alert.phase == .firing)
        #expect(alert.resolve() == .resolved)
        #expect(alert.phase == .inactive)
        #expect(alert.resolve() == .none, "resolving an inactive alert does nothing")
    }

    @Test func resolvingAPendingAlertCancelsIt() {
        var alert = AlertInstance()
        let rule = Self.timing(hold: 5 * minute)
        #expect(alert.conditionEvaluated(.true, clear: nil, at: 0, rule: rule) == .becamePending)
        #expect(alert.resolve() == .cancelledPending)
        #expect(alert.phase == .inactive && alert.pendingSinceMs == nil)
    }

    // MARK: - count

    @Test func fiveOccurrencesWithinTenMinutesFire() {
        var alert = AlertInstance()
        let rule = Self.timing(clear: .quiet(30 * minute), count: RuleTiming.Count(atLeast: 5, withinMs: 10 * minute))
        let steps: [(Int64, Truth)] = [(0, .true), (1 * minute, .false), (2 * minute, .true), (4 * minute, .true), (6 * minute, .true), (7 * minute, .false), (9 * minute, .true)]
        #expect(Self.feed(&alert, steps, rule: rule) == [.none, .none, .none, .none, .none, .none, .fired])
        #expect(alert.firingSinceMs == 9 * minute)
    }

    @Test func fiveOccurrencesSpreadWiderThanTheWindowDoNotFire() {
        var alert = AlertInstance()
        let rule = Self.timing(clear: .quiet(30 * minute), count: RuleTiming.Count(atLeast: 5, withinMs: 10 * minute))
        let steps: [(Int64, Truth)] = (0..<8).map { (Int64($0) * 3 * minute, .true) }  // every 3 min: at most 4 in any 10 min
        #expect(Self.feed(&alert, steps, rule: rule) == Array(repeating: .none, count: 8))
        #expect(alert.phase == .inactive)
        #expect(alert.occurrencesMs == [12 * minute, 15 * minute, 18 * minute, 21 * minute], "older occurrences slide out of the window")
    }

    @Test func countWindowSlides() {
        var alert = AlertInstance()
        let rule = Self.timing(clear: .quiet(30 * minute), count: RuleTiming.Count(atLeast: 3, withinMs: 10 * minute))
        #expect(Self.feed(&alert, [(0, .true), (8 * minute, .true), (11 * minute, .true)], rule: rule) == [.none, .none, .none])
        #expect(alert.occurrencesMs == [8 * minute, 11 * minute])
        #expect(alert.conditionEvaluated(.true, clear: nil, at: 12 * minute, rule: rule) == .fired)
    }

    @Test func timePassedForgetsOccurrencesOutsideTheWindow() {
        var alert = AlertInstance()
        let rule = Self.timing(clear: .quiet(30 * minute), count: RuleTiming.Count(atLeast: 3, withinMs: 10 * minute))
        _ = Self.feed(&alert, [(0, .true), (1 * minute, .true)], rule: rule)
        #expect(alert.timePassed(to: 10 * minute + 30 * sec, rule: rule) == .none)
        #expect(alert.occurrencesMs == [1 * minute])
        #expect(alert.conditionEvaluated(.true, clear: nil, at: 11 * minute, rule: rule) == .none)
        #expect(alert.phase == .inactive)
    }

    // MARK: - deadlines

    @Test func nextDeadlineOfAPendingHoldIsTheEarlierOfHoldEndAndToleranceEnd() {
        var alert = AlertInstance()
        let short = Self.timing(hold: 45 * sec)
        #expect(alert.nextDeadline(rule: short) == nil, "inactive: nothing to wait for")
        _ = alert.conditionEvaluated(.true, clear: nil, at: 10 * sec, rule: short)
        #expect(alert.nextDeadline(rule: short) == 55 * sec)

        var long = AlertInstance()
        let hold = Self.timing(hold: 10 * minute)
        _ = long.conditionEvaluated(.true, clear: nil, at: 0, rule: hold)
        _ = long.conditionEvaluated(.true, clear: nil, at: 1 * minute, rule: hold)
        #expect(long.nextDeadline(rule: hold) == 3 * minute + 1, "the instant the last true reading goes stale")
    }

    @Test func nextDeadlineOfFiringAlertsByClearKind() {
        var quiet = AlertInstance()
        let quietRule = Self.timing(clear: .quiet(30 * minute))
        _ = quiet.conditionEvaluated(.true, clear: nil, at: 2 * minute, rule: quietRule)
        #expect(quiet.nextDeadline(rule: quietRule) == 32 * minute)

        var condition = AlertInstance()
        let conditionRule = Self.timing(clear: .condition(holdMs: 60 * sec))
        _ = condition.conditionEvaluated(.true, clear: nil, at: 0, rule: conditionRule)
        #expect(condition.nextDeadline(rule: conditionRule) == nil, "no clear hold running yet")
        _ = condition.conditionEvaluated(.false, clear: .true, at: 20 * sec, rule: conditionRule)
        #expect(condition.nextDeadline(rule: conditionRule) == 80 * sec)

        var whenFalse = AlertInstance()
        let whenFalseRule = Self.timing()
        _ = whenFalse.conditionEvaluated(.true, clear: nil, at: 0, rule: whenFalseRule)
        #expect(whenFalse.nextDeadline(rule: whenFalseRule) == nil, "only a reading can clear it")
    }

    @Test func instanceSurvivesAnEncodeDecodeRoundTrip() throws {
        var alert = AlertInstance()
        let rule = Self.timing(hold: 2 * minute)
        _ = Self.feed(&alert, [(0, .true), (1 * minute, .true)], rule: rule)
        let data = try JSONEncoder().encode(alert)
        let decoded = try JSONDecoder().decode(AlertInstance.self, from: data)
        #expect(decoded == alert)
        var resumed = decoded
        #expect(resumed.timePassed(to: 2 * minute, rule: rule) == .fired, "a restored hold fires on time")
    }
}
