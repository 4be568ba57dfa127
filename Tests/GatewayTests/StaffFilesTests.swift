import Devices
import Formats
import Foundation
@testable import Gateway
import GridDispatch
import Logging
import Testing

/// `staff.roster` and `staff.shifts` as the configuration names them: the shipped demo files,
/// every mistake at its line and column at once, the staff topic setting, and a reload that
/// keeps the roster in force when the edit is bad.
@Suite struct StaffFilesTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    static func directory(_ name: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gw-\(name)-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func ms(_ text: String) throws -> Int64 { try #require(RFC3339.parseMilliseconds(text)) }

    @Test func theShippedRosterAndShiftsLoadCleanOnTheCalendarsZone() throws {
        let setup = GatewaySetup.load(configPath: Self.root + "/config/gridwatch.yaml")
        #expect(setup.diagnostics.filter { $0.file.contains("/config/staff/") }.isEmpty, "\(setup.diagnostics)")
        #expect(setup.config.staffTopicPattern == "gridwatch/{community}/staff/{id}/location")
        let roster = setup.staff.roster
        #expect((8...12).contains(roster.members.count))
        #expect(Set(roster.members.flatMap(\.grids)) == ["G1", "G2", "G3"])
        for skill in ["elderly_care", "first_aid", "fire_safety", "plumbing", "locks"] {
            #expect(roster.members.contains { $0.hasSkill(skill) }, "someone has \(skill)")
        }
        #expect(roster.members.allSatisfy { $0.base.distanceMetres(to: GeoPoint(latitude: 32.06, longitude: 118.78)!) < 1000 })
        #expect(setup.calendar.timeZone.identifier == "Asia/Shanghai")
        let board = StaffBoard(roster: roster, schedule: setup.staff.schedule, timeZone: setup.calendar.timeZone)
        func onDuty(_ time: String) throws -> Set<String> {
            Set(board.states(atMs: try Self.ms(time), activeTickets: [:]).filter(\.onDuty).map(\.member.id))
        }
        // Tuesday 3 March 2026: a working day; 03:00 is the night shift that began Monday 18:00.
        let night = try onDuty("2026-03-03T03:00:00+08:00")
        #expect(night.contains("S04") && !night.contains("S01"), "\(night)")
        let day = try onDuty("2026-03-03T10:00:00+08:00")
        #expect(day.isSuperset(of: ["S01", "S02", "S03", "S07"]) && !day.contains("S04"), "\(day)")
        // The same instant written in UTC is the same answer: the calendar's zone decides.
        #expect(try onDuty("2026-03-02T19:00:00Z") == night)
    }

    @Test func everyRosterAndShiftMistakeIsReportedAtItsPosition() throws {
        let directory = try Self.directory("staff-bad")
        try """
            id,name,team,grids,skills,phone,lat,lon
            S1,Wang,grid,G1,first_aid,+86 138,32.06,118.78
            S2,,grid,G2,,138x,95,118.78
            S1,Li,grid,G1,,,32.06,118.78
            """.write(toFile: directory + "/roster.csv", atomically: true, encoding: .utf8)
        try """
            - {staff: S1, days: [mon, funday], from: "08:00", to: "18:00"}
            - {staff: S9, from: "25:00", to: "06:00"}
            - {team: grid, from: "08:00", to: "18:00", colour: red}
            """.write(toFile: directory + "/shifts.yaml", atomically: true, encoding: .utf8)
        try """
            mqtt: {staff_topic: "gridwatch/{community}/staff/location"}
            staff: {roster: roster.csv, shifts: shifts.yaml}
            """.write(toFile: directory + "/gridwatch.yaml", atomically: true, encoding: .utf8)
        var diagnostics = DiagnosticList()
        let config = GatewayConfig.load(path: directory + "/gridwatch.yaml", diagnostics: &diagnostics)
        let files = StaffFiles.load(config, diagnostics: &diagnostics)
        let rendered = diagnostics.items.map(\.description)
        let expected = [
            "gridwatch.yaml:1:21: error: 'staff_topic' must name {id}",
            "roster.csv:3:4: error: 'name' must not be empty",
            "roster.csv:3:14: error: 'phone' may hold only digits",
            "roster.csv:3:19: error: 'lat' 95 is outside -90...90",
            "roster.csv:4:1: error: staff 'S1' is already listed on line 2",
            "shifts.yaml:1:27: error: unknown day 'funday'",
            "shifts.yaml:2:11: error: unknown staff 'S9'",
            "shifts.yaml:2:21: error: 'from' must be a time HH:MM",
            "shifts.yaml:3:44: error: unknown key 'colour' in a shift",
        ]
        for line in expected {
            #expect(rendered.contains { $0.contains("/" + line) }, "missing \(line) in \(rendered)")
        }
        #expect(diagnostics.errors.count == expected.count, "\(rendered)")
        #expect(files.roster.members.map(\.id) == ["S1"], "the good row is kept")
        // Only the shift whose one mistake is an unknown key is built; the errors refuse the file anyway.
        #expect(files.schedule.shifts.count == 1)
    }

    @Test func withoutShiftsEveryoneOnTheRosterIsOnDuty() throws {
        let directory = try Self.directory("staff-noshifts")
        try "id,name,team,lat,lon\nS1,Wang,grid,32.06,118.78\nS2,Li,safety,32.06,118.78\n"
            .write(toFile: directory + "/roster.csv", atomically: true, encoding: .utf8)
        try "staff: {roster: roster.csv}\n".write(toFile: directory + "/gridwatch.yaml", atomically: true, encoding: .utf8)
        var diagnostics = DiagnosticList()
        let files = StaffFiles.load(GatewayConfig.load(path: directory + "/gridwatch.yaml", diagnostics: &diagnostics), diagnostics: &diagnostics)
        #expect(diagnostics.items.isEmpty, "\(diagnostics.items)")
        let board = StaffBoard(roster: files.roster, schedule: files.schedule, timeZone: .gmt)
        #expect(board.states(atMs: 0, activeTickets: [:]).map(\.onDuty) == [true, true])
    }

    @Test func aBadEditKeepsTheRosterInForceAndAGoodOneReplacesIt() throws {
        let directory = try Self.directory("staff-reload")
        let roster = directory + "/roster.csv"
        try "id,name,team,lat,lon\nS1,Wang,grid,32.06,118.78\n".write(toFile: roster, atomically: true, encoding: .utf8)
        try "- {staff: S1, from: \"08:00\", to: \"20:00\"}\n".write(toFile: directory + "/shifts.yaml", atomically: true, encoding: .utf8)
        try "staff: {roster: roster.csv, shifts: shifts.yaml}\n".write(toFile: directory + "/gridwatch.yaml", atomically: true, encoding: .utf8)
        var diagnostics = DiagnosticList()
        let config = GatewayConfig.load(path: directory + "/gridwatch.yaml", diagnostics: &diagnostics)
        let files = StaffFiles.load(config, diagnostics: &diagnostics)
        let board = StaffBoard(roster: files.roster, schedule: files.schedule, timeZone: .gmt)
        var watch = StaffFileWatch(config: config, board: board)
        let logger = Logger(label: "test")
        let unchanged = watch.reloadIfChanged(hangup: false, logger: logger)
        #expect(!unchanged, "nothing changed")

        try "id,name,team,lat,lon\nS1,Wang,grid,32.06,118.78\nS2,Li,grid,north,118.78\n".write(toFile: roster, atomically: true, encoding: .utf8)
        let refused = watch.reloadIfChanged(hangup: true, logger: logger)
        #expect(!refused, "a bad roster is refused whole")
        #expect(board.roster.members.map(\.id) == ["S1"])

        try "id,name,team,lat,lon\nS1,Wang,grid,32.06,118.78\nS2,Li,grid,32.07,118.78\n".write(toFile: roster, atomically: true, encoding: .utf8)
        let replaced = watch.reloadIfChanged(hangup: true, logger: logger)
        #expect(replaced)
        #expect(board.roster.members.map(\.id) == ["S1", "S2"])
        // S2 has no shift: once shifts exist, someone without one is off duty.
        let noon: Int64 = 12 * 3_600_000
        #expect(board.states(atMs: noon, activeTickets: [:]).map(\.onDuty) == [true, false])
    }
}
