import Devices
import Foundation
import Storage
import Testing
import Tickets

/// The follow-up queue (回访) in both stores: resolved tickets whose follow-up is still to be
/// done, and the follow-up's overdue warning woken by the stored deadline like any other clock.
@Suite struct FollowUpQueueTests {
    typealias L = TicketLedgerTests
    static let hour: Int64 = 3_600_000

    @Test(arguments: StoreKind.allCases) func theQueueHoldsTheFollowUpsStillToDo(kind: StoreKind) throws {
        let test = try TestStore(kind, name: "follow-ups")
        let database = test.store
        defer { test.remove() }
        let desk = L.desk()
        for index in 0..<3 {
            let device = Device(id: "smoke-\(index)", type: "smoke", community: "maple", building: "1", unit: "10\(index)")
            let alert = TicketDesk.Alert(rule: "smoke_alarm", device: device, severity: "emergency", category: "fire", title: "Smoke",
                                         lifeSafety: true, autoResolvable: false)
            _ = try database.updateTickets { ledger in try desk.alertFired(alert, at: L.t0, in: &ledger) }
        }
        for id in ["T-000001", "T-000002"] {
            _ = try database.updateTickets { ledger in try desk.handle(.resolve(note: "done"), ticketID: id, at: L.t0 + Self.hour, by: "wang", in: &ledger) }
        }
        var queue = TicketFilter()
        queue.followUpOpen = true
        #expect(try database.tickets(queue).map(\.id) == ["T-000002", "T-000001"], "resolved, follow-up open; T-000003 is still open")
        var byClass = TicketFilter(states: nil)
        byClass.category = "fire"
        #expect(try database.tickets(byClass).count == 3)
        byClass.item = "fire_alarm"
        #expect(try database.tickets(byClass).isEmpty, "the alerts name no item")
        _ = try database.updateTickets { ledger in
            try desk.handle(.followUp(FollowUpAnswer(reached: true, satisfaction: 5, recommend: 10)), ticketID: "T-000001",
                            at: L.t0 + 2 * Self.hour, by: "chen", in: &ledger)
        }
        #expect(try database.tickets(queue).map(\.id) == ["T-000002"])
        let done = try #require(try database.ticket(id: "T-000001"))
        #expect(done.state == .closed && done.followUp?.satisfaction == 5 && done.timeline.contains { $0.action == "followed_up" })

        // The overdue warning wakes from the stored deadline, once.
        let due = try #require(try database.ticket(id: "T-000002")?.followUp?.dueAt)
        #expect(try database.hasTicketsDue(by: due))
        let warned = try database.updateTickets { ledger in try desk.timePassed(to: due + 1, in: &ledger) }
        // (T-000003 was never acknowledged: its own clocks fire in the same pass.)
        #expect(warned.filter { $0.ticket.id == "T-000002" }.map(\.action) == [.followUpOverdue])
        #expect(try database.updateTickets { ledger in try desk.timePassed(to: due + Self.hour, in: &ledger) }.isEmpty)
    }
}

extension FollowUpQueueTests {
    @Test(arguments: StoreKind.allCases) func commentsGoAfterThePersonalPeriodAndTheScoresStay(kind: StoreKind) throws {
        let test = try TestStore(kind, name: "follow-up-scrub")
        let database = test.store
        defer { test.remove() }
        let desk = L.desk()
        _ = try database.updateTickets { ledger in
            let happenings = try desk.alertFired(L.smoke(), at: L.t0, in: &ledger)
                + desk.handle(.resolve(note: "done"), ticketID: "T-000001", at: L.t0 + Self.hour, by: "wang", in: &ledger)
                + desk.handle(.followUp(FollowUpAnswer(reached: true, satisfaction: 4, recommend: 8, comment: "Mrs Li, 3-502, was happy")),
                              ticketID: "T-000001", at: L.t0 + 2 * Self.hour, by: "chen", in: &ledger)
            _ = try ledger.recordEvents(of: happenings, actor: "chen", timeZone: L.zone)
            return happenings
        }
        let plan = RetentionFixture.plan(personal: 3 * RetentionFixture.day)
        // Inside the personal period nothing changes.
        #expect(try database.scrubFollowUpCommentsStep(plan, nowMs: L.t0 + 2 * RetentionFixture.day).changed == 0)
        #expect(try database.ticket(id: "T-000001")?.followUp?.comment == "Mrs Li, 3-502, was happy")
        let result = try database.scrubFollowUpCommentsStep(plan, nowMs: L.t0 + 4 * RetentionFixture.day)
        // Only the ticket: event copies never carry the comment (TicketAction+Message), which the
        // check below holds against every stored event.
        #expect(result.changed == 1 && result.finished)
        let ticket = try #require(try database.ticket(id: "T-000001"))
        #expect(ticket.followUp?.comment == nil && ticket.followUp?.satisfaction == 4 && ticket.followUp?.recommend == 8)
        #expect(try database.ticketEvents(after: 0).allSatisfy { !$0.body.contains("Mrs Li") })
        #expect(try database.scrubFollowUpCommentsStep(plan, nowMs: L.t0 + 5 * RetentionFixture.day).changed == 0, "nothing left to do")
    }
}
