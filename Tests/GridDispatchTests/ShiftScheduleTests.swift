import Devices
import Formats
import Foundation
import GridDispatch
import XCTest

/// Weekly shifts: crossing midnight, teams and people, daylight saving, and parse errors
/// reported at the positions the configuration loader handed over.
final class ShiftScheduleTests: XCTestCase {
    typealias F = DispatchFixture
    typealias P = Positioned<String>

    static let roster = StaffRoster(members: [
        F.member("S1", team: "grid"), F.member("S2", team: "grid"), F.member("N1", team: "night"),
    ])

    static func schedule(_ entries: [ShiftEntrySource], file: StaticString = #filePath, line: UInt = #line) -> ShiftSchedule {
        var diagnostics = DiagnosticList()
        let schedule = ShiftSchedule.parse(entries, path: "gridwatch.yaml", roster: roster, diagnostics: &diagnostics)
        XCTAssertEqual(F.rendered(diagnostics), [], file: file, line: line)
        return schedule
    }

    static func entry(staff: String? = nil, team: String? = nil, days: [String]? = nil, from: String, to: String) -> ShiftEntrySource {
        ShiftEntrySource(line: 10, column: 5, staff: staff.map { .at(10, 12, $0) }, team: team.map { .at(10, 12, $0) },
                         days: days.map { Positioned($0.map { .at(11, 12, $0) }, line: 11, column: 11) },
                         from: .at(12, 11, from), to: .at(13, 9, to))
    }

    func testSundayNightShiftCoversMondayMorningOnly() throws {
        // 1 March 2026 is a Sunday.
        let schedule = Self.schedule([Self.entry(staff: "S1", days: ["sun"], from: "22:00", to: "06:00")])
        let cases: [(String, Bool)] = [
            ("2026-03-01T21:59:00+08:00", false),
            ("2026-03-01T22:00:00+08:00", true),
            ("2026-03-01T23:59:59+08:00", true),
            ("2026-03-02T00:00:00+08:00", true),
            ("2026-03-02T03:00:00+08:00", true),
            ("2026-03-02T05:59:59+08:00", true),
            ("2026-03-02T06:00:00+08:00", false),
            ("2026-03-02T22:30:00+08:00", false),
            ("2026-03-01T03:00:00+08:00", false),
            ("2026-02-28T23:00:00+08:00", false),
            ("2026-03-08T22:15:00+08:00", true),
            // The same instant seen from UTC is Sunday 19:00: the zone decides.
            ("2026-03-01T19:00:00Z", true),
        ]
        for (time, expected) in cases {
            XCTAssertEqual(schedule.isOnDuty(staffID: "S1", atMs: try F.ms(time), timeZone: F.zone), expected, time)
            XCTAssertFalse(schedule.isOnDuty(staffID: "S2", atMs: try F.ms(time), timeZone: F.zone), "S2 has no shift: \(time)")
        }
    }

    func testDayShiftTeamShiftAndTwentyFourHours() throws {
        let schedule = Self.schedule([
            Self.entry(team: "grid", days: ["mon", "Tuesday", "WED", "thu", "fri"], from: "08:30", to: "17:30"),
            Self.entry(team: "night", from: "18:00", to: "18:00"),
            Self.entry(staff: "S2", days: ["sat"], from: "00:00", to: "24:00"),
        ])
        let cases: [(staff: String, time: String, onDuty: Bool)] = [
            ("S1", "2026-03-02T08:29:00+08:00", false),
            ("S1", "2026-03-02T08:30:00+08:00", true),
            ("S1", "2026-03-06T17:29:00+08:00", true),
            ("S1", "2026-03-06T17:30:00+08:00", false),
            ("S1", "2026-03-07T10:00:00+08:00", false),
            ("S2", "2026-03-07T00:00:00+08:00", true),
            ("S2", "2026-03-07T23:59:00+08:00", true),
            ("S2", "2026-03-08T00:00:00+08:00", false),
            ("N1", "2026-03-02T17:59:00+08:00", true),
            ("N1", "2026-03-02T18:00:00+08:00", true),
            ("N1", "2026-03-05T04:00:00+08:00", true),
            ("GHOST", "2026-03-02T10:00:00+08:00", false),
        ]
        for test in cases {
            XCTAssertEqual(schedule.isOnDuty(staffID: test.staff, atMs: try F.ms(test.time), timeZone: F.zone), test.onDuty,
                           "\(test.staff) at \(test.time)")
        }
        XCTAssertEqual(schedule.onDuty(atMs: try F.ms("2026-03-07T12:00:00+08:00"), timeZone: F.zone).map(\.id), ["S2", "N1"])
    }

