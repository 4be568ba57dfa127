import Devices
import Foundation
import Testing
import Tickets

/// The follow-up (回访) after a resolution, in virtual time: due after three working days,
/// attempts, closing as not reached, remediation on a dissatisfied answer, the overdue warning once.
@Suite struct FollowUpTests {
    typealias F = TicketFixture
    static let resolvedAt = F.t0 + 2 * F.hour

    static func resolved(settings: TicketSettings = F.settings()) throws -> TicketLifecycle {
        var lifecycle = F.open(settings: settings)
        _ = try lifecycle.eventHappened(.acknowledge, at: F.t0 + 5 * F.minute, by: "wang")
        _ = try lifecycle.eventHappened(.resolve(note: "reset the detector"), at: resolvedAt, by: "wang")
        return lifecycle
    }

    @Test func resolvingOpensAFollowUpDueAfterThreeWorkingDays() throws {
        let lifecycle = try Self.resolved()
        let followUp = try #require(lifecycle.ticket.followUp)
        // Resolved Monday 12:00: due at the end of Thursday's working day.
        #expect(F.text(followUp.dueAt) == "2026-03-05T18:00:00+08:00")
        #expect(followUp.cycle == 1 && followUp.openedAt == Self.resolvedAt && followUp.isOpen)
        #expect(lifecycle.nextDeadline() == followUp.dueAt)
        let json = lifecycle.ticket.contractJSON(timeZone: F.zone)
        #expect(json["follow_up"]?["due_at"]?.string == "2026-03-05T18:00:00+08:00")
        #expect(json["follow_up"]?["done_at"] == .null && json["follow_up"]?["reached"] == .null)
    }

