import Devices
import Formats
import Foundation
import Testing
import Tickets

/// The desk over a memory ledger: one ticket per alert instance, repeats, reopen and linked
/// follow-ups, auto-resolution only where allowed, staff actions and requests.
@Suite struct TicketDeskTests {
    typealias F = TicketFixture
    static let sosDevice = Device(id: "band-7", type: "wristband", community: "maple", building: "3", unit: "502")
    static let doorDevice = Device(id: "door-1", type: "door", community: "maple", building: "1", unit: "101")

    static func desk(reopenHours: Int64 = 72) -> TicketDesk {
        TicketDesk(settings: F.settings(), policies: SLAPolicy.defaults,
                   router: TicketRouter(routes: [.init(building: "3", category: "elderly_care", team: "care_team", assignee: "nurse_zhou")], defaultTeam: "grid"),
                   reopenWindow: ReopenWindow(windowMs: reopenHours * F.hour))
    }

    static func sos(values: [String: JSONValue] = ["sos": .bool(true), "lat": .double(31.2), "lon": .double(121.5)], at: Int64 = F.t0) -> TicketDesk.Alert {
        TicketDesk.Alert(rule: "fall_or_sos", device: sosDevice, severity: "emergency", category: "elderly_care", title: "SOS 3-502",
                         lifeSafety: true, autoResolvable: false, respondWithinSeconds: 15 * 60, evidence: TicketEvidence(atMs: at, values: values))
    }

    static func doorOpen() -> TicketDesk.Alert {
        TicketDesk.Alert(rule: "door_left_open", device: doorDevice, severity: "general", category: "security", title: "Door left open",
                         lifeSafety: false, autoResolvable: true)
    }

    @Test func repeatsCountOnOneTicketWithEvidenceAndLocation() throws {
        let desk = Self.desk()
        var ledger = MemoryTicketLedger()
        let opened = try desk.alertFired(Self.sos(), at: F.t0, in: &ledger)
        #expect(opened.map(\.action) == [.opened])
        let ticket = try #require(opened.first?.ticket)
        #expect(ticket.id == "T-000001" && ticket.team == "care_team" && ticket.assignee == "nurse_zhou", "routed to the team and its person on duty")
        #expect(ticket.respondBy == F.t0 + 15 * F.minute, "the rule's own response time wins over the tier's 30 min")
        #expect(ticket.timeline.first?.detail.contains(F.text(F.t0 + 15 * F.minute)) == true, "the opening line names the real deadline")
        let again = try desk.alertFired(Self.sos(values: ["sos": .bool(true), "lat": .double(31.3), "lon": .double(121.6)], at: F.t0 + F.minute),
                                        at: F.t0 + F.minute, in: &ledger)
        #expect(again.map(\.action) == [.updated])
        let updated = try #require(ledger.ticket(id: "T-000001"))
        #expect(ledger.tickets.count == 1 && updated.occurrences == 2 && updated.lastOccurrenceAt == F.t0 + F.minute)
        #expect(updated.evidence.count == 2 && updated.latitude == 31.3 && updated.longitude == 121.6)
    }

    @Test func resolvedThenFiringWithinTheWindowReopensAfterItOpensALinkedTicket() throws {
        let desk = Self.desk(reopenHours: 24)
        var ledger = MemoryTicketLedger()
        _ = try desk.alertFired(Self.sos(), at: F.t0, in: &ledger)
        _ = try desk.handle(.resolve(note: "false press, resident fine"), ticketID: "T-000001", at: F.t0 + 10 * F.minute, by: "wang", in: &ledger)
        let reopened = try desk.alertFired(Self.sos(at: F.t0 + F.hour), at: F.t0 + F.hour, in: &ledger)
        #expect(reopened.map(\.action) == [.reopened(cycle: 2)])
        #expect(ledger.ticket(id: "T-000001")?.reopenCount == 1)
        _ = try desk.handle(.resolve(note: "checked again"), ticketID: "T-000001", at: F.t0 + 2 * F.hour, by: "wang", in: &ledger)
        let later = F.t0 + 2 * F.hour + 25 * F.hour
        let fresh = try desk.alertFired(Self.sos(at: later), at: later, in: &ledger)
        #expect(fresh.map(\.action) == [.opened])
        #expect(fresh.first?.ticket.id == "T-000002" && fresh.first?.ticket.linkedTo == "T-000001")
    }