    func testShiftEdgesFollowWallClockAcrossDaylightSaving() throws {
        let berlin = try XCTUnwrap(TimeZone(identifier: "Europe/Berlin"))
        let schedule = Self.schedule([
            Self.entry(staff: "N1", from: "22:00", to: "06:00"),
            Self.entry(staff: "S1", from: "09:00", to: "17:00"),
        ])
        // 29 March 2026 clocks go from 02:00 to 03:00; 25 October from 03:00 back to 02:00.
        // A fixed offset would be an hour wrong on one side of each change.
        let cases: [(staff: String, time: String, onDuty: Bool)] = [
            ("N1", "2026-03-29T05:30:00+02:00", true),
            ("N1", "2026-03-29T06:30:00+02:00", false),
            ("N1", "2026-03-28T21:30:00+01:00", false),
            ("N1", "2026-03-29T03:10:00+02:00", true),
            ("S1", "2026-10-25T16:30:00+01:00", true),
            ("S1", "2026-10-25T17:30:00+01:00", false),
            ("S1", "2026-10-24T16:30:00+02:00", true),
            ("N1", "2026-10-25T02:30:00+02:00", true),
            ("N1", "2026-10-25T02:30:00+01:00", true),
            ("N1", "2026-10-25T06:10:00+01:00", false),
        ]
        for test in cases {
            XCTAssertEqual(schedule.isOnDuty(staffID: test.staff, atMs: try F.ms(test.time), timeZone: berlin), test.onDuty,
                           "\(test.staff) at \(test.time)")
        }
    }

    func testWithoutShiftsEveryoneInTheRosterIsOnDuty() throws {
        let schedule = ShiftSchedule.everyoneOnDuty(Self.roster)
        let at = try F.ms("2026-03-01T03:00:00+08:00")
        XCTAssertTrue(schedule.isOnDuty(staffID: "S1", atMs: at, timeZone: F.zone))
        XCTAssertTrue(schedule.isOnDuty(staffID: "N1", atMs: at, timeZone: F.zone))
        XCTAssertFalse(schedule.isOnDuty(staffID: "GHOST", atMs: at, timeZone: F.zone), "not in the roster")
        XCTAssertEqual(Self.schedule([]).onDuty(atMs: at, timeZone: F.zone).count, 3)
    }

    func testEveryEntryErrorIsReportedAtItsPositionAtOnce() {
        let entries = [
            ShiftEntrySource(line: 3, column: 5, days: Positioned([.at(3, 20, "mon")], line: 3, column: 19),
                             from: .at(3, 33, "08:00"), to: .at(3, 46, "17:00")),
            ShiftEntrySource(line: 4, column: 5, staff: .at(4, 14, "S1"), team: .at(4, 24, "grid"),
                             from: .at(4, 37, "08:00"), to: .at(4, 50, "17:00")),
            ShiftEntrySource(line: 5, column: 5, staff: .at(5, 14, "S99"),
                             days: Positioned([.at(5, 26, "mon"), .at(5, 31, "Funday"), .at(5, 39, "sun")], line: 5, column: 25),
                             from: .at(5, 54, "25:00"), to: .at(5, 67, "6")),
            ShiftEntrySource(line: 6, column: 5, team: .at(6, 13, "day"), days: Positioned([], line: 6, column: 24),
                             from: .at(6, 35, "24:00")),
            ShiftEntrySource(line: 7, column: 5, team: .at(7, 13, "night"), from: .at(7, 26, "7:05"), to: .at(7, 38, "24:00")),
        ]
        var diagnostics = DiagnosticList()
        let schedule = ShiftSchedule.parse(entries, path: "gridwatch.yaml", roster: Self.roster, diagnostics: &diagnostics)
        XCTAssertEqual(F.rendered(diagnostics), [
            "gridwatch.yaml:3:5: error: shift names neither 'staff' nor 'team'",
            "gridwatch.yaml:4:24: error: shift names both 'staff' and 'team': give one",
            "gridwatch.yaml:5:14: error: unknown staff 'S99' (not in the roster)",
            "gridwatch.yaml:5:31: error: unknown day 'Funday' (expected mon, tue, wed, thu, fri, sat or sun)",
            "gridwatch.yaml:5:54: error: 'from' must be a time HH:MM from 00:00 to 23:59, got '25:00'",
            "gridwatch.yaml:5:67: error: 'to' must be a time HH:MM from 00:00 to 24:00, got '6'",
            "gridwatch.yaml:6:13: error: unknown team 'day' (no one in the roster is in it)",
            "gridwatch.yaml:6:24: error: 'days' is empty: the shift would never be on duty",
            "gridwatch.yaml:6:35: error: 'from' must be a time HH:MM from 00:00 to 23:59, got '24:00'",
            "gridwatch.yaml:6:5: error: shift is missing required key 'to'",
        ])
        XCTAssertEqual(schedule.shifts, [Shift(holder: .team("night"), fromMinute: 7 * 60 + 5, toMinute: 1440)],
                       "only the good entry is kept")
    }
}
