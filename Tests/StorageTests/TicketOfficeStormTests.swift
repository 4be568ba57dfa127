import Devices
import Formats
import Foundation
import Gateway
import GridDispatch
import Logging
import Rules
import Storage
import Synchronization
import Testing
import Tickets

/// Many alerts at once (a community's devices silent together after an outage) through the
/// live ticket office on both stores: worked off in bounded transactions, emergencies first,
/// and dispatch still spreads the load, because each step's assignment counts follow its saves.
@Suite struct TicketOfficeStormTests {
    static let t0 = TicketLedgerTests.t0
    static let minute: Int64 = 60_000
    static let rulesYAML = """
        rules:
          - id: device_offline
            match: {type: door}
            absent: {for: 3 * interval}
            severity: general
          - id: fall
            match: {type: wristband}
            when: fall
            severity: emergency
            clear: manual
        """
    /// Three equally placed grid workers: the least busy goes each time.
    static let roster = StaffRoster(members: ["li", "wang", "zhao"].map {
        StaffMember(id: $0, name: $0, team: "grid", grids: ["G1"], base: GeoPoint(latitude: 31.23, longitude: 121.47)!)
    })

    static func rules() throws -> RuleSet {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gw-storm-\(UUID().uuidString).yaml").path
        try rulesYAML.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        var diagnostics = DiagnosticList()
        let set = RuleFileParser.load(files: [path], catalog: RetentionFixture.catalog, tiers: ["general", "emergency"], diagnostics: &diagnostics)
        #expect(!diagnostics.hasErrors, "\(diagnostics.items)")
        return set
    }

    static func firing(_ rule: Rule, _ device: Device, at atMs: Int64) -> TicketOffice.Firing {
        TicketOffice.Firing(event: AlertEvent(atMs: atMs, kind: .firing, ruleID: rule.id, deviceID: device.id, severity: rule.severity,
                                              community: device.community, building: device.building),
                            rule: rule, device: device)
    }

    /// The live office over `store` with the roster's dispatch, ringing `bell`, and the two rules.
    static func office(on store: any GatewayStore, bell: EventBell) throws -> (TicketOffice, offline: Rule, fall: Rule) {
        let rules = try Self.rules()
        let offline = try #require(rules.rule(id: "device_offline")), fall = try #require(rules.rule(id: "fall"))
        var desk = TicketLedgerTests.desk()
        desk.dispatch = TicketDispatch(roll: FixedStaffRoll(roster: Self.roster, schedule: .everyoneOnDuty(Self.roster), timeZone: TicketLedgerTests.zone))
        let office = TicketOffice(desk: desk, database: store, logger: Logger(label: "office-test"), bell: bell, nowMs: { Self.t0 })
        return (office, offline, fall)
    }

    @Test(arguments: StoreKind.allCases) func aStormIsWorkedOffInStepsEmergencyFirstAndSpreadEvenly(kind: StoreKind) throws {
        let test = try TestStore(kind, name: "storm")
        defer { test.remove() }
        let bell = EventBell()
        let commits = Atomic<Int>(0)
        bell.onRing { commits.add(1, ordering: .relaxed) }
        let (office, offline, fall) = try Self.office(on: test.store, bell: bell)
        let doors = (1...450).map { Device(id: "door-\($0)", type: "door", community: "maple", building: "1", unit: "\($0)", grid: "G1") }
        let band = Device(id: "band-1", type: "wristband", community: "maple", building: "2", unit: "201", grid: "G1")
        // The fall comes last in the rules' output, as it would behind a tick of absences.
        office.alertsHappened(doors.map { Self.firing(offline, $0, at: Self.t0) } + [Self.firing(fall, band, at: Self.t0)])

        let tickets = try test.store.tickets(TicketFilter())
        #expect(tickets.count == 451)
        #expect(try test.store.ticket(id: "T-000001")?.rule == "fall", "the emergency opened first")
        #expect(commits.load(ordering: .relaxed) == 3, "451 firings in steps of \(TicketOffice.ticketsPerTransaction)")
        let load = try test.store.updateTickets { ledger in try ledger.activeAssignments() }
        #expect(load.values.sorted() == [150, 150, 151], "\(load)")

        // Half the general tier's 24 h response window later, every ticket's first warning is
        // due at once: the clock works them off in steps too, and leaves none due.
        commits.store(0, ordering: .relaxed)
        office.timePassed(nowMs: Self.t0 + 13 * 60 * Self.minute)
        #expect(try test.store.hasTicketsDue(by: Self.t0 + 13 * 60 * Self.minute) == false)
        #expect(try test.store.tickets(TicketFilter()).filter { $0.severity == "general" }.allSatisfy { $0.escalationLevel == 1 })
        #expect(commits.load(ordering: .relaxed) >= 3, "450 warnings in steps")
    }

    /// What the office rings is what the store holds: an event stream sends the bell's copy
    /// in place of a read (`RecentTicketEvents`), so seq, name, ticket and body must match.
    @Test(arguments: StoreKind.allCases) func theBellCarriesTheEventsAsStored(kind: StoreKind) throws {
        let test = try TestStore(kind, name: "rung")
        defer { test.remove() }
        // An hour's freshness: the store work between the rings and the look below may take
        // seconds on a loaded machine, and this test is about the contents, not the age.
        let bell = EventBell(recentFreshNs: 3_600_000_000_000)
        let (office, offline, fall) = try Self.office(on: test.store, bell: bell)
        let door = Device(id: "door-1", type: "door", community: "maple", building: "1", unit: "101", grid: "G1")
        let band = Device(id: "band-1", type: "wristband", community: "maple", building: "2", unit: "201", grid: "G1")
        office.alertsHappened([Self.firing(offline, door, at: Self.t0), Self.firing(fall, band, at: Self.t0)])
        office.timePassed(nowMs: Self.t0 + 13 * 60 * Self.minute)

        let stored = try test.store.ticketEvents(after: 0, limit: 1000)
        let rung = try #require(bell.recentEvents(after: 0, limit: 1000), "every event rung, none missing")
        #expect(stored.count >= 4, "openings, assignments and a warning: \(stored.map(\.event))")
        let fields = { (events: [StoredTicketEvent]) in events.map { [String($0.seq), $0.event, $0.ticketID, $0.community, $0.severity, $0.body] } }
        #expect(fields(rung) == fields(stored))
        #expect(rung.map(\.atMs) == stored.map(\.atMs))
    }
}
