import Devices
import Foundation
import Testing
import Tickets

/// Live ticket events: every action worth telling has a name, and the object carries the
/// ticket, who did it and the action's details.
@Suite struct TicketMessageTests {
    @Test func everyActionHasAListedName() {
        let actions: [TicketAction] = [.opened, .updated, .acknowledged, .started, .pended, .resumed, .resolved(automatically: false), .closed,
                                       .reopened(cycle: 2), .cancelled, .assigned(person: "li"), .commented, .warned(level: 1),
                                       .transferred(team: "community"), .responseBreached, .resolutionBreached, .fellBackToOpen,
                                       .dispatched(assignee: "li"), .dispatched(assignee: nil), .declined(person: "li"), .arrived(person: "li"),
                                       .followedUp(outcome: .closed), .followUpOverdue]
        #expect(Set(actions.compactMap(\.eventName)) == Set(TicketAction.eventNames))
        #expect(TicketAction.none.eventName == nil)
    }

    @Test func aWarningCarriesItsLevelAndTheTicket() throws {
        let ticket = TicketFixture.open().ticket
        let happening = TicketDesk.Happening(atMs: TicketFixture.t0, action: .warned(level: 2), ticket: ticket)
        let message = try #require(happening.message(actor: "gridwatch", timeZone: TicketFixture.zone))
        #expect(message.event == "ticket_warned")
        guard case let .object(object) = message.body else { Issue.record("not an object"); return }
        #expect(object["level"] == .int(2) && object["actor"] == .string("gridwatch") && object["ticket_id"] == .string(ticket.id))
        #expect(object["at"] == .string("2026-03-02T10:00:00+08:00"))
        if case let .object(inner)? = object["ticket"] { #expect(inner["timeline"] == nil, "the timeline stays behind /tickets/{id}") }
    }
}
