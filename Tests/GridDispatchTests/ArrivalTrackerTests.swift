import Foundation
import GridDispatch
import XCTest

/// Arrival is the assignee's first position inside the radius; the way there is kept.
final class ArrivalTrackerTests: XCTestCase {
    typealias F = DispatchFixture
    typealias Action = ArrivalTracker.Action

    static let dispatchedAt = F.now

    static func tracker(maxTrajectoryPoints: Int = 500) -> ArrivalTracker {
        ArrivalTracker(assignee: "S1", destination: F.site, dispatchedAtMs: dispatchedAt, radiusMetres: 50,
                       maxTrajectoryPoints: maxTrajectoryPoints)
    }

    static func at(_ north: Double, _ seconds: Int64) -> StaffPosition {
        StaffPosition(point: F.point(north: north), atMs: dispatchedAt + seconds * 1000)
    }

    func testFirstEntryInsideTheRadiusOnlyAndTheTrajectoryUpToIt() {
        var tracker = Self.tracker()
        // (staff, metres north of the site, seconds after dispatch, expected action)
        let steps: [(String, Double, Int64, Action)] = [
            ("S1", 600, 10, .enRoute(distanceMetres: 600)),
            ("S2", 10, 15, .ignored(.otherStaff)),
            ("S1", 300, 40, .enRoute(distanceMetres: 300)),
            ("S1", 51, 70, .enRoute(distanceMetres: 51)),
            ("S1", 49, 80, .arrived(atMs: Self.dispatchedAt + 80_000, distanceMetres: 49)),
            ("S1", 5, 90, .alreadyArrived),
            ("S1", 400, 200, .alreadyArrived),
            ("S1", 20, 300, .alreadyArrived),
        ]
        for (index, (staff, north, seconds, expected)) in steps.enumerated() {
            let action = tracker.positionReported(staffID: staff, at: Self.at(north, seconds), nowMs: Self.dispatchedAt + seconds * 1000)
            XCTAssertEqual(action, expected, "step \(index + 1)")
        }
        XCTAssertEqual(tracker.arrivedAtMs, Self.dispatchedAt + 80_000)
        XCTAssertTrue(tracker.hasArrived)
        XCTAssertEqual(tracker.trajectory.map(\.atMs), [10, 40, 70, 80].map { Self.dispatchedAt + $0 * 1000 },
                       "between dispatch and arrival, the arrival point included; nobody else's")
    }

    func testStartingInsideTheRadiusIsAnArrival() {
        var tracker = Self.tracker()
        XCTAssertEqual(tracker.positionReported(staffID: "S1", at: Self.at(0, 5), nowMs: Self.dispatchedAt + 5000),
                       .arrived(atMs: Self.dispatchedAt + 5000, distanceMetres: 0))
    }

    func testReportsBeforeDispatchOrOutOfOrderAreIgnored() {
        var tracker = Self.tracker()
        let now = Self.dispatchedAt + 120_000
        XCTAssertEqual(tracker.positionReported(staffID: "S1", at: Self.at(10, -30), nowMs: now), .ignored(.beforeDispatch),
                       "a fix from before the dispatch, even inside the radius, is no arrival")
        XCTAssertEqual(tracker.positionReported(staffID: "S1", at: Self.at(500, 60), nowMs: now), .enRoute(distanceMetres: 500))
        XCTAssertEqual(tracker.positionReported(staffID: "S1", at: Self.at(500, 60), nowMs: now), .ignored(.outOfOrder),
                       "a QoS 1 redelivery")
        XCTAssertEqual(tracker.positionReported(staffID: "S1", at: Self.at(10, 30), nowMs: now), .ignored(.outOfOrder))
        XCTAssertNil(tracker.arrivedAtMs)
        XCTAssertEqual(tracker.trajectory.count, 1)
    }

    func testADeviceClockAheadNeverDatesTheArrivalInTheFuture() {
        var tracker = Self.tracker()
        let now = Self.dispatchedAt + 60_000
        XCTAssertEqual(tracker.positionReported(staffID: "S1", at: Self.at(20, 90), nowMs: now),
                       .arrived(atMs: now, distanceMetres: 20))
        XCTAssertEqual(tracker.trajectory.last?.atMs, now)
    }

    func testLongTripsAreThinnedNotTruncated() {
        var tracker = Self.tracker(maxTrajectoryPoints: 8)
        for second in 1...20 {
            _ = tracker.positionReported(staffID: "S1", at: Self.at(2000 - Double(second) * 10, Int64(second)),
                                         nowMs: Self.dispatchedAt + Int64(second) * 1000)
        }
        XCTAssertLessThanOrEqual(tracker.trajectory.count, 8)
        XCTAssertEqual(tracker.trajectory.first?.atMs, Self.dispatchedAt + 1000, "the start of the trip is kept")
        XCTAssertEqual(tracker.trajectory.last?.atMs, Self.dispatchedAt + 20_000, "and its latest point")
        XCTAssertEqual(tracker.trajectory.map(\.atMs), tracker.trajectory.map(\.atMs).sorted())
    }
}
