import Devices
import Foundation
import GridDispatch
import Testing
import Tickets

/// Dispatch through the desk, in virtual time over a memory ledger: who goes when a ticket
/// opens, again after a decline, a lapsed acknowledgement or a level-3 transfer, nobody
/// available recorded, and arrival when the assignee's position reaches the place.
@Suite struct TicketDispatchTests {
    typealias F = TicketFixture
    /// The building where help is needed, and points north of it (0.001° of latitude ≈ 111 m).
    static let site = GeoPoint(latitude: 31.2304, longitude: 121.4737)!
    static func north(_ metres: Double) -> GeoPoint { GeoPoint(latitude: 31.2304 + metres / 111_195, longitude: 121.4737)! }

    static let device = Device(id: "band-7", type: "wristband", community: "maple", building: "3", unit: "502",
                               grid: "G1", latitude: 31.2304, longitude: 121.4737)
    static let roster = StaffRoster(members: [
        StaffMember(id: "li", name: "Li", team: "grid", grids: ["G1"], skills: ["elderly_care"], base: north(600)),
        StaffMember(id: "wang", name: "Wang", team: "grid", grids: ["G2"], skills: ["elderly_care"], base: north(200)),
        StaffMember(id: "zhou", name: "Zhou", team: "care_team", grids: [], skills: ["first_aid"], base: north(100)),
        StaffMember(id: "far", name: "Far", team: "grid", grids: ["G1"], skills: ["elderly_care"], base: north(5000)),
    ])

    static func desk(roster: StaffRoster = roster, positions: [String: StaffPosition] = [:], ackTimeoutMs: Int64? = nil) -> TicketDesk {
        var desk = TicketDesk(settings: F.settings(ackTimeoutMs: ackTimeoutMs), policies: SLAPolicy.defaults,
                              router: TicketRouter(defaultTeam: "grid"))
        desk.dispatch = TicketDispatch(roll: FixedStaffRoll(roster: roster, schedule: .everyoneOnDuty(roster), timeZone: F.zone,
                                                            livePositions: positions))
        return desk
    }

    static func fall(skill: String? = "elderly_care", device: Device = device) -> TicketDesk.Alert {
        var alert = TicketDesk.Alert(rule: "fall", device: device, severity: "emergency", category: "elderly_care", title: "Fall 3-502",
                                     lifeSafety: true, autoResolvable: false, respondWithinSeconds: 15 * 60)
        alert.skill = skill
        return alert
    }

    @Test func anOpeningTicketGoesToTheSkilledPersonOfItsGridAndTheTimelineSaysWhy() throws {
        var ledger = MemoryTicketLedger()
        let happenings = try Self.desk().alertFired(Self.fall(), at: F.t0, in: &ledger)
        #expect(happenings.map(\.action) == [.opened, .dispatched(assignee: "li")], "grid G1 wins over Wang's shorter distance")
        let ticket = try #require(ledger.ticket(id: "T-000001"))
        #expect(ticket.assignee == "li" && ticket.grid == "G1" && ticket.dispatchedAt == F.t0)
        let decision = try #require(ticket.dispatch)
        #expect(decision.distanceMetres == 600)
        #expect(decision.candidates.map(\.id) == ["li", "wang"], "Zhou lacks the skill; Far is beyond 3 km")
        let entry = try #require(ticket.timeline.last)
        #expect(entry.action == "dispatched" && entry.actor == "dispatch")
        #expect(entry.detail.contains("li 600 m") && entry.detail.contains("wang 200 m"), "\(entry.detail)")
        #expect(ticket.contractJSON(timeZone: F.zone).jsonText.contains(#""distance_m":600"#))
    }

    @Test func nobodyAvailableIsRecordedAndLeavesTheTicketToItsTeam() throws {
        var ledger = MemoryTicketLedger()
        let happenings = try Self.desk().alertFired(Self.fall(skill: "fire_safety"), at: F.t0, in: &ledger)
        #expect(happenings.map(\.action) == [.opened, .dispatched(assignee: nil)])
        let ticket = try #require(ledger.ticket(id: "T-000001"))
        #expect(ticket.assignee == nil && ticket.team == "grid")
        #expect(ticket.dispatch?.nobodyAvailable == true)
        #expect(ticket.timeline.last?.action == "not_dispatched")
        #expect(ticket.timeline.last?.detail.contains("fire_safety") == true, "the reason names the missing skill: \(ticket.timeline.last?.detail ?? "")")
    }

