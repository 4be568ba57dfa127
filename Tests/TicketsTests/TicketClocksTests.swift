import Foundation
import Testing
import Tickets

/// The SLA clocks in virtual time: three-level warnings once each (across a restart too),
/// transfer up the hierarchy, breaches, the acknowledgement timeout, working-day deadlines
/// and policies frozen at opening.
@Suite struct TicketClocksTests {
    typealias F = TicketFixture
    static let minute = F.minute
    static let hour = F.hour

    @Test func warningsAt50_80_100PercentFireOnceEach() {
        var lifecycle = F.open()
        #expect(lifecycle.nextDeadline() == F.t0 + 15 * Self.minute)
        #expect(lifecycle.timePassed(to: F.t0 + 15 * Self.minute - 1) == [])
        #expect(lifecycle.timePassed(to: F.t0 + 15 * Self.minute) == [.warned(level: 1)])
        #expect(lifecycle.timePassed(to: F.t0 + 16 * Self.minute) == [])
        #expect(lifecycle.nextDeadline() == F.t0 + 24 * Self.minute)
        #expect(lifecycle.timePassed(to: F.t0 + 24 * Self.minute) == [.warned(level: 2)])
        #expect(lifecycle.timePassed(to: F.t0 + 30 * Self.minute)
            == [.warned(level: 3), .transferred(team: "community"), .responseBreached])
        #expect(lifecycle.timePassed(to: F.t0 + 40 * Self.minute) == [])
        // Next: the resolve clock's first level, half way through its 72 h.
        #expect(lifecycle.nextDeadline() == F.t0 + 36 * Self.hour)
        #expect(lifecycle.ticket.escalationLevel == 3 && lifecycle.ticket.team == "community")
        #expect(lifecycle.ticket.timeline.map(\.action)
            == ["opened", "warned", "warned", "warned", "transferred", "response_breached"])
        #expect(lifecycle.ticket.timeline.allSatisfy { $0.actor == "gridwatch" || $0.action == "opened" })
    }

    @Test func levelsDueDuringARestartFireOnceNotTwice() throws {
        var lifecycle = F.open()
        #expect(lifecycle.timePassed(to: F.t0 + 16 * Self.minute) == [.warned(level: 1)])
        // Down from minute 16 to hour 10: the state comes back from storage.
        var restarted = try F.restarted(lifecycle)
        #expect(restarted.timePassed(to: F.t0 + 10 * Self.hour)
            == [.warned(level: 2), .warned(level: 3), .transferred(team: "community"), .responseBreached])
        var again = try F.restarted(restarted)
        #expect(again.timePassed(to: F.t0 + 11 * Self.hour) == [])
        #expect(again.ticket.timeline.filter { $0.action == "warned" }.count == 3)

        // Never ticked before the restart: all due levels fire at once, then never again.
        var cold = try F.restarted(F.open())
        #expect(cold.timePassed(to: F.t0 + 100 * Self.hour)
            == [.warned(level: 1), .warned(level: 2), .warned(level: 3), .transferred(team: "community"), .responseBreached,
                .warned(level: 1, clock: .resolve), .warned(level: 2, clock: .resolve), .warned(level: 3, clock: .resolve),
                .transferred(team: "street_office", clock: .resolve), .resolutionBreached])
        var warm = try F.restarted(cold)
        #expect(warm.timePassed(to: F.t0 + 200 * Self.hour) == [])
        #expect(warm.nextDeadline() == nil)
    }

    @Test func levelThreeTransfersUpTheHierarchy() throws {
        var lifecycle = F.open()
        _ = lifecycle.timePassed(to: F.t0 + Self.hour)
        #expect(lifecycle.ticket.team == "community")
        _ = try lifecycle.eventHappened(.resolve(note: "reset"), at: F.t0 + 2 * Self.hour, by: "wang")
        _ = try lifecycle.eventHappened(.reopen(reason: "again"), at: F.t0 + 3 * Self.hour, by: "wang")
        #expect(lifecycle.timePassed(to: F.t0 + 4 * Self.hour)
            == [.warned(level: 1), .warned(level: 2), .warned(level: 3), .transferred(team: "street_office"), .responseBreached])
        #expect(lifecycle.ticket.timeline.last { $0.action == "transferred" }?.detail == "from community to street_office: response overdue")
        _ = try lifecycle.eventHappened(.resolve(note: "reset"), at: F.t0 + 5 * Self.hour, by: "wang")
        _ = try lifecycle.eventHappened(.reopen(reason: "again"), at: F.t0 + 6 * Self.hour, by: "wang")
        // The top of the chain: the level still fires, the ticket stays, the timeline says why.
        #expect(lifecycle.timePassed(to: F.t0 + 7 * Self.hour)
            == [.warned(level: 1), .warned(level: 2), .warned(level: 3), .responseBreached])
        #expect(lifecycle.ticket.team == "street_office" && lifecycle.ticket.timeline.contains { $0.action == "not_transferred" })
        #expect(TicketAction.transferred(team: "x").replayEvent == "ticket_transferred")
    }

    @Test func acknowledgementStopsTheWarnings() throws {
        var lifecycle = F.open()
        _ = lifecycle.timePassed(to: F.t0 + 20 * Self.minute)
        _ = try lifecycle.eventHappened(.acknowledge, at: F.t0 + 20 * Self.minute, by: "wang")
        #expect(lifecycle.timePassed(to: F.t0 + 2 * Self.hour) == [])
        #expect(lifecycle.ticket.escalationLevel == 1 && !lifecycle.ticket.responseBreached)
        // The response clock stopped; the resolve clock's levels remain, the last one transfers.
        #expect(lifecycle.nextDeadline() == F.t0 + 36 * Self.hour)
        #expect(lifecycle.timePassed(to: F.t0 + 72 * Self.hour)
            == [.warned(level: 1, clock: .resolve), .warned(level: 2, clock: .resolve), .warned(level: 3, clock: .resolve),
                .transferred(team: "community", clock: .resolve), .resolutionBreached])
        #expect(lifecycle.timePassed(to: F.t0 + 73 * Self.hour) == [])
    }

    @Test func anAcknowledgementWithoutProgressFallsBackToOpen() throws {
        var lifecycle = F.open(settings: F.settings(ackTimeoutMs: 10 * Self.minute))
        _ = try lifecycle.eventHappened(.acknowledge, at: F.t0 + 5 * Self.minute, by: "wang")
        #expect(lifecycle.nextDeadline() == F.t0 + 15 * Self.minute)
        #expect(lifecycle.timePassed(to: F.t0 + 15 * Self.minute) == [.fellBackToOpen, .warned(level: 1)])
        #expect(lifecycle.ticket.state == .open && lifecycle.ticket.acknowledgedAt == nil)
        #expect(lifecycle.ticket.timeline.contains { $0.action == "ack_timeout" })
        // The response clock runs again: the remaining levels follow on schedule.
        #expect(lifecycle.timePassed(to: F.t0 + 24 * Self.minute) == [.warned(level: 2)])

        // Starting work in time is progress: no fallback.
        var started = F.open(settings: F.settings(ackTimeoutMs: 10 * Self.minute))
        _ = try started.eventHappened(.acknowledge, at: F.t0 + 5 * Self.minute, by: "wang")
        _ = try started.eventHappened(.start, at: F.t0 + 12 * Self.minute, by: "wang")
        #expect(started.timePassed(to: F.t0 + Self.hour) == [])
        #expect(started.ticket.state == .inProgress)
    }

    @Test func complexTierCountsWorkingDaysOnTheOfficialCalendar() throws {
        let calendar = try F.cn2026()
        let opened = try F.ms("2026-02-13T17:00:00+08:00")
        let lifecycle = F.open(tier: "complex", at: opened, settings: F.settings(calendar: calendar))
        // Sat 14 is a make-up working day (1), 15-23 Spring Festival, Tue 24 (2), Wed 25 (3).
        #expect(F.text(lifecycle.ticket.respondBy) == "2026-02-25T18:00:00+08:00")
        #expect(F.text(lifecycle.ticket.resolveBy) == "2026-02-16T17:00:00+08:00")
        #expect(lifecycle.ticket.warnAt.last == lifecycle.ticket.respondBy)
    }

    @Test func earlyWarningsOfOrdinaryTiersWaitForWorkingHours() throws {
        let deferring = WarningPolicy(deferToWorkingHours: true)
        let opened = try F.ms("2026-03-03T20:00:00+08:00")   // Tuesday evening
        let general = F.open(tier: "general", at: opened, settings: F.settings(warnings: deferring))
        // 50 % falls at 08:00 and waits for 09:00; 80 % is in hours; level 3 never waits.
        #expect(general.ticket.warnAt.map(F.text)
            == ["2026-03-04T09:00:00+08:00", "2026-03-04T15:12:00+08:00", "2026-03-04T20:00:00+08:00"])
        let emergency = F.open(tier: "emergency", at: opened, settings: F.settings(warnings: deferring))
        #expect(emergency.ticket.warnAt == [opened + 15 * Self.minute, opened + 24 * Self.minute, opened + 30 * Self.minute])
        // Fixed offsets instead of fractions.
        let offsets = try #require(WarningPolicy(levels: ["10m", "20m", "30m"]))
        #expect(F.open(settings: F.settings(warnings: offsets)).ticket.warnAt
            == [F.t0 + 10 * Self.minute, F.t0 + 20 * Self.minute, F.t0 + 30 * Self.minute])
    }

    @Test func aConfigurationChangeLeavesOpenTicketsAlone() throws {
        let configured = SLAPolicy(tier: "general", respond: .seconds(24 * 3600), resolve: .seconds(72 * 3600))
        let lifecycle = TicketLifecycle(opening: F.ticket(tier: "general", policy: configured), by: "desk", settings: F.settings())
        let before = lifecycle.ticket
        // The operator shortens the tier to 1 h and the warnings to fixed 10/20/30 min, then reloads.
        let edited = TicketSettings(calendar: .standard(timeZone: F.zone), warnings: try #require(WarningPolicy(levels: ["10m", "20m", "30m"])),
                                    hierarchy: TeamHierarchy(chain: ["grid", "community"]))
        var reloaded = TicketLifecycle(resuming: try F.restarted(lifecycle).ticket, settings: edited)
        #expect(reloaded.ticket.respondBy == before.respondBy && reloaded.ticket.resolveBy == before.resolveBy)
        #expect(reloaded.ticket.warnAt == before.warnAt && reloaded.ticket.policy == configured)
        #expect(reloaded.timePassed(to: F.t0 + 2 * Self.hour) == [])
        #expect(reloaded.timePassed(to: F.t0 + 12 * Self.hour) == [.warned(level: 1)])
        // A reopen is a new cycle, but on the policy frozen at opening.
        _ = try reloaded.eventHappened(.resolve(note: "fixed"), at: F.t0 + 13 * Self.hour, by: "wang")
        _ = try reloaded.eventHappened(.reopen(reason: "again"), at: F.t0 + 14 * Self.hour, by: "wang")
        #expect(reloaded.ticket.respondBy == F.t0 + 38 * Self.hour)
    }
}