    @Test func aContentResidentClosesTheLoop() throws {
        var lifecycle = try Self.resolved()
        let action = try lifecycle.eventHappened(.followUp(FollowUpAnswer(reached: true, satisfaction: 5, recommend: 9, comment: "quick and kind")),
                                                 at: Self.resolvedAt + F.hour, by: "chen")
        #expect(action == .followedUp(outcome: .closed))
        let ticket = lifecycle.ticket
        #expect(ticket.state == .closed && ticket.closedAt == Self.resolvedAt + F.hour)
        #expect(ticket.followUp?.reached == true && ticket.followUp?.satisfaction == 5 && ticket.followUp?.recommend == 9)
        #expect(ticket.followUp?.by == "chen" && ticket.followUp?.comment == "quick and kind" && ticket.followUp?.onTime == true)
        #expect(ticket.timeline.suffix(2).map(\.action) == ["followed_up", "closed"])
        #expect(lifecycle.nextDeadline() == nil, "nothing is left to wait for")
        #expect(throws: TicketTransitionError.self) {
            try lifecycle.eventHappened(.followUp(FollowUpAnswer(reached: true, satisfaction: 4)), at: Self.resolvedAt + 2 * F.hour, by: "chen")
        }
    }

    @Test func aDissatisfiedResidentReopensTheTicketAsRemediation() throws {
        var lifecycle = try Self.resolved()
        let action = try lifecycle.eventHappened(.followUp(FollowUpAnswer(reached: true, satisfaction: 2, recommend: 3, comment: "still beeps")),
                                                 at: Self.resolvedAt + F.hour, by: "chen")
        #expect(action == .followedUp(outcome: .reopened))
        #expect(lifecycle.ticket.state == .open && lifecycle.ticket.cycle == 2 && lifecycle.ticket.reopenCount == 1)
        #expect(lifecycle.ticket.reopenCauses == ["dissatisfaction": 1])
        #expect(lifecycle.ticket.respondBy == Self.resolvedAt + F.hour + 30 * F.minute, "a new response clock")
        // The next resolution gets its own follow-up; the first answer is kept for the figures.
        _ = try lifecycle.eventHappened(.resolve(note: "replaced the detector"), at: Self.resolvedAt + 3 * F.hour, by: "wang")
        #expect(lifecycle.ticket.followUp?.cycle == 2 && lifecycle.ticket.followUp?.isOpen == true)
        #expect(lifecycle.ticket.followUpHistory?.map(\.satisfaction) == [2])
        #expect(lifecycle.ticket.followUps.count == 2)
    }

    @Test func aResidentNotReachedAfterTheAttemptsIsClosedAsNotReached() throws {
        var settings = F.settings()
        settings.followUpAttempts = 3
        var lifecycle = try Self.resolved(settings: settings)
        let notReached = FollowUpAnswer(reached: false, comment: "no answer")
        #expect(try lifecycle.eventHappened(.followUp(notReached), at: Self.resolvedAt + F.hour, by: "chen") == .followedUp(outcome: .attemptFailed))
        #expect(try lifecycle.eventHappened(.followUp(notReached), at: Self.resolvedAt + 2 * F.hour, by: "chen") == .followedUp(outcome: .attemptFailed))
        #expect(lifecycle.ticket.state == .resolved && lifecycle.ticket.followUp?.failedAttempts == 2 && lifecycle.ticket.followUp?.isOpen == true)
        #expect(try lifecycle.eventHappened(.followUp(notReached), at: Self.resolvedAt + 3 * F.hour, by: "chen") == .followedUp(outcome: .notReached))
        #expect(lifecycle.ticket.state == .closed && lifecycle.ticket.followUp?.reached == false)
        #expect(lifecycle.ticket.timeline.filter { $0.action == "follow_up_attempt" }.count == 2)
    }

    @Test func anOverdueFollowUpWarnsOnceAcrossARestart() throws {
        var lifecycle = try Self.resolved()
        let due = try #require(lifecycle.ticket.followUp?.dueAt)
        #expect(lifecycle.timePassed(to: due - 1) == [])
        #expect(lifecycle.timePassed(to: due) == [.followUpOverdue])
        var restarted = try F.restarted(lifecycle)
        #expect(restarted.timePassed(to: due + F.hour) == [])
        #expect(restarted.nextDeadline() == nil)
        #expect(restarted.ticket.timeline.last?.action == "follow_up_overdue")
        // Late is still better than never: the answer is taken, and counted as late.
        _ = try restarted.eventHappened(.followUp(FollowUpAnswer(reached: true, satisfaction: 4)), at: due + 2 * F.hour, by: "chen")
        #expect(restarted.ticket.followUp?.onTime == false)
    }

    @Test func answersOutOfRangeAndTicketsWithoutAFollowUpAreRefused() throws {
        var lifecycle = try Self.resolved()
        for answer in [FollowUpAnswer(reached: true, satisfaction: 6), FollowUpAnswer(reached: true, recommend: 11),
                       FollowUpAnswer(reached: false, satisfaction: 3)] {
            #expect(throws: TicketTransitionError.self) { try lifecycle.eventHappened(.followUp(answer), at: Self.resolvedAt + F.hour, by: "chen") }
        }
        #expect(lifecycle.ticket.followUp?.failedAttempts == 0, "a refused answer changes nothing")
        var open = F.open()
        #expect(throws: TicketTransitionError.invalidTransition(event: "follow_up", state: .open)) {
            try open.eventHappened(.followUp(FollowUpAnswer(reached: true)), at: F.t0 + F.hour, by: "chen")
        }
        // An alarm that cleared by itself served nobody: no follow-up.
        var cleared = F.open(tier: "general", autoResolvable: true)
        _ = try cleared.eventHappened(.alertCleared, at: F.t0 + F.minute, by: "rules")
        #expect(cleared.ticket.state == .resolved && cleared.ticket.followUp == nil)
        #expect(throws: TicketTransitionError.self) { try cleared.eventHappened(.followUp(FollowUpAnswer(reached: true)), at: F.t0 + F.hour, by: "chen") }
    }

    @Test func followUpsCanBeSwitchedOff() throws {
        var settings = F.settings()
        settings.followUpWithin = nil
        let lifecycle = try Self.resolved(settings: settings)
        #expect(lifecycle.ticket.followUp == nil && lifecycle.nextDeadline() == nil)
    }

    @Test func theDeskWarnsAboutAnOverdueFollowUpAndRecordsTheAnswer() throws {
        let desk = TicketDesk(settings: F.settings(), policies: SLAPolicy.defaults)
        var ledger = MemoryTicketLedger()
        let device = Device(id: "smoke-1", type: "smoke", community: "maple", building: "1", unit: "101")
        let alert = TicketDesk.Alert(rule: "smoke_alarm", device: device, severity: "emergency", category: "fire", title: "Smoke",
                                     lifeSafety: true, autoResolvable: false)
        _ = try desk.alertFired(alert, at: F.t0, in: &ledger)
        _ = try desk.handle(.resolve(note: "false alarm, cooking"), ticketID: "T-000001", at: F.t0 + F.hour, by: "wang", in: &ledger)
        let due = try #require(ledger.ticket(id: "T-000001")?.followUp?.dueAt)
        let warned = try desk.timePassed(to: due + F.minute, in: &ledger)
        #expect(warned.map(\.action) == [.followUpOverdue] && warned.first?.atMs == due)
        #expect(try desk.timePassed(to: due + F.hour, in: &ledger).isEmpty)
        let answered = try desk.handle(.followUp(FollowUpAnswer(reached: true, satisfaction: 1, comment: "still smells of smoke")), ticketID: "T-000001",
                                       at: due + 2 * F.hour, by: "chen", in: &ledger)
        // The reopen is told as such too: the duty desk's alarm and the webhooks listen for it.
        #expect(answered.map(\.action) == [.followedUp(outcome: .reopened), .reopened(cycle: 2)])
        let message = try #require(answered.first?.message(actor: "chen", timeZone: F.zone))
        #expect(message.event == "ticket_followed_up" && message.body["outcome"]?.string == "reopened")
        // What the resident said never travels in an event copy (MQTT, webhooks).
        #expect(message.body["ticket"]?["follow_up"]?["comment"] == .null)
        #expect(answered.first?.ticket.followUp?.comment == "still smells of smoke")
        // The alarm firing again later is remediation of another cause.
        _ = try desk.handle(.resolve(note: "replaced"), ticketID: "T-000001", at: due + 3 * F.hour, by: "wang", in: &ledger)
        _ = try desk.alertFired(alert, at: due + 4 * F.hour, in: &ledger)
        #expect(ledger.ticket(id: "T-000001")?.reopenCauses == ["dissatisfaction": 1, "alarm": 1])
    }
}