    @Test func onlyUntouchedAutoResolvableTicketsFollowTheAlert() throws {
        let desk = Self.desk()
        var ledger = MemoryTicketLedger()
        _ = try desk.alertFired(Self.doorOpen(), at: F.t0, in: &ledger)
        let cleared = try desk.alertCleared(rule: "door_left_open", device: "door-1", at: F.t0 + 5 * F.minute, in: &ledger)
        #expect(cleared.map(\.action) == [.resolved(automatically: true)])
        #expect(ledger.ticket(id: "T-000001")?.autoResolved == true)

        // The SOS never resolves itself: the clear only leaves a line for the person.
        _ = try desk.alertFired(Self.sos(), at: F.t0, in: &ledger)
        #expect(try desk.alertCleared(rule: "fall_or_sos", device: "band-7", at: F.t0 + F.minute, in: &ledger).isEmpty)
        let sos = try #require(ledger.ticket(id: "T-000002"))
        #expect(sos.state == .open && sos.timeline.last?.action == "alert_cleared")
    }

    @Test func staffActionsRunTheClocksFirstAndRejectWhatTheStateForbids() throws {
        let desk = Self.desk()
        var ledger = MemoryTicketLedger()
        _ = try desk.alertFired(Self.sos(), at: F.t0, in: &ledger)
        // 15 min window: level 1 at 7.5 min, level 2 at 12 min; the ack at 13 min comes after both.
        let acked = try desk.handle(.acknowledge, ticketID: "T-000001", at: F.t0 + 13 * F.minute, by: "li", in: &ledger)
        #expect(acked.map(\.action) == [.warned(level: 1), .warned(level: 2), .acknowledged])
        #expect(throws: TicketTransitionError.self) {
            try desk.handle(.close, ticketID: "T-000001", at: F.t0 + 14 * F.minute, by: "li", in: &ledger)
        }
        #expect(throws: TicketDeskError.unknownTicket("T-000099")) {
            try desk.handle(.acknowledge, ticketID: "T-000099", at: F.t0, by: "li", in: &ledger)
        }
        // Nothing fires twice, however often the clock is asked.
        #expect(try desk.timePassed(to: F.t0 + F.hour, in: &ledger).isEmpty)
    }

    @Test func aRequestTakenByPhoneGetsTheSameClocks() throws {
        let desk = Self.desk()
        var ledger = MemoryTicketLedger()
        let request = TicketDesk.Request(category: "elderly_care", severity: "emergency", community: "maple", building: "3", unit: "502",
                                         text: "Daughter cannot reach her mother since morning\nplease visit")
        let opened = try desk.open(request, at: F.t0, by: "front_desk", in: &ledger)
        let ticket = try #require(opened.last?.ticket)
        #expect(ticket.team == "care_team" && ticket.title == "Daughter cannot reach her mother since morning")
        #expect(ticket.respondBy == F.t0 + 30 * F.minute && ticket.alertKey == nil && ticket.lifeSafety)
        #expect(ticket.timeline.first?.actor == "front_desk")
        // Two requests for the same flat are two tickets: people call about different things.
        _ = try desk.open(request, at: F.t0 + F.minute, by: "front_desk", in: &ledger)
        #expect(ledger.tickets.count == 2)
        let warned = try desk.timePassed(to: F.t0 + 30 * F.minute, in: &ledger)
        // care_team has no parent in this hierarchy: level 3 says so on the timeline instead of transferring.
        #expect(warned.filter { $0.ticket.id == "T-000001" }.map(\.action) == [.warned(level: 1), .warned(level: 2), .warned(level: 3), .responseBreached])
        #expect(ledger.ticket(id: "T-000001")?.timeline.contains { $0.action == "not_transferred" } == true)
        #expect(throws: TicketDeskError.self) {
            try desk.open(TicketDesk.Request(category: "repair", severity: "urgentish", community: "maple", text: "x"), at: F.t0, by: "a", in: &ledger)
        }
        #expect(throws: TicketDeskError.self) {
            try desk.open(TicketDesk.Request(category: "repair", severity: "general", community: "maple", text: "  "), at: F.t0, by: "a", in: &ledger)
        }
    }
}
