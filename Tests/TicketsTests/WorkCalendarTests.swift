import Devices
import Formats
import Foundation
import Testing
import Tickets

/// Working-day arithmetic on the shipped 2026 calendar: holidays, make-up working days on
/// weekends, working hours, and the SLA deadlines built on them.
@Suite struct WorkCalendarTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func cn2026() throws -> WorkCalendar {
        var diagnostics = DiagnosticList()
        let calendar = WorkCalendar.load(path: root.appendingPathComponent("config/calendars/cn-2026.yaml").path, diagnostics: &diagnostics)
        #expect(diagnostics.items.isEmpty, "\(diagnostics.items)")
        return try #require(calendar)
    }

    static func at(_ text: String) throws -> Date { try #require(RFC3339.parse(text)) }

    @Test func holidaysAndMakeUpDays() throws {
        let calendar = try Self.cn2026()
        #expect(!calendar.isWorkingDay(try Self.at("2026-01-01T12:00:00+08:00")))   // New Year, Thursday
        #expect(calendar.isWorkingDay(try Self.at("2026-01-04T12:00:00+08:00")))    // make-up Sunday
        #expect(calendar.isWorkingDay(try Self.at("2026-02-14T12:00:00+08:00")))    // make-up Saturday
        #expect(!calendar.isWorkingDay(try Self.at("2026-02-16T12:00:00+08:00")))   // Spring Festival Monday
        #expect(!calendar.isWorkingDay(try Self.at("2026-02-21T12:00:00+08:00")))   // an ordinary Saturday inside the holiday
        #expect(calendar.isWorkingDay(try Self.at("2026-02-24T12:00:00+08:00")))
        #expect(!calendar.isWorkingDay(try Self.at("2026-10-07T12:00:00+08:00")))
        #expect(calendar.isWorkingDay(try Self.at("2026-10-10T12:00:00+08:00")))    // make-up Saturday
        #expect(!calendar.isWorkingDay(try Self.at("2026-10-11T12:00:00+08:00")))   // Sunday
        // The day is the calendar's local day: 23:30 UTC on the 13th is already the 14th in Shanghai.
        #expect(calendar.isWorkingDay(try Self.at("2026-02-13T23:30:00Z")))
    }

    @Test func threeWorkingDaysAcrossTheSpringFestivalAndAMakeUpSaturday() throws {
        let calendar = try Self.cn2026()
        let complex = try #require(SLAPolicy.defaults["complex"])
        // Friday 13 Feb: Sat 14 (make-up) is day 1, 15-23 are holidays, Tue 24 day 2, Wed 25 day 3.
        let due = complex.due(openedAt: try Self.at("2026-02-13T17:00:00+08:00"), calendar: calendar)
        #expect(RFC3339.format(due.respondBy, timeZone: calendar.timeZone) == "2026-02-25T18:00:00+08:00")
        #expect(RFC3339.format(due.resolveBy, timeZone: calendar.timeZone) == "2026-02-16T17:00:00+08:00")   // 72 h, wall clock
        // A ticket opened on a holiday counts from the next working days.
        let onHoliday = complex.due(openedAt: try Self.at("2026-10-03T09:00:00+08:00"), calendar: calendar)
        // Saturday 3 Oct: 4-7 are holidays, Thu 8 is day 1, Fri 9 day 2, Sat 10 (make-up) day 3.
        #expect(RFC3339.format(onHoliday.respondBy, timeZone: calendar.timeZone) == "2026-10-10T18:00:00+08:00")
    }

    @Test func wallClockTiersIgnoreTheCalendar() throws {
        let calendar = try Self.cn2026()
        let opened = try Self.at("2026-01-01T23:50:00+08:00")
        let emergency = try #require(SLAPolicy.defaults["emergency"]).due(openedAt: opened, calendar: calendar)
        #expect(RFC3339.format(emergency.respondBy, timeZone: calendar.timeZone) == "2026-01-02T00:20:00+08:00")
        let general = try #require(SLAPolicy.defaults["general"]).due(openedAt: opened, calendar: calendar)
        #expect(RFC3339.format(general.respondBy, timeZone: calendar.timeZone) == "2026-01-02T23:50:00+08:00")
    }

    @Test func workingHoursSkipNightsWeekendsAndHolidays() throws {
        let calendar = try Self.cn2026()
        // Thursday 30 April 17:00 + 4 working hours: 1 h that day, then 1-5 May holiday,
        // Sat 9 May is a make-up day: 09:00 + 3 h.
        let due = calendar.addingWorkingHours(4, to: try Self.at("2026-04-30T17:00:00+08:00"))
        #expect(RFC3339.format(due, timeZone: calendar.timeZone) == "2026-05-06T12:00:00+08:00")
        let early = calendar.addingWorkingHours(1, to: try Self.at("2026-03-02T06:00:00+08:00"))
        #expect(RFC3339.format(early, timeZone: calendar.timeZone) == "2026-03-02T10:00:00+08:00")
    }

    @Test func durationsParse() {
        #expect(SLADuration("30m") == .seconds(1800))
        #expect(SLADuration("72h") == .seconds(259_200))
        #expect(SLADuration("3 working days") == .workingDays(3))
        #expect(SLADuration("1 working day") == .workingDays(1))
        #expect(SLADuration("8 working hours") == .workingHours(8))
        #expect(SLADuration("2.5 working days") == nil)
        #expect(SLADuration("soon") == nil)
        #expect(SLADuration("72h")?.description == "72h")
    }

    @Test func badCalendarFilesReportEveryError() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gw-cal-\(UUID().uuidString).yaml").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try """
        timezone: Mars/Olympus
        working_hours: {from: "18:00", to: "09:00"}
        working_days: [mon, funday]
        holidays: [2026-02-30, 2026-03-05..2026-03-01]
        workdays: [2026-01-04]
        """.write(toFile: path, atomically: true, encoding: .utf8)
        var diagnostics = DiagnosticList()
        #expect(WorkCalendar.load(path: path, diagnostics: &diagnostics) == nil)
        let messages = diagnostics.items.map { "\($0.line):\($0.column): \($0.message)" }
        #expect(messages.contains { $0.hasPrefix("1:11: unknown time zone") }, "\(messages)")
        #expect(messages.contains { $0.hasPrefix("2:16: 'working_hours' must be") }, "\(messages)")
        #expect(messages.contains { $0.contains("unknown day 'funday'") }, "\(messages)")
        #expect(messages.contains { $0.hasPrefix("4:12: '2026-02-30' is not a date") }, "\(messages)")
        #expect(messages.contains { $0.hasPrefix("4:24: '2026-03-05..2026-03-01' is not a date") }, "\(messages)")
    }
}
