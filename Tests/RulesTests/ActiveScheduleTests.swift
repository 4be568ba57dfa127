import Foundation
import Rules
import Testing

/// When a rule may fire: daily windows, windows across midnight, weekdays, time zones and the exact next window edge.
@Suite struct ActiveScheduleTests {
    static let utc = TimeZone(identifier: "UTC")!
    static let shanghai = TimeZone(identifier: "Asia/Shanghai")!
    static let newYork = TimeZone(identifier: "America/New_York")!

    /// Epoch milliseconds of a local time written `2026-01-09 22:00` (or with `:SS.mmm`).
    /// 2026-01-05 is a Monday, 2026-01-09 a Friday, 2026-01-10 a Saturday.
    static func at(_ text: String, _ zone: TimeZone = utc) -> Int64 {
        let parts = text.split(whereSeparator: { "- :.".contains($0) }).map { Int($0)! }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let components = DateComponents(year: parts[0], month: parts[1], day: parts[2], hour: parts[3], minute: parts[4],
                                        second: parts.count > 5 ? parts[5] : 0)
        let date = calendar.date(from: components)!
        return Int64((date.timeIntervalSince1970 * 1000).rounded()) + Int64(parts.count > 6 ? parts[6] : 0)
    }

    static func window(_ from: String, _ to: String, days: Set<Int> = ActiveSchedule.allWeekdays, _ zone: TimeZone = utc) -> ActiveSchedule {
        ActiveSchedule(fromMinute: ActiveSchedule.minutes(from)!, toMinute: ActiveSchedule.minutes(to)! % 1440, weekdays: days, timeZone: zone)
    }

    static let friday = 6, saturday = 7

    @Test func timesOfDayParseToMinutesAfterMidnight() {
        #expect(ActiveSchedule.minutes("00:00") == 0)
        #expect(ActiveSchedule.minutes("06:30") == 390)
        #expect(ActiveSchedule.minutes("24:00") == 1440)
        #expect(ActiveSchedule.minutes("24:01") == nil)
        #expect(ActiveSchedule.minutes("25:00") == nil)
        #expect(ActiveSchedule.minutes("12:60") == nil)
        #expect(ActiveSchedule.minutes("6am") == nil)
        #expect(ActiveSchedule.minutes("0600") == nil)
    }

    @Test func windowWithinADayIncludesItsStartAndExcludesItsEnd() {
        let day = Self.window("08:00", "20:00")
        #expect(day.contains(milliseconds: Self.at("2026-01-05 08:00")))
        #expect(day.contains(milliseconds: Self.at("2026-01-05 12:00")))
        #expect(day.contains(milliseconds: Self.at("2026-01-05 19:59:59.999")))
        #expect(!day.contains(milliseconds: Self.at("2026-01-05 20:00")))
        #expect(!day.contains(milliseconds: Self.at("2026-01-05 07:59")))
        #expect(!day.contains(milliseconds: Self.at("2026-01-05 23:00")))
    }

    @Test func windowAcrossMidnightCoversTheLateEveningAndTheEarlyMorning() {
        let night = Self.window("22:00", "06:00")
        #expect(night.contains(milliseconds: Self.at("2026-01-05 23:00")))
        #expect(night.contains(milliseconds: Self.at("2026-01-06 05:59")))
        #expect(!night.contains(milliseconds: Self.at("2026-01-06 06:00")))
        #expect(!night.contains(milliseconds: Self.at("2026-01-05 21:59")))
        #expect(night.contains(milliseconds: Self.at("2026-01-05 22:00")))
        #expect(night.contains(milliseconds: Self.at("2026-01-06 00:00")))
        #expect(!night.contains(milliseconds: Self.at("2026-01-06 12:00")))
    }