    @Test func aDeclineDispatchesAgainAndTheDeclinerIsNeverChosenAgain() throws {
        let desk = Self.desk()
        var ledger = MemoryTicketLedger()
        _ = try desk.alertFired(Self.fall(), at: F.t0, in: &ledger)
        let declined = try desk.handle(.decline(reason: "at another fall"), ticketID: "T-000001", at: F.t0 + F.minute, by: "li", in: &ledger)
        #expect(declined.map(\.action) == [.declined(person: "li"), .dispatched(assignee: "wang")])
        let again = try desk.handle(.decline(reason: "off sick"), ticketID: "T-000001", at: F.t0 + 2 * F.minute, by: "wang", in: &ledger)
        #expect(again.map(\.action) == [.declined(person: "wang"), .dispatched(assignee: nil)], "Li and Wang declined; nobody else qualifies")
        let ticket = try #require(ledger.ticket(id: "T-000001"))
        #expect(ticket.passedOverBy == ["li", "wang"] && ticket.assignee == nil)
        #expect(throws: TicketTransitionError.self) {
            _ = try desk.handle(.decline(reason: "nobody to decline"), ticketID: "T-000001", at: F.t0 + 3 * F.minute, by: "x", in: &ledger)
        }
        #expect(throws: TicketTransitionError.self, "a decline needs its reason") {
            var other = MemoryTicketLedger()
            _ = try desk.alertFired(Self.fall(), at: F.t0, in: &other)
            _ = try desk.handle(.decline(reason: " "), ticketID: "T-000001", at: F.t0 + F.minute, by: "li", in: &other)
        }
    }

    @Test func aLapsedAcknowledgementSendsSomeoneElse() throws {
        let desk = Self.desk(ackTimeoutMs: 5 * F.minute)
        var ledger = MemoryTicketLedger()
        _ = try desk.alertFired(Self.fall(), at: F.t0, in: &ledger)
        _ = try desk.handle(.acknowledge, ticketID: "T-000001", at: F.t0 + F.minute, by: "li", in: &ledger)
        let lapsed = try desk.timePassed(to: F.t0 + 7 * F.minute, in: &ledger)
        #expect(lapsed.map(\.action).contains(.fellBackToOpen))
        #expect(lapsed.map(\.action).contains(.dispatched(assignee: "wang")), "\(lapsed.map(\.action))")
        #expect(try ledger.ticket(id: "T-000001")?.assignee == "wang")
    }

    @Test func aLevelThreeTransferDispatchesAgain() throws {
        let desk = Self.desk()
        var ledger = MemoryTicketLedger()
        _ = try desk.alertFired(Self.fall(), at: F.t0, in: &ledger)
        // Nobody acknowledges: the 15-minute response window runs out, level 3 transfers it.
        let later = try desk.timePassed(to: F.t0 + 16 * F.minute, in: &ledger)
        let actions = later.map(\.action)
        let transfer = try #require(actions.firstIndex { if case .transferred = $0 { return true } else { return false } })
        #expect(actions.dropFirst(transfer + 1).first == .dispatched(assignee: "wang"), "\(actions)")
        #expect(later.first { $0.action == .dispatched(assignee: "wang") }?.atMs == later[transfer].atMs, "dispatched when the transfer fell due")
    }

    @Test func aLateResolutionMovesTheTicketUpButLeavesItWithWhoeverWorksIt() throws {
        let desk = Self.desk()
        var ledger = MemoryTicketLedger()
        let opened = try desk.alertFired(Self.fall(), at: F.t0, in: &ledger)
        let assignee = try #require(opened.last?.ticket.assignee)
        _ = try desk.handle(.start, ticketID: "T-000001", at: F.t0 + 5 * F.minute, by: assignee, in: &ledger)
        // Still in progress at resolve_by (72 h): the resolve clock's level 3 transfers it up.
        let later = try desk.timePassed(to: F.t0 + 73 * F.hour, in: &ledger)
        #expect(later.contains { if case .transferred(_, .resolve) = $0.action { true } else { false } }, "\(later.map(\.action))")
        #expect(!later.contains { if case .dispatched = $0.action { true } else { false } }, "nobody else is sent")
        let ticket = try #require(ledger.ticket(id: "T-000001"))
        #expect(ticket.assignee == assignee && ticket.passedOverBy == nil)
    }

    @Test func theLeastBusyOfTwoEquallyNearPeopleGoes() throws {
        let twins = StaffRoster(members: [
            StaffMember(id: "a", name: "A", team: "grid", grids: ["G1"], base: Self.north(300)),
            StaffMember(id: "b", name: "B", team: "grid", grids: ["G1"], base: Self.north(300)),
        ])
        let desk = Self.desk(roster: twins)
        var ledger = MemoryTicketLedger()
        _ = try desk.alertFired(Self.fall(skill: nil), at: F.t0, in: &ledger)
        #expect(try ledger.ticket(id: "T-000001")?.assignee == "a", "equal: the id decides")
        let second = Device(id: "band-8", type: "wristband", community: "maple", building: "3", unit: "503", grid: "G1",
                            latitude: 31.2304, longitude: 121.4737)
        _ = try desk.alertFired(Self.fall(skill: nil, device: second), at: F.t0 + F.minute, in: &ledger)
        #expect(try ledger.ticket(id: "T-000002")?.assignee == "b", "A already has an active ticket")
    }

    @Test func arrivalIsRecordedOnceWhenTheAssigneeComesWithinTheRadius() throws {
        let desk = Self.desk()
        var ledger = MemoryTicketLedger()
        _ = try desk.alertFired(Self.fall(), at: F.t0, in: &ledger)
        func report(_ who: String, _ point: GeoPoint, at: Int64) throws -> [TicketAction] {
            try desk.positionReported(StaffPositionReport(staffID: who, community: "maple", position: StaffPosition(point: point, atMs: at),
                                                          receivedAtMs: at), at: at, in: &ledger).map(\.action)
        }
        #expect(try report("li", Self.north(300), at: F.t0 + 4 * F.minute).isEmpty, "still 300 m away")
        #expect(try report("wang", Self.north(10), at: F.t0 + 5 * F.minute).isEmpty, "only the assignee arrives")
        #expect(try report("li", Self.north(30), at: F.t0 + 8 * F.minute) == [.arrived(person: "li")])
        #expect(try report("li", Self.north(5), at: F.t0 + 9 * F.minute).isEmpty, "arrival is recorded once")
        let ticket = try #require(ledger.ticket(id: "T-000001"))
        #expect(ticket.arrivedAt == F.t0 + 8 * F.minute)
        #expect(ticket.timeline.last?.action == "arrived" && ticket.timeline.last?.detail.contains("8 min 0 s after dispatch") == true)
        let restored = try JSONDecoder().decode(Ticket.self, from: JSONEncoder().encode(ticket))
        #expect(restored == ticket, "dispatch and arrival survive a restart")
    }

    @Test func aDeskWithoutARosterLeavesTicketsToTheirRoute() throws {
        let desk = TicketDesk(settings: F.settings(), policies: SLAPolicy.defaults,
                              router: TicketRouter(routes: [.init(category: "elderly_care", team: "care_team", assignee: "nurse_zhou")]))
        var ledger = MemoryTicketLedger()
        let happenings = try desk.alertFired(Self.fall(), at: F.t0, in: &ledger)
        #expect(happenings.map(\.action) == [.opened])
        #expect(try ledger.ticket(id: "T-000001")?.assignee == "nurse_zhou")
        #expect(try ledger.ticket(id: "T-000001")?.dispatch == nil)
    }

    @Test func theSLAReportMeasuresTheTimeToArrivePerTier() throws {
        let desk = Self.desk()
        var ledger = MemoryTicketLedger()
        let second = Device(id: "band-8", type: "wristband", community: "maple", building: "4", unit: "101", grid: "G2",
                            latitude: 31.2304, longitude: 121.4737)
        _ = try desk.alertFired(Self.fall(), at: F.t0, in: &ledger)
        _ = try desk.alertFired(Self.fall(device: second), at: F.t0, in: &ledger)
        let assignees = try ["T-000001", "T-000002"].map { try #require(ledger.ticket(id: $0)?.assignee) }
        #expect(assignees == ["li", "wang"], "each grid's own worker")
        for (who, minutes) in [("li", Int64(8)), ("wang", Int64(12))] {
            let at = F.t0 + minutes * F.minute
            _ = try desk.positionReported(StaffPositionReport(staffID: who, community: "maple", position: StaffPosition(point: Self.site, atMs: at),
                                                              receivedAtMs: at), at: at, in: &ledger)
        }
        let report = SLAReport(tickets: Array(ledger.tickets.values), devices: [], fromMs: F.t0, toMs: F.t0 + F.hour, nowMs: F.t0 + F.hour)
        let arrive = try #require(report.tiers.first { $0.tier == "emergency" }?.timeToArrive)
        #expect(arrive.samples == 2 && arrive.p50Ms == 8 * F.minute && arrive.p90Ms == 12 * F.minute)
        #expect(report.text(timeZone: F.zone).contains("Time to arrive after dispatch"))
        #expect(report.csv().contains("time_to_arrive,emergency,p50_ms,480000"))
        #expect(report.demandByGrid.map { "\($0.grid):\($0.count)" }.sorted() == ["G1:1", "G2:1"])
        #expect(report.text(timeZone: F.zone).contains("Tickets by grid and category"))
        #expect(report.csv().contains("demand_by_grid,maple/G1/elderly_care,tickets,1"))
        let quiet = SLAReport(tickets: [], devices: [], fromMs: F.t0, toMs: F.t0 + F.hour, nowMs: F.t0 + F.hour)
        #expect(!quiet.csv().contains("time_to_arrive"), "no dispatch in use, no empty arrival rows")
    }
}
