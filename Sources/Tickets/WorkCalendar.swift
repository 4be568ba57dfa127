import Devices
import Foundation

/// A working-day calendar: time zone, working hours, weekly working days, holidays, and the
/// make-up working days on weekends (调休) of the official arrangement. "N working days" after a
/// moment means the end of working hours on the N-th working day after that moment's day.
public struct WorkCalendar: Sendable {
    public var name: String
    public var timeZone: TimeZone
    /// Minutes after local midnight.
    public var workStartMinute: Int
    public var workEndMinute: Int
    /// Weekdays (1 = Sunday … 7 = Saturday) that are working days unless a holiday.
    public var workingWeekdays: Set<Int>
    /// Local dates `YYYY-MM-DD` off work although on a working weekday.
    public var holidays: Set<String>
    /// Local dates `YYYY-MM-DD` at work although on a weekend.
    public var makeUpWorkdays: Set<String>

    public init(name: String, timeZone: TimeZone, workStartMinute: Int = 9 * 60, workEndMinute: Int = 18 * 60,
                workingWeekdays: Set<Int> = [2, 3, 4, 5, 6], holidays: Set<String> = [], makeUpWorkdays: Set<String> = []) {
        self.name = name
        self.timeZone = timeZone
        self.workStartMinute = workStartMinute
        self.workEndMinute = workEndMinute
        self.workingWeekdays = workingWeekdays
        self.holidays = holidays
        self.makeUpWorkdays = makeUpWorkdays
    }

    /// Monday to Friday, 09:00–18:00, no holidays.
    public static func standard(timeZone: TimeZone) -> WorkCalendar { WorkCalendar(name: "standard", timeZone: timeZone) }

    var calendar: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar
    }

    /// `YYYY-MM-DD` of `date` in the calendar's zone.
    public func dayKey(_ date: Date) -> String {
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
    }

    /// Whether the local day containing `date` is a working day.
    public func isWorkingDay(_ date: Date) -> Bool {
        let key = dayKey(date)
        if makeUpWorkdays.contains(key) { return true }
        if holidays.contains(key) { return false }
        return workingWeekdays.contains(calendar.component(.weekday, from: date))
    }

    /// The end of working hours on the `count`-th working day after the day of `start`.
    public func endOfWorkingDay(after start: Date, count: Int) -> Date {
        let calendar = calendar
        var day = calendar.startOfDay(for: start)
        var found = 0
        while found < max(count, 0) {
            guard let next = calendar.date(byAdding: .day, value: 1, to: day) else { break }
            day = next
            if isWorkingDay(day.addingTimeInterval(12 * 3600)) { found += 1 }
        }
        return calendar.date(byAdding: .minute, value: workEndMinute, to: day) ?? day
    }

    /// `start` plus `hours` of working time (time inside working hours on working days).
    public func addingWorkingHours(_ hours: Double, to start: Date) -> Date {
        var remaining = hours * 3600
        var cursor = start
        let calendar = calendar
        var guardDays = 0
        while remaining > 0, guardDays < 3660 {
            let dayStart = calendar.startOfDay(for: cursor)
            let open = dayStart.addingTimeInterval(Double(workStartMinute) * 60)
            let close = dayStart.addingTimeInterval(Double(workEndMinute) * 60)
            if isWorkingDay(dayStart.addingTimeInterval(12 * 3600)), cursor < close {
                let from = max(cursor, open)
                let available = close.timeIntervalSince(from)
                if remaining <= available { return from.addingTimeInterval(remaining) }
                remaining -= available
            }
            cursor = calendar.date(byAdding: .day, value: 1, to: dayStart) ?? close
            guardDays += 1
        }
        return cursor
    }
}