    @Test func windowEndingAtMidnightAndTheAllDayWindow() {
        let evening = Self.window("22:00", "24:00")
        #expect(evening.contains(milliseconds: Self.at("2026-01-05 23:59")))
        #expect(!evening.contains(milliseconds: Self.at("2026-01-06 00:00")))
        #expect(!evening.contains(milliseconds: Self.at("2026-01-05 21:59")))

        let allDay = Self.window("00:00", "00:00", days: [Self.saturday])
        #expect(allDay.contains(milliseconds: Self.at("2026-01-10 00:00")))
        #expect(allDay.contains(milliseconds: Self.at("2026-01-10 23:59")))
        #expect(!allDay.contains(milliseconds: Self.at("2026-01-09 23:59")))
        #expect(!allDay.contains(milliseconds: Self.at("2026-01-11 00:00")))
    }

    @Test func nightWindowBelongsToTheWeekdayItStartsOn() {
        let fridayNight = Self.window("22:00", "06:00", days: [Self.friday])
        #expect(fridayNight.contains(milliseconds: Self.at("2026-01-09 22:30")))
        #expect(fridayNight.contains(milliseconds: Self.at("2026-01-10 02:00")), "Saturday 02:00 is still Friday's night")
        #expect(!fridayNight.contains(milliseconds: Self.at("2026-01-09 02:00")), "Friday 02:00 is Thursday's night")
        #expect(!fridayNight.contains(milliseconds: Self.at("2026-01-10 22:30")))
        #expect(!fridayNight.contains(milliseconds: Self.at("2026-01-11 02:00")))

        let saturdayNight = Self.window("22:00", "06:00", days: [Self.saturday])
        #expect(!saturdayNight.contains(milliseconds: Self.at("2026-01-10 02:00")), "Saturday 02:00 belongs to Friday's night")
        #expect(saturdayNight.contains(milliseconds: Self.at("2026-01-10 23:00")))
        #expect(saturdayNight.contains(milliseconds: Self.at("2026-01-11 02:00")), "Sunday 02:00 is Saturday's night")
        #expect(!saturdayNight.contains(milliseconds: Self.at("2026-01-11 23:00")))
    }

    @Test func dayWindowOnWorkdaysOnly() {
        let workdays = Self.window("08:00", "18:00", days: [2, 3, 4, 5, 6])
        #expect(workdays.contains(milliseconds: Self.at("2026-01-05 09:00")))
        #expect(workdays.contains(milliseconds: Self.at("2026-01-09 17:59")))
        #expect(!workdays.contains(milliseconds: Self.at("2026-01-10 09:00")))
        #expect(!workdays.contains(milliseconds: Self.at("2026-01-11 09:00")))
    }

    @Test func windowIsReadInItsOwnTimeZone() {
        let night = Self.window("22:00", "06:00", Self.shanghai)  // UTC+8, no daylight saving
        #expect(night.contains(milliseconds: Self.at("2026-01-05 14:00")), "14:00 UTC is 22:00 in Shanghai")
        #expect(!night.contains(milliseconds: Self.at("2026-01-05 13:59")))
        #expect(night.contains(milliseconds: Self.at("2026-01-05 21:59")), "05:59 the next morning in Shanghai")
        #expect(!night.contains(milliseconds: Self.at("2026-01-05 22:00")))
        #expect(!night.contains(milliseconds: Self.at("2026-01-05 02:00")), "02:00 UTC is 10:00 in Shanghai")

        // The weekday is the local one too: Friday 16:00 UTC is already Saturday 00:00 in
        // Shanghai, the morning of Friday's night, so a Saturday-night window is not open.
        let saturdayNight = Self.window("22:00", "06:00", days: [Self.saturday], Self.shanghai)
        #expect(!saturdayNight.contains(milliseconds: Self.at("2026-01-09 16:00")))
        #expect(saturdayNight.contains(milliseconds: Self.at("2026-01-10 15:00")), "Saturday 23:00 in Shanghai")
        #expect(saturdayNight.contains(milliseconds: Self.at("2026-01-10 23:30", Self.shanghai)))
    }

    @Test func windowInAZoneWithAHalfHourOffset() {
        let night = Self.window("22:00", "06:00", TimeZone(identifier: "Asia/Kolkata")!)  // UTC+5:30
        #expect(night.contains(milliseconds: Self.at("2026-01-05 16:30")), "22:00 in India")
        #expect(!night.contains(milliseconds: Self.at("2026-01-05 16:29:59.999")))
        #expect(night.nextEdge(after: Self.at("2026-01-05 16:00")) == Self.at("2026-01-05 16:30"))
    }

