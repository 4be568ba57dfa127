import Devices
import Foundation
import Testing
import Tickets

/// Resolution overdue (服务超期): the resolve clock's three levels at 50 %, 80 % and 100 % of
/// its window, each once per cycle, the last transferring the ticket up; pauses move them on.
@Suite struct ResolveClockTests {
    typealias F = TicketFixture

    @Test func theResolveClockWarnsAtThreeLevelsAndTransfersAtTheLast() throws {
        var lifecycle = F.open()
        _ = try lifecycle.eventHappened(.acknowledge, at: F.t0 + 5 * F.minute, by: "wang")
        #expect(lifecycle.ticket.resolveWarnAt == [F.t0 + 36 * F.hour, F.t0 + 36 * F.hour * 8 / 5, F.t0 + 72 * F.hour])
        #expect(lifecycle.timePassed(to: F.t0 + 36 * F.hour) == [.warned(level: 1, clock: .resolve)])
        var restarted = try F.restarted(lifecycle)
        #expect(restarted.timePassed(to: F.t0 + 40 * F.hour) == [], "a level fires once, restart or not")
        #expect(restarted.timePassed(to: F.t0 + 72 * F.hour)
            == [.warned(level: 2, clock: .resolve), .warned(level: 3, clock: .resolve), .transferred(team: "community", clock: .resolve),
                .resolutionBreached])
        #expect(restarted.ticket.team == "community" && restarted.ticket.resolveEscalationLevel == 3)
        #expect(restarted.ticket.escalationLevel == 0, "the response clock's level is its own")
        #expect(restarted.ticket.timeline.last { $0.action == "transferred" }?.detail == "from grid to community: resolution overdue")
        #expect(restarted.timePassed(to: F.t0 + 100 * F.hour) == [] && restarted.nextDeadline() == nil)
    }

    @Test func eventsSayWhichClockWarned() throws {
        let ticket = F.open().ticket
        for (action, clock) in [(TicketAction.warned(level: 2, clock: .resolve), "resolve"), (.warned(level: 2), "respond"),
                                (.transferred(team: "community", clock: .resolve), "resolve")] {
            let message = try #require(TicketDesk.Happening(atMs: F.t0, action: action, ticket: ticket).message(actor: "gridwatch", timeZone: F.zone))
            #expect(message.body["clock"]?.string == clock)
        }
    }

    @Test func aPauseMovesTheLevelsNotYetFired() throws {
        var lifecycle = F.open()
        _ = try lifecycle.eventHappened(.acknowledge, at: F.t0 + F.minute, by: "wang")
        #expect(lifecycle.timePassed(to: F.t0 + 36 * F.hour) == [.warned(level: 1, clock: .resolve)])
        _ = try lifecycle.eventHappened(.pend(reason: "parts on order"), at: F.t0 + 40 * F.hour, by: "wang")
        #expect(lifecycle.timePassed(to: F.t0 + 80 * F.hour) == [], "the clock stands still while pending")
        _ = try lifecycle.eventHappened(.resume, at: F.t0 + 50 * F.hour, by: "wang")
        let paused = 10 * F.hour
        #expect(lifecycle.ticket.resolveWarnAt == [F.t0 + 36 * F.hour, F.t0 + 36 * F.hour * 8 / 5 + paused, F.t0 + 72 * F.hour + paused])
        #expect(lifecycle.nextDeadline() == F.t0 + 36 * F.hour * 8 / 5 + paused)
    }

    @Test func aReopenStartsTheLevelsAgain() throws {
        var lifecycle = F.open()
        _ = try lifecycle.eventHappened(.acknowledge, at: F.t0 + F.minute, by: "wang")
        _ = lifecycle.timePassed(to: F.t0 + 60 * F.hour)
        _ = try lifecycle.eventHappened(.resolve(note: "done"), at: F.t0 + 61 * F.hour, by: "wang")
        _ = try lifecycle.eventHappened(.reopen(reason: "leaks again"), at: F.t0 + 62 * F.hour, by: "chen")
        #expect(lifecycle.ticket.resolveEscalationLevel == 0 && lifecycle.ticket.reopenCauses == ["staff": 1])
        #expect(lifecycle.ticket.resolveWarnAt?.first == F.t0 + 62 * F.hour + 36 * F.hour)
    }
}
