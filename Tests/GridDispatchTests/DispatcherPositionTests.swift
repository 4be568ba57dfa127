import Foundation
import GridDispatch
import XCTest

/// Where people are measured from (fresh live position or base), load as the tie-breaker,
/// tickets without a location, and staff states built from the shift schedule.
final class DispatcherPositionTests: XCTestCase {
    typealias F = DispatchFixture

    static let near = F.member("NEAR", skills: ["first_aid"], north: 2500)
    static let mid = F.member("MID", skills: ["first_aid"], east: 700)

    func choose(_ staff: [StaffState], request: DispatchRequest = DispatchRequest(location: F.site)) -> DispatchDecision {
        Dispatcher().choose(for: request, staff: staff, nowMs: F.now)
    }

    func testFreshLivePositionCountsAndAStaleOneFallsBackToBase() {
        let close = F.point(north: 40)
        let cases: [(name: String, ageMs: Int64, assignee: String, distance: Int, reason: String)] = [
            ("live 1 min old", F.minute, "NEAR", 40, "nearest on duty 40 m (live position)"),
            ("live exactly 5 min old", 5 * F.minute, "NEAR", 40, "nearest on duty 40 m (live position)"),
            ("live clock slightly ahead", -10_000, "NEAR", 40, "nearest on duty 40 m (live position)"),
            ("live 5 min 1 s old", 5 * F.minute + 1000, "MID", 700, "nearest on duty 700 m (base position)"),
        ]
        for test in cases {
            let staff = [F.state(Self.near, live: StaffPosition(point: close, atMs: F.now - test.ageMs)), F.state(Self.mid)]
            let decision = choose(staff)
            XCTAssertEqual(decision.assignee, test.assignee, test.name)
            XCTAssertEqual(decision.distanceMetres, test.distance, test.name)
            XCTAssertEqual(decision.reason, test.reason, test.name)
        }
    }

    func testStaleLivePositionIsNamedInTheReasonWhenItDecided() {
        let stale = StaffPosition(point: F.point(north: 5000), atMs: F.now - 20 * F.minute)
        let decision = choose([F.state(Self.mid, live: stale)])
        XCTAssertEqual(decision.assignee, "MID", "measured from the base, 700 m, not the old fix 5 km away")
        XCTAssertEqual(decision.reason, "nearest on duty 700 m (base position, live one 20 min old)")
    }

    func testFewestActiveTicketsBreaksADistanceTie() {
        let first = F.member("P1", north: 300)
        let second = F.member("P2", north: 300)
        let decision = choose([F.state(first, activeTickets: 2), F.state(second, activeTickets: 1)])
        XCTAssertEqual(decision.assignee, "P2")
        XCTAssertEqual(decision.candidates, [.init(id: "P2", distanceMetres: 300), .init(id: "P1", distanceMetres: 300)])
        XCTAssertEqual(decision.reason, "nearest on duty 300 m (base position); fewest active tickets (1 against 2)")
    }

    func testLoadNeverOutranksDistanceOrGrid() {
        let busyNear = F.state(F.member("BUSY", grids: ["G1"], north: 100), activeTickets: 5)
        let idleFar = F.state(F.member("IDLE", grids: ["G1"], north: 900))
        let idleOtherGrid = F.state(F.member("OTHER", grids: ["G2"], north: 50))
        let decision = choose([idleFar, busyNear, idleOtherGrid], request: DispatchRequest(grid: "G1", location: F.site))
        XCTAssertEqual(decision.candidates.map(\.id), ["BUSY", "IDLE", "OTHER"])
    }

    func testWithoutLocationOnlyTheGridDecides() {
        let inGridBusy = F.state(F.member("G1-BUSY", grids: ["G1"]), activeTickets: 3)
        let inGridIdle = F.state(F.member("G1-IDLE", grids: ["G1"]), activeTickets: 0)
        let outside = F.state(F.member("G2-IDLE", grids: ["G2"]))
        let staff = [inGridBusy, inGridIdle, outside]
        let decision = choose(staff, request: DispatchRequest(grid: "G1", location: nil))
        XCTAssertEqual(decision.assignee, "G1-IDLE")
        XCTAssertNil(decision.distanceMetres)
        XCTAssertEqual(decision.candidates, [.init(id: "G1-IDLE", distanceMetres: nil), .init(id: "G1-BUSY", distanceMetres: nil)])
        XCTAssertEqual(decision.reason, "same grid G1, no location on the ticket; fewest active tickets (0 against 3)")
        XCTAssertEqual(choose(staff, request: DispatchRequest(grid: "G3", location: nil)).reason,
                       "ticket has no location and nobody on duty covers grid G3")
        XCTAssertEqual(choose(staff, request: DispatchRequest(location: nil)).reason,
                       "ticket has neither a location nor a grid: nobody can be placed near it")
    }

    func testStatesComeFromTheScheduleWithLivePositionsAndLoad() throws {
        let roster = StaffRoster(members: [Self.near, Self.mid])
        let schedule = ShiftSchedule(shifts: [Shift(holder: .staff("MID"), fromMinute: 22 * 60, toMinute: 6 * 60)], roster: roster)
        let night = try F.ms("2026-03-02T23:00:00+08:00")
        let live = StaffPosition(point: F.point(north: 10), atMs: night)
        let states = StaffState.states(roster: roster, schedule: schedule, atMs: night, timeZone: F.zone,
                                       livePositions: ["NEAR": live], activeTickets: ["MID": 2])
        XCTAssertEqual(states.map(\.member.id), ["NEAR", "MID"])
        XCTAssertEqual(states.map(\.onDuty), [false, true])
        XCTAssertEqual(states.map(\.activeTickets), [0, 2])
        XCTAssertEqual(states[0].livePosition, live)
        let decision = Dispatcher().choose(for: DispatchRequest(location: F.site), staff: states, nowMs: night)
        XCTAssertEqual(decision.assignee, "MID", "NEAR is 10 m away but off duty")
    }
}
