import Devices
import Formats
import Foundation
import GridDispatch
import XCTest

/// The roster CSV: members read as written, and every mistake at its line and column, all at once.
final class StaffRosterTests: XCTestCase {
    func testReadsMembersWithListsQuotesAndBlankLines() throws {
        let text = """
        id,name,team,grids,skills,phone,lat,lon
        S1,Wang Fang,grid,G1;G2,first_aid;elderly_care,138-0000-0001,31.2304,121.4737
        "S7","Zhou, Wei",grid,"G1; G2 ;;G1",first_aid,+86 (21) 5555 0000,31.2305,121.4738

        S8,Wu Min,community,,,,-31.5,-121.25
        """
        var diagnostics = DiagnosticList()
        let roster = StaffRoster.parse(text, path: "staff.csv", diagnostics: &diagnostics)
        XCTAssertEqual(DispatchFixture.rendered(diagnostics), [])
        XCTAssertEqual(roster.members.map(\.id), ["S1", "S7", "S8"])
        let wang = try XCTUnwrap(roster["S1"])
        XCTAssertEqual(wang.name, "Wang Fang")
        XCTAssertEqual(wang.grids, ["G1", "G2"])
        XCTAssertEqual(wang.skills, ["first_aid", "elderly_care"])
        XCTAssertEqual(wang.base, GeoPoint(latitude: 31.2304, longitude: 121.4737))
        XCTAssertEqual(roster["S7"]?.name, "Zhou, Wei")
        XCTAssertEqual(roster["S7"]?.grids, ["G1", "G2"], "trimmed, empties and repeats dropped")
        XCTAssertEqual(roster["S8"]?.grids, [])
        XCTAssertEqual(roster["S8"]?.base, GeoPoint(latitude: -31.5, longitude: -121.25))
        XCTAssertEqual(roster.teams, ["grid", "community"])
        XCTAssertNil(roster["S9"])
    }

    func testEveryRowErrorIsReportedAtItsLineAndColumnAtOnce() {
        let text = """
        id,name,team,grids,skills,phone,lat,lon
        S1,Wang Fang,grid,G1;G2,first_aid,138-0000-0001,31.2304,121.4737
        S2,,grid,G1,,139 0000 0002,95,121.4737
        S1,Li Lei,grid,G1,,,31.23,abc
        S/4,Zhao,,G3,,+86 138 0000 0004,31.23,121.47
        S5,Qian,grid,G1,,call me,31.23,
        S6,Sun,grid,G1
        S2,Zheng,grid,G1,,,31.23,121.47

        S9,Feng,grid,G1,,,31.23,121.47
        """
        var diagnostics = DiagnosticList()
        let roster = StaffRoster.parse(text, path: "staff.csv", diagnostics: &diagnostics)
        XCTAssertEqual(DispatchFixture.rendered(diagnostics), [
            "staff.csv:3:4: error: 'name' must not be empty",
            "staff.csv:3:28: error: 'lat' 95 is outside -90...90",
            "staff.csv:4:1: error: staff 'S1' is already listed on line 2",
            "staff.csv:4:27: error: 'lon' must be a number in degrees, got 'abc'",
            "staff.csv:5:10: error: 'team' must not be empty",
            "staff.csv:5:1: error: staff id 'S/4' may not contain '/', '+', '#' or spaces",
            "staff.csv:6:18: error: 'phone' may hold only digits, spaces, '+', '-' and brackets, got 'call me'",
            "staff.csv:6:32: error: 'lon' must not be empty",
            "staff.csv:7:1: error: row has 4 columns, header has 8",
            // A bad row still claims its id: the later copy is a duplicate too.
            "staff.csv:8:1: error: staff 'S2' is already listed on line 3",
        ])
        XCTAssertTrue(diagnostics.hasErrors)
        XCTAssertEqual(roster.members.map(\.id), ["S1", "S9"], "rows with errors are left out, good ones kept")
    }

    func testHeaderProblems() {
        let cases: [(name: String, text: String, expected: [String])] = [
            ("empty file", "", ["staff.csv:1:1: error: staff roster is empty: expected a header line id,name,team,grids,skills,phone,lat,lon"]),
            ("missing required and unknown column", "id,name,lat,lon,colour\nS1,A,31,121,red\n", [
                "staff.csv:1:17: warning: unknown column 'colour' is ignored",
                "staff.csv:1:1: error: staff roster header lacks required column 'team'",
            ]),
            ("two missing", "id,name,team\n", [
                "staff.csv:1:1: error: staff roster header lacks required column 'lat'",
                "staff.csv:1:1: error: staff roster header lacks required column 'lon'",
            ]),
            ("repeated column", "id,name,team,lat,lon,name\nS1,A,grid,31,121,B\n", [
                "staff.csv:1:22: error: column 'name' appears twice (first as column 2)",
            ]),
        ]
        for test in cases {
            var diagnostics = DiagnosticList()
            _ = StaffRoster.parse(test.text, path: "staff.csv", diagnostics: &diagnostics)
            XCTAssertEqual(DispatchFixture.rendered(diagnostics), test.expected, test.name)
        }
    }

    func testColumnsInAnyOrderAndOptionalOnesAbsent() throws {
        let text = "lon,lat,team,name,id\n121.47,31.23,grid,Wang,S1\n"
        var diagnostics = DiagnosticList()
        let roster = StaffRoster.parse(text, path: "staff.csv", diagnostics: &diagnostics)
        XCTAssertEqual(DispatchFixture.rendered(diagnostics), [])
        let member = try XCTUnwrap(roster["S1"])
        XCTAssertEqual(member.base, GeoPoint(latitude: 31.23, longitude: 121.47))
        XCTAssertEqual(member.skills, [])
        XCTAssertEqual(member.phone, "")
    }

    func testLoadReportsAnUnreadableFile() {
        var diagnostics = DiagnosticList()
        let roster = StaffRoster.load(path: "/nonexistent/staff.csv", diagnostics: &diagnostics)
        XCTAssertEqual(roster.members, [])
        XCTAssertEqual(DispatchFixture.rendered(diagnostics),
                       ["/nonexistent/staff.csv:1:1: error: cannot read staff roster (missing or not UTF-8)"])
    }
}
