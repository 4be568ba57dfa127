import Devices
import Foundation
import Storage
import Testing
import Tickets

/// Tickets in the real SQLite file: the database itself refuses a second active ticket per
/// alert, timelines append once, clocks resume after a restart, and a configuration edited
/// while tickets are open leaves their promises alone.
@Suite struct TicketLedgerTests {
    static let minute: Int64 = 60_000
    static let t0: Int64 = 1_772_416_800_000 // Monday 2 March 2026, 10:00 Shanghai
    static let zone = TimeZone(identifier: "Asia/Shanghai") ?? .gmt
    static let device = Device(id: "smoke-1", type: "smoke", community: "maple", building: "1", unit: "101")

    static func desk(policies: [String: SLAPolicy] = SLAPolicy.defaults, warnings: WarningPolicy = notifying) -> TicketDesk {
        TicketDesk(settings: TicketSettings(calendar: .standard(timeZone: zone), warnings: warnings,
                                            hierarchy: TeamHierarchy(chain: ["grid", "community", "street_office"])),
                   policies: policies)
    }

    static var notifying: WarningPolicy {
        var policy = WarningPolicy.standard
        policy.notify = [1: ["grid_worker"], 3: ["street_office_duty", "director_li"]]
        return policy
    }

    static func smoke() -> TicketDesk.Alert {
        TicketDesk.Alert(rule: "smoke_alarm", device: device, severity: "emergency", category: "fire", title: "Smoke in 1-101",
                         lifeSafety: true, autoResolvable: false, evidence: TicketEvidence(atMs: t0, values: ["smoke": .bool(true)]))
    }

    @Test(arguments: StoreKind.allCases) func repeatsAreOccurrencesAndTheDatabaseRefusesASecondActiveTicket(kind: StoreKind) throws {
        let test = try TestStore(kind, name: "tickets")
        let database = test.store
        defer { test.remove() }
        let desk = Self.desk()
        _ = try database.updateTickets { ledger in try desk.alertFired(Self.smoke(), at: Self.t0, in: &ledger) }
        _ = try database.updateTickets { ledger in try desk.alertFired(Self.smoke(), at: Self.t0 + Self.minute, in: &ledger) }
        let tickets = try database.tickets(TicketFilter())
        #expect(tickets.count == 1 && tickets.first?.occurrences == 2)

        // Bypassing the desk: a second active ticket for the same (rule, device) is refused.
        var duplicate = try #require(tickets.first)
        duplicate.id = "T-000777"
        #expect(throws: (any Error).self) {
            try database.updateTickets { ledger in try ledger.save(duplicate, nextDeadline: nil) }
        }
        #expect(try database.tickets(TicketFilter(states: nil)).count == 1, "the failed transaction left nothing behind")

