import Foundation
import Testing
import Tickets

/// The ticket state machine: every event in every state, pauses, reopening and auto-resolve,
/// all in virtual time.
@Suite struct TicketLifecycleTests {
    typealias F = TicketFixture
    static let minute = F.minute
    static let hour = F.hour

    static let events: [TicketEvent] = [
        .alertFired, .acknowledge, .start, .pend(reason: "parts"), .resume, .resolve(note: "fixed"), .close,
        .reopen(reason: "again"), .cancel(reason: "false alarm"), .assign(person: "li"), .comment(text: "called the resident"),
    ]

    /// Which states each event is allowed in; everything else must throw.
    static func allowed(_ event: TicketEvent) -> Set<Ticket.State> {
        let active: Set<Ticket.State> = [.open, .acknowledged, .inProgress, .pending]
        switch event {
        case .alertFired, .resolve, .cancel, .assign: return active
        case .acknowledge: return [.open, .pending]   // the pending fixture was never acknowledged
        case .start: return [.open, .acknowledged]
        case .pend: return [.open, .acknowledged, .inProgress]
        case .resume: return [.pending]
        case .close: return [.resolved]
        case .reopen: return [.resolved, .closed]
        case .comment, .alertCleared: return Set(Ticket.State.allCases)
        // Not in `events`: it also needs an assignee (TicketDispatchTests covers it).
        case .decline: return [.open, .acknowledged]
        // Not in `events`: it also needs an open follow-up (FollowUpTests covers it).
        case .followUp: return [.resolved, .closed]
        }
    }

