import Devices
import Foundation
import GridDispatch
import XCTest

/// Live positions: accepted, or refused with the same kind of reason a device reading gets.
final class StaffPositionCheckTests: XCTestCase {
    typealias F = DispatchFixture

    static let check = StaffPositionCheck(roster: StaffRoster(members: [F.member("S1")]), clockSkewToleranceMs: 300_000,
                                          maxPayloadBytes: 256)

    func testAcceptsMillisecondsSecondsAndRFC3339() throws {
        let cases = [
            #"{"ts":\#(F.now),"lat":31.2304,"lon":121.4737}"#,
            #"{"ts":\#(F.now / 1000),"lat":31.2304,"lon":121.4737,"accuracy_m":8}"#,
            #"{"ts":"2026-03-02T10:00:00+08:00","lat":31.2304,"lon":121.4737}"#,
        ]
        for payload in cases {
            XCTAssertEqual(Self.check.check(staffID: "S1", payload: Array(payload.utf8), nowMs: F.now),
                           .accepted(StaffPosition(point: F.site, atMs: F.now)), payload)
        }
    }

    func testRejectsWithItsReason() {
        let ahead = F.now + 301_000
        let behind = F.now - 600_000
        let cases: [(staff: String, payload: String, reason: StaffPositionRejectionReason, detail: String)] = [
            ("S9", #"{"ts":\#(F.now),"lat":31.2,"lon":121.4}"#, .unknownStaff, "staff 'S9' is not in the roster"),
            ("S1", String(repeating: " ", count: 257), .payloadTooLarge, "payload of 257 bytes exceeds the limit of 256"),
            ("S1", "{lat:1}", .notJSON, "not JSON: expected a string key at byte 1"),
            ("S1", "[1,2]", .notObject, "payload is a JSON array, expected an object"),
            ("S1", #"{"lat":31.2,"lon":121.4}"#, .missingTimestamp, "payload has no 'ts' (device time)"),
            ("S1", #"{"ts":"yesterday","lat":31.2,"lon":121.4}"#, .invalidTimestamp,
             "'ts' must be epoch seconds or milliseconds, or RFC 3339 text"),
            ("S1", #"{"ts":\#(F.now),"lon":121.4}"#, .missingPosition, "payload has no 'lat'"),
            ("S1", #"{"ts":\#(F.now),"lat":31.2,"lon":null}"#, .missingPosition, "payload has no 'lon'"),
            ("S1", #"{"ts":\#(F.now),"lat":"31.2","lon":121.4}"#, .wrongType, "field 'lat' must be a number, got string"),
            ("S1", #"{"ts":\#(F.now),"lat":121.4,"lon":31.2}"#, .outOfRange, "latitude 121.4 is outside -90...90"),
            ("S1", #"{"ts":\#(F.now),"lat":31.2,"lon":-181}"#, .outOfRange, "longitude -181.0 is outside -180...180"),
            ("S1", #"{"ts":\#(ahead),"lat":31.2,"lon":121.4}"#, .clockSkew,
             "position time is 301 s ahead of the gateway's clock (tolerance 300 s)"),
            ("S1", #"{"ts":\#(behind),"lat":31.2,"lon":121.4}"#, .clockSkew,
             "position time is 600 s behind the gateway's clock (tolerance 300 s)"),
        ]
        for test in cases {
            let outcome = Self.check.check(staffID: test.staff, payload: Array(test.payload.utf8), nowMs: F.now)
            let expected = StaffPositionRejection(staffID: test.staff, reason: test.reason, detail: test.detail)
            XCTAssertEqual(outcome, .rejected(expected), "\(test.reason)")
        }
    }

    func testInvalidUTF8IsItsOwnReason() {
        var payload = Array(#"{"ts":1,"lat":"#.utf8)
        payload += [0x22, 0xFF, 0x22, 0x7D]
        guard case let .rejected(rejection) = Self.check.check(staffID: "S1", payload: payload, nowMs: F.now) else {
            return XCTFail("accepted invalid UTF-8")
        }
        XCTAssertEqual(rejection.reason, .invalidUTF8)
    }

    func testClockWithinToleranceOnEitherSideIsAccepted() {
        for skew: Int64 in [-300_000, -1, 0, 1, 300_000] {
            let payload = #"{"ts":\#(F.now + skew),"lat":31.2304,"lon":121.4737}"#
            XCTAssertEqual(Self.check.check(staffID: "S1", payload: Array(payload.utf8), nowMs: F.now),
                           .accepted(StaffPosition(point: F.site, atMs: F.now + skew)), "skew \(skew) ms")
        }
    }

    func testReasonsShareDevicesRawValuesWhereTheCauseIsTheSame() {
        let shared = Set(RejectionReason.allCases.map(\.rawValue))
        for reason in [StaffPositionRejectionReason.payloadTooLarge, .invalidUTF8, .notJSON, .notObject, .missingTimestamp,
                       .invalidTimestamp, .wrongType] {
            XCTAssertTrue(shared.contains(reason.rawValue), reason.rawValue)
        }
        XCTAssertEqual(StaffPositionRejection(staffID: "S1", reason: .clockSkew, detail: "late").description, "clock_skew: late")
    }
}