        let shown = try #require(try database.ticket(id: "T-000001"))
        #expect(shown.timeline.map(\.action) == ["opened", "occurred"], "each timeline line is written once")
        #expect(shown.evidence.count == 2)
    }

    @Test(arguments: StoreKind.allCases) func levelsDueWhileTheGatewayWasDownFireOnceAfterARestart(kind: StoreKind) throws {
        let test = try TestStore(kind, name: "tickets")
        let database = test.store
        defer { test.remove() }
        _ = try database.updateTickets { ledger in try Self.desk().alertFired(Self.smoke(), at: Self.t0, in: &ledger) }
        // Down from t0+1 min to t0+20 min: levels 1 (15 min) and 2 (24 min)... only level 1 is due.
        let reopened = try test.reopen()
        let afterRestart = try reopened.updateTickets { ledger in try Self.desk().timePassed(to: Self.t0 + 20 * Self.minute, in: &ledger) }
        #expect(afterRestart.map(\.action) == [.warned(level: 1)])
        #expect(afterRestart.first?.atMs == Self.t0 + 15 * Self.minute, "the warning carries the time it fell due")
        let again = try reopened.updateTickets { ledger in try Self.desk().timePassed(to: Self.t0 + 20 * Self.minute, in: &ledger) }
        #expect(again.isEmpty)
        let atBreach = try reopened.updateTickets { ledger in try Self.desk().timePassed(to: Self.t0 + 31 * Self.minute, in: &ledger) }
        #expect(atBreach.map(\.action) == [.warned(level: 2), .warned(level: 3), .transferred(team: "community"), .responseBreached])
        let stored = try #require(try reopened.ticket(id: "T-000001"))
        #expect(stored.team == "community" && stored.escalationLevel == 3 && stored.responseBreached)
        let warned = stored.timeline.filter { $0.action == "warned" }.map(\.detail)
        #expect(warned.count == 3)
        #expect(warned.first?.hasSuffix("; notify grid_worker") == true && warned.last?.hasSuffix("; notify street_office_duty, director_li") == true, "\(warned)")
    }

    @Test(arguments: StoreKind.allCases) func aConfigurationChangeKeepsTheDeadlinesOfOpenTickets(kind: StoreKind) throws {
        let test = try TestStore(kind, name: "tickets")
        let database = test.store
        defer { test.remove() }
        _ = try database.updateTickets { ledger in try Self.desk().alertFired(Self.smoke(), at: Self.t0, in: &ledger) }
        var stricter = SLAPolicy.defaults
        stricter["emergency"]?.respond = .seconds(10 * 60)
        let edited = Self.desk(policies: stricter, warnings: WarningPolicy(levels: [.fraction(0.2), .fraction(0.4), .fraction(0.6)]))
        let device2 = Device(id: "smoke-2", type: "smoke", community: "maple", building: "1", unit: "102")
        var second = Self.smoke()
        second.device = device2
        _ = try database.updateTickets { ledger in try edited.alertFired(second, at: Self.t0, in: &ledger) }
        let old = try #require(try database.ticket(id: "T-000001"))
        let new = try #require(try database.ticket(id: "T-000002"))
        #expect(old.respondBy == Self.t0 + 30 * Self.minute && old.warnAt.first == Self.t0 + 15 * Self.minute)
        #expect(new.respondBy == Self.t0 + 10 * Self.minute && new.warnAt.first == Self.t0 + 2 * Self.minute)
        // Under the edited configuration, the old ticket still warns at its own 15 minutes.
        let due = try database.updateTickets { ledger in try edited.timePassed(to: Self.t0 + 14 * Self.minute, in: &ledger) }
        #expect(due.allSatisfy { $0.ticket.id == "T-000002" })
    }

    @Test(arguments: StoreKind.allCases) func staffActionsAndFilters(kind: StoreKind) throws {
        let test = try TestStore(kind, name: "tickets")
        let database = test.store
        defer { test.remove() }
        let desk = Self.desk()
        _ = try database.updateTickets { ledger in try desk.alertFired(Self.smoke(), at: Self.t0, in: &ledger) }
        _ = try database.updateTickets { ledger in
            try desk.open(TicketDesk.Request(category: "repair", severity: "general", community: "maple", building: "2", text: "lift stuck"),
                          at: Self.t0, by: "desk", in: &ledger)
        }
        _ = try database.updateTickets { ledger in try desk.handle(.acknowledge, ticketID: "T-000001", at: Self.t0 + 5 * Self.minute, by: "wang", in: &ledger) }
        #expect(try database.tickets(TicketFilter(states: [.acknowledged])).map(\.id) == ["T-000001"])
        #expect(try database.tickets(TicketFilter(building: "2")).map(\.id) == ["T-000002"])
        #expect(try database.tickets(TicketFilter.active).map(\.id) == ["T-000002", "T-000001"], "newest first")
        let shown = try #require(try database.ticket(id: "T-000001"))
        #expect(shown.timeline.last?.actor == "wang" && shown.acknowledgedAt == Self.t0 + 5 * Self.minute)
        let counts = try database.activeTicketCounts()
        #expect(counts.count == 2 && counts.allSatisfy { $0.count == 1 })
    }

    @Test(arguments: StoreKind.allCases) func assignmentsCountActiveTicketsAndTheGridFilters(kind: StoreKind) throws {
        let test = try TestStore(kind, name: "tickets")
        let database = test.store
        defer { test.remove() }
        let desk = Self.desk()
        for (index, (grid, assignee)) in [("G1", "li"), ("G1", "li"), ("G2", "wang")].enumerated() {
            let device = Device(id: "smoke-\(index)", type: "smoke", community: "maple", building: "1", unit: "10\(index)", grid: grid,
                                latitude: 31.23, longitude: 121.47)
            let alert = TicketDesk.Alert(rule: "smoke_alarm", device: device, severity: "emergency", category: "fire", title: "Smoke",
                                         lifeSafety: true, autoResolvable: false)
            _ = try database.updateTickets { ledger in
                let opened = try desk.alertFired(alert, at: Self.t0 + Int64(index) * Self.minute, in: &ledger)
                return try desk.handle(.assign(person: assignee), ticketID: opened[0].ticket.id, at: Self.t0 + Int64(index) * Self.minute,
                                       by: "desk", in: &ledger)
            }
        }
        _ = try database.updateTickets { ledger in
            try desk.handle(.resolve(note: "done"), ticketID: "T-000003", at: Self.t0 + 10 * Self.minute, by: "wang", in: &ledger)
        }
        let counts = try database.updateTickets { ledger in try ledger.activeAssignments() }
        #expect(counts == ["li": 2], "Wang's ticket is resolved")
        let liTickets = try database.updateTickets { ledger in try ledger.activeTickets(assignee: "li").map(\.id) }
        #expect(liTickets == ["T-000001", "T-000002"])
        // Reassigned, the ticket counts for its new assignee (PostgreSQL's generated column follows the body).
        _ = try database.updateTickets { ledger in
            try desk.handle(.assign(person: "zhao"), ticketID: "T-000002", at: Self.t0 + 11 * Self.minute, by: "desk", in: &ledger)
        }
        #expect(try database.updateTickets { ledger in try ledger.activeAssignments() } == ["li": 1, "zhao": 1])
        #expect(try database.updateTickets { ledger in try ledger.activeTickets(assignee: "zhao").map(\.id) } == ["T-000002"])
        var filter = TicketFilter()
        filter.grid = "G2"
        #expect(try database.tickets(filter).map(\.id) == ["T-000003"])
        #expect(try database.ticket(id: "T-000001")?.grid == "G1")
        let heat = try database.ticketHeatmap(openedFromMs: Self.t0, community: "maple")
        #expect(heat.map { "\($0.grid):\($0.tickets)/\($0.active)" }.sorted() == ["G1:2/2", "G2:1/0"], "\(heat)")
        #expect(try database.ticketHeatmap(openedFromMs: Self.t0, community: "elsewhere").isEmpty)
        #expect(try database.ticketHeatmap(openedFromMs: Self.t0, community: nil).map(\.tickets).reduce(0, +) == 3)
    }
}