    @Test(arguments: Ticket.State.allCases)
    func everyEventInEveryState(_ state: Ticket.State) throws {
        for event in Self.events {
            var lifecycle = try F.inState(state)
            let before = lifecycle.ticket
            if Self.allowed(event).contains(state) {
                _ = try lifecycle.eventHappened(event, at: F.t0 + 10 * Self.minute, by: "zhao")
                #expect(lifecycle.ticket.timeline.count > before.timeline.count, "\(event.name) in \(state) left no timeline entry")
                #expect(lifecycle.ticket.timeline.last?.actor == "zhao" || lifecycle.ticket.timeline.last?.actor == "gridwatch")
            } else {
                let error = #expect(throws: TicketTransitionError.self, "\(event.name) in \(state)") {
                    try lifecycle.eventHappened(event, at: F.t0 + 10 * Self.minute, by: "zhao")
                }
                // Acknowledging twice says when it was acknowledged; everything else names the state.
                if case .alreadyAcknowledged = error { #expect(event == .acknowledge) } else {
                    #expect(error == .invalidTransition(event: event.name, state: state))
                }
                #expect(lifecycle.ticket == before, "a refused event must not change the ticket")
            }
        }
    }

    @Test func openingStartsCycleOne() {
        let ticket = F.open().ticket
        #expect(ticket.state == .open && ticket.cycle == 1 && ticket.occurrences == 1)
        #expect(ticket.respondBy == F.t0 + 30 * Self.minute)
        #expect(ticket.resolveBy == F.t0 + 72 * Self.hour)
        #expect(ticket.warnAt == [F.t0 + 15 * Self.minute, F.t0 + 24 * Self.minute, F.t0 + 30 * Self.minute])
        #expect(ticket.timeline.map(\.action) == ["opened"])
        #expect(ticket.timeline.first?.actor == "rule:smoke_alarm")
    }

    @Test func theUsualPathStopsBothClocks() throws {
        var lifecycle = F.open()
        #expect(try lifecycle.eventHappened(.assign(person: "wang"), at: F.t0 + Self.minute, by: "desk") == .assigned(person: "wang"))
        #expect(try lifecycle.eventHappened(.acknowledge, at: F.t0 + 5 * Self.minute, by: "wang") == .acknowledged)
        #expect(try lifecycle.eventHappened(.start, at: F.t0 + 20 * Self.minute, by: "wang") == .started)
        #expect(try lifecycle.eventHappened(.resolve(note: "battery replaced"), at: F.t0 + 2 * Self.hour, by: "wang") == .resolved(automatically: false))
        #expect(try lifecycle.eventHappened(.close, at: F.t0 + 3 * Self.hour, by: "chen") == .closed)
        let ticket = lifecycle.ticket
        #expect(ticket.acknowledgedAt == F.t0 + 5 * Self.minute)
        #expect(ticket.resolvedAt == F.t0 + 2 * Self.hour && ticket.closedAt == F.t0 + 3 * Self.hour)
        #expect(!ticket.responseBreached && !ticket.resolutionBreached && ticket.assignee == "wang")
        #expect(ticket.timeline.map(\.action) == ["opened", "assigned", "acknowledged", "started", "resolved", "closed"])
        #expect(ticket.timeline.map(\.actor) == ["rule:smoke_alarm", "desk", "wang", "wang", "wang", "chen"])
        #expect(ticket.timeline[4].detail == "battery replaced")
        // Closed by staff before the follow-up: only the follow-up's clock is left.
        #expect(lifecycle.nextDeadline() == ticket.followUp?.dueAt && ticket.followUp?.isOpen == true)
    }

    @Test func clearErrors() throws {
        var closed = try F.inState(.closed)
        #expect(throws: TicketTransitionError.invalidTransition(event: "acknowledge", state: .closed)) {
            try closed.eventHappened(.acknowledge, at: F.t0, by: "wang")
        }
        #expect(TicketTransitionError.invalidTransition(event: "acknowledge", state: .closed).description
            == "cannot acknowledge a ticket that is closed")
        var acknowledged = try F.inState(.acknowledged)
        #expect(throws: TicketTransitionError.alreadyAcknowledged(at: F.t0 + Self.minute)) {
            try acknowledged.eventHappened(.acknowledge, at: F.t0 + 2 * Self.minute, by: "li")
        }
        var open = F.open()
        for event in [TicketEvent.pend(reason: "  "), .cancel(reason: ""), .assign(person: ""), .comment(text: "\n")] {
            #expect(throws: TicketTransitionError.self) { try open.eventHappened(event, at: F.t0, by: "wang") }
        }
        #expect(open.ticket.timeline.count == 1)
    }

    @Test func repeatsCountOccurrences() throws {
        var lifecycle = F.open()
        #expect(try lifecycle.eventHappened(.alertFired, at: F.t0 + 3 * Self.minute, by: "rule:smoke_alarm") == .updated)
        #expect(try lifecycle.eventHappened(.alertFired, at: F.t0 + 9 * Self.minute, by: "rule:smoke_alarm") == .updated)
        #expect(lifecycle.ticket.occurrences == 3 && lifecycle.ticket.lastOccurrenceAt == F.t0 + 9 * Self.minute)
        #expect(TicketAction.updated.replayEvent == "ticket_updated")
    }

    @Test func pendingPausesResolutionButNotResponse() throws {
        var lifecycle = F.open()
        _ = try lifecycle.eventHappened(.pend(reason: "resident not at home"), at: F.t0 + 5 * Self.minute, by: "wang")
        // Nobody has answered: the response clock keeps running while pending.
        #expect(lifecycle.timePassed(to: F.t0 + 31 * Self.minute)
            == [.warned(level: 1), .warned(level: 2), .warned(level: 3), .transferred(team: "community"), .responseBreached])
        // The resolution clock stands still: no breach even long past 72 h.
        #expect(lifecycle.timePassed(to: F.t0 + 80 * Self.hour) == [])
        #expect(lifecycle.nextDeadline() == nil)
        _ = try lifecycle.eventHappened(.resume, at: F.t0 + 80 * Self.hour, by: "wang")
        let paused = 80 * Self.hour - 5 * Self.minute
        #expect(lifecycle.ticket.pausedMs == paused && lifecycle.ticket.state == .open)
        #expect(lifecycle.ticket.resolveBy == F.t0 + 72 * Self.hour + paused)
        // The resolve clock's levels moved on with its deadline.
        #expect(lifecycle.nextDeadline() == F.t0 + 36 * Self.hour + paused)
        #expect(lifecycle.ticket.resolveWarnAt?.last == lifecycle.ticket.resolveBy)
        _ = try lifecycle.eventHappened(.resolve(note: "done"), at: lifecycle.ticket.resolveBy - Self.minute, by: "wang")
        #expect(!lifecycle.ticket.resolutionBreached && lifecycle.ticket.responseBreached)
    }

    @Test func resumeReturnsToTheStateBeforeThePause() throws {
        var lifecycle = try F.inState(.inProgress)
        _ = try lifecycle.eventHappened(.pend(reason: "ordered a valve"), at: F.t0 + Self.hour, by: "wang")
        _ = try lifecycle.eventHappened(.resume, at: F.t0 + 3 * Self.hour, by: "wang")
        #expect(lifecycle.ticket.state == .inProgress && lifecycle.ticket.resolveBy == F.t0 + 74 * Self.hour)
        // Acknowledging while pending stops the response clock and resumes to acknowledged.
        var pending = try F.inState(.pending)
        _ = try pending.eventHappened(.acknowledge, at: F.t0 + 2 * Self.minute, by: "li")
        #expect(pending.ticket.state == .pending && pending.timePassed(to: F.t0 + Self.hour) == [])
        _ = try pending.eventHappened(.resume, at: F.t0 + Self.hour, by: "li")
        #expect(pending.ticket.state == .acknowledged)
    }

    @Test func lateAnswersAreBreachesEvenWithoutATimer() throws {
        var lifecycle = F.open()
        _ = try lifecycle.eventHappened(.acknowledge, at: F.t0 + 45 * Self.minute, by: "wang")
        _ = try lifecycle.eventHappened(.resolve(note: "done"), at: F.t0 + 73 * Self.hour, by: "wang")
        #expect(lifecycle.ticket.responseBreached && lifecycle.ticket.resolutionBreached)
    }

    @Test func reopenStartsANewCycle() throws {
        var lifecycle = F.open()
        _ = lifecycle.timePassed(to: F.t0 + 31 * Self.minute)
        _ = try lifecycle.eventHappened(.resolve(note: "reset"), at: F.t0 + Self.hour, by: "wang")
        let reopenedAt = F.t0 + 5 * Self.hour
        #expect(try lifecycle.eventHappened(.reopen(reason: "alarm again"), at: reopenedAt, by: "resident") == .reopened(cycle: 2))
        let ticket = lifecycle.ticket
        #expect(ticket.state == .open && ticket.cycle == 2 && ticket.reopenCount == 1 && ticket.cycleStartedAt == reopenedAt)
        #expect(ticket.respondBy == reopenedAt + 30 * Self.minute && ticket.resolveBy == reopenedAt + 72 * Self.hour)
        #expect(ticket.escalationLevel == 0 && !ticket.responseBreached && ticket.acknowledgedAt == nil && ticket.resolvedAt == nil)
        #expect(ticket.openedAt == F.t0 && ticket.team == "community")   // the transfer of cycle 1 stands
        // The new cycle warns again, once per level.
        #expect(lifecycle.timePassed(to: reopenedAt + 15 * Self.minute) == [.warned(level: 1)])
        #expect(lifecycle.timePassed(to: reopenedAt + 15 * Self.minute) == [])
    }

    @Test func autoResolveOnlyWhenNobodyTouchedIt() throws {
        var quiet = F.open(tier: "general", autoResolvable: true)
        #expect(try quiet.eventHappened(.alertCleared, at: F.t0 + Self.hour, by: "rule:leak") == .resolved(automatically: true))
        #expect(quiet.ticket.autoResolved && quiet.ticket.state == .resolved && quiet.ticket.acknowledgedAt == nil)
        #expect(quiet.ticket.timeline.last?.action == "auto_resolved")
        // A late clear after resolution changes nothing; a comeback is not a remediation.
        #expect(try quiet.eventHappened(.alertCleared, at: F.t0 + 2 * Self.hour, by: "rule:leak") == TicketAction.none)
        _ = try quiet.eventHappened(.reopen(reason: "leak again"), at: F.t0 + 3 * Self.hour, by: "rule:leak")
        #expect(quiet.ticket.reopenCount == 0 && !quiet.ticket.autoResolved)

        var acknowledged = F.open(tier: "general", autoResolvable: true)
        _ = try acknowledged.eventHappened(.acknowledge, at: F.t0 + Self.minute, by: "wang")
        #expect(try acknowledged.eventHappened(.alertCleared, at: F.t0 + Self.hour, by: "rule:leak") == TicketAction.none)
        #expect(acknowledged.ticket.state == .acknowledged && acknowledged.ticket.timeline.last?.action == "alert_cleared")

        var lifeSafety = F.open(autoResolvable: true, lifeSafety: true)
        #expect(!lifeSafety.ticket.autoResolvable)
        lifeSafety.ticket.autoResolvable = true   // even if a stored ticket says so
        #expect(try lifeSafety.eventHappened(.alertCleared, at: F.t0 + Self.minute, by: "rule:fall") == TicketAction.none)
        #expect(lifeSafety.ticket.state == .open)

        var manual = F.open(tier: "general")
        #expect(try manual.eventHappened(.alertCleared, at: F.t0 + Self.minute, by: "rule:leak") == TicketAction.none)
        #expect(manual.ticket.state == .open)
    }
}
