import Devices
import Formats
import Foundation

/// A configuration value with the line and column it was written at, so a mistake found
/// here is reported where the author typed it, whatever format the loader read.
public struct Positioned<Value: Sendable & Hashable>: Sendable, Hashable {
    public var value: Value
    public var line: Int
    public var column: Int

    public init(_ value: Value, line: Int, column: Int) {
        self.value = value
        self.line = line
        self.column = column
    }
}

/// One `staff.shifts` entry as the configuration loader decoded it, e.g.
/// `{staff: S1, days: [sun], from: "22:00", to: "06:00"}` or `{team: T, ...}`. This target
/// reads no YAML: the loader hands over plain values with their positions.
public struct ShiftEntrySource: Sendable, Hashable {
    /// Where the entry itself starts, for problems belonging to no single key.
    public var line: Int
    public var column: Int
    public var staff: Positioned<String>?
    public var team: Positioned<String>?
    /// Absent means every day; the list's own position is kept for "empty list".
    public var days: Positioned<[Positioned<String>]>?
    public var from: Positioned<String>?
    public var to: Positioned<String>?

    public init(line: Int, column: Int, staff: Positioned<String>? = nil, team: Positioned<String>? = nil,
                days: Positioned<[Positioned<String>]>? = nil, from: Positioned<String>? = nil, to: Positioned<String>? = nil) {
        self.line = line
        self.column = column
        self.staff = staff
        self.team = team
        self.days = days
        self.from = from
        self.to = to
    }
}

extension ShiftSchedule {
    /// Day names accepted in `days`, short or long, any case.
    public static let weekdayNames: [String: Int] = [
        "sun": 1, "mon": 2, "tue": 3, "wed": 4, "thu": 5, "fri": 6, "sat": 7,
        "sunday": 1, "monday": 2, "tuesday": 3, "wednesday": 4, "thursday": 5, "friday": 6, "saturday": 7,
    ]

    /// Builds the schedule from `entries`, checking names against `roster`; every problem is
    /// reported at its own position in `path`, and entries with errors are left out.
    public static func parse(_ entries: [ShiftEntrySource], path: String, roster: StaffRoster,
                             diagnostics: inout DiagnosticList) -> ShiftSchedule {
        let shifts = entries.compactMap { shift(from: $0, path: path, roster: roster, diagnostics: &diagnostics) }
        return ShiftSchedule(shifts: shifts, roster: roster)
    }

    private static func shift(from entry: ShiftEntrySource, path: String, roster: StaffRoster,
                              diagnostics: inout DiagnosticList) -> Shift? {
        func report(_ at: Positioned<String>?, _ message: String) {
            diagnostics.append(Diagnostic(file: path, line: at?.line ?? entry.line, column: at?.column ?? entry.column, message: message))
        }
        let before = diagnostics.items.count
        var holder: Shift.Holder?
        switch (entry.staff, entry.team) {
        case (nil, nil):
            report(nil, "shift names neither 'staff' nor 'team'")
        case (.some, .some(let team)):
            report(team, "shift names both 'staff' and 'team': give one")
        case (.some(let staff), nil):
            if roster[staff.value] == nil { report(staff, "unknown staff '\(staff.value)' (not in the roster)") }
            holder = .staff(staff.value)
        case (nil, .some(let team)):
            if !roster.teams.contains(team.value) { report(team, "unknown team '\(team.value)' (no one in the roster is in it)") }
            holder = .team(team.value)
        }
        let weekdays = parseDays(entry.days, report: report)
        let fromMinute = parseTime(entry.from, key: "from", allowsEndOfDay: false, report: report)
        let toMinute = parseTime(entry.to, key: "to", allowsEndOfDay: true, report: report)
        guard diagnostics.items.count == before, let holder, let weekdays, let fromMinute, let toMinute else { return nil }
        return Shift(holder: holder, weekdays: weekdays, fromMinute: fromMinute, toMinute: toMinute)
    }

    private static func parseDays(_ days: Positioned<[Positioned<String>]>?,
                                  report: (Positioned<String>?, String) -> Void) -> Set<Int>? {
        guard let days else { return Shift.allWeekdays }
        guard !days.value.isEmpty else {
            report(Positioned("", line: days.line, column: days.column), "'days' is empty: the shift would never be on duty")
            return nil
        }
        var weekdays: Set<Int> = []
        for day in days.value {
            guard let weekday = weekdayNames[day.value.trimmingCharacters(in: .whitespaces).lowercased()] else {
                report(day, "unknown day '\(day.value)' (expected mon, tue, wed, thu, fri, sat or sun)")
                continue
            }
            weekdays.insert(weekday)
        }
        return weekdays
    }

    /// `HH:MM` as minutes after midnight; only an end may be `24:00`.
    private static func parseTime(_ time: Positioned<String>?, key: String, allowsEndOfDay: Bool,
                                  report: (Positioned<String>?, String) -> Void) -> Int? {
        guard let time else {
            report(nil, "shift is missing required key '\(key)'")
            return nil
        }
        let parts = time.value.trimmingCharacters(in: .whitespaces).split(separator: ":", omittingEmptySubsequences: false)
        let limit = allowsEndOfDay ? 1440 : 1439
        guard parts.count == 2, parts[1].count == 2, (1...2).contains(parts[0].count),
              let hour = Int(parts[0]), let minute = Int(parts[1]), (0..<60).contains(minute), hour >= 0,
              hour * 60 + minute <= limit else {
            let range = allowsEndOfDay ? "00:00 to 24:00" : "00:00 to 23:59"
            report(time, "'\(key)' must be a time HH:MM from \(range), got '\(time.value)'")
            return nil
        }
        return hour * 60 + minute
    }
}