/// The assignment counts a ledger keeps through one transaction (dispatch asks at every
/// opening) agree with counting the stored rows afresh, whatever the saves in between did.
@Suite struct AssignmentTallyStoreTests {
    static func ticket(_ number: Int, assignee: String?, state: Ticket.State = .open) -> Ticket {
        var ticket = Ticket(id: TicketNumber.id(number), rule: "smoke_alarm", device: "smoke-\(number)", deviceType: "smoke", community: "maple",
                            building: "1", unit: "10\(number)", severity: "emergency", category: "fire", title: "Smoke", team: "grid",
                            policy: SLAPolicy.defaults["emergency"]!, openedAt: TicketLedgerTests.t0, autoResolvable: false, lifeSafety: true)
        ticket.assignee = assignee
        ticket.state = state
        return ticket
    }

    @Test(arguments: StoreKind.allCases) func theCountsFollowEverySaveOfTheTransaction(kind: StoreKind) throws {
        let test = try TestStore(kind, name: "tally")
        let database = test.store
        defer { test.remove() }
        // Stored before: one of Li's that the next transaction saves without reading it first.
        try database.updateTickets { ledger in try ledger.save(Self.ticket(1, assignee: "li"), nextDeadline: nil) }
        let inside = try database.updateTickets { ledger -> [[String: Int]] in
            var seen = [try ledger.activeAssignments()]
            try ledger.save(Self.ticket(2, assignee: "li"), nextDeadline: nil)
            try ledger.save(Self.ticket(3, assignee: "wang"), nextDeadline: nil)
            try ledger.save(Self.ticket(4, assignee: nil), nextDeadline: nil)
            seen.append(try ledger.activeAssignments())
            try ledger.save(Self.ticket(1, assignee: "li", state: .resolved), nextDeadline: nil)
            try ledger.save(Self.ticket(2, assignee: "zhao"), nextDeadline: nil)
            try ledger.save(Self.ticket(4, assignee: "wang", state: .pending), nextDeadline: nil)
            try ledger.save(Self.ticket(3, assignee: "wang", state: .cancelled), nextDeadline: nil)
            try ledger.save(Self.ticket(3, assignee: "wang", state: .cancelled), nextDeadline: nil)
            seen.append(try ledger.activeAssignments())
            return seen
        }
        #expect(inside == [["li": 1], ["li": 2, "wang": 1], ["zhao": 1, "wang": 1]])
        #expect(try database.updateTickets { ledger in try ledger.activeAssignments() } == ["zhao": 1, "wang": 1], "counted afresh")
    }
}