    @Test func windowFollowsDaylightSavingTime() {
        let office = Self.window("09:00", "17:00", Self.newYork)
        #expect(office.contains(milliseconds: Self.at("2026-01-06 14:00")), "09:00 EST")
        #expect(!office.contains(milliseconds: Self.at("2026-01-06 13:59")))
        #expect(office.contains(milliseconds: Self.at("2026-07-07 13:00")), "09:00 EDT")
        #expect(!office.contains(milliseconds: Self.at("2026-07-07 12:59")))
    }

    @Test func nextEdgeIsTheExactMillisecondTheWindowOpensOrCloses() {
        let night = Self.window("22:00", "06:00")
        #expect(night.nextEdge(after: Self.at("2026-01-05 21:30")) == Self.at("2026-01-05 22:00"))
        #expect(night.nextEdge(after: Self.at("2026-01-05 21:59:30.500")) == Self.at("2026-01-05 22:00"))
        #expect(night.nextEdge(after: Self.at("2026-01-05 22:00")) == Self.at("2026-01-06 06:00"), "inside: the next edge is the close")
        #expect(night.nextEdge(after: Self.at("2026-01-06 05:59:59.999")) == Self.at("2026-01-06 06:00"))
        #expect(night.nextEdge(after: Self.at("2026-01-06 06:00")) == Self.at("2026-01-06 22:00"))
        #expect(night.nextEdge(after: Self.at("2026-01-06 06:00:00.001")) == Self.at("2026-01-06 22:00"))
    }

    @Test func nextEdgeSkipsDaysTheWindowDoesNotStartOn() {
        let fridayNight = Self.window("22:00", "06:00", days: [Self.friday])
        #expect(fridayNight.nextEdge(after: Self.at("2026-01-05 12:00")) == Self.at("2026-01-09 22:00"))
        #expect(fridayNight.nextEdge(after: Self.at("2026-01-10 01:00")) == Self.at("2026-01-10 06:00"))
        #expect(fridayNight.nextEdge(after: Self.at("2026-01-10 06:00")) == Self.at("2026-01-16 22:00"), "a week later")
    }

    @Test func nextEdgeInAnotherTimeZoneAndAcrossADaylightSavingChange() {
        let night = Self.window("22:00", "06:00", Self.shanghai)
        #expect(night.nextEdge(after: Self.at("2026-01-05 13:30")) == Self.at("2026-01-05 14:00"))
        #expect(night.nextEdge(after: Self.at("2026-01-05 14:00")) == Self.at("2026-01-05 22:00"))

        // New York moves to daylight saving on Sunday 2026-03-08: 09:00 that day is 13:00 UTC,
        // the day before it was 14:00 UTC.
        let office = Self.window("09:00", "17:00", Self.newYork)
        #expect(office.nextEdge(after: Self.at("2026-03-07 18:00", Self.newYork)) == Self.at("2026-03-08 13:00"))
        #expect(office.nextEdge(after: Self.at("2026-03-06 18:00", Self.newYork)) == Self.at("2026-03-07 14:00"))
    }

    @Test func nextEdgeOfAScheduleThatNeverChangesIsNil() {
        let always = Self.window("00:00", "00:00")
        #expect(always.nextEdge(after: Self.at("2026-01-05 12:00")) == nil)
    }

    /// `nextEdge` probes hour by hour before refining by the minute, so a window shorter
    /// than an hour can fall between two probes. Input: 12:00–12:30 UTC daily, after 11:30.
    /// Expected: 12:00 the same day. Got: nil (every probe lands at :31, always outside).
    @Test
    func nextEdgeFindsAWindowShorterThanAnHour() {
        let lunch = Self.window("12:00", "12:30")
        #expect(lunch.contains(milliseconds: Self.at("2026-01-05 12:15")))
        #expect(lunch.nextEdge(after: Self.at("2026-01-05 11:30")) == Self.at("2026-01-05 12:00"))
        #expect(lunch.nextEdge(after: Self.at("2026-01-05 12:10")) == Self.at("2026-01-05 12:30"))
    }
}
