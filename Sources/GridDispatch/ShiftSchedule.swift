import Foundation

/// One weekly on-duty window for a person or a whole team. `weekdays` name the day a shift
/// *starts*: a Sunday 22:00–06:00 shift covers Monday 03:00. `from == to` is a 24-hour shift.
public struct Shift: Sendable, Hashable {
    /// Whose shift it is.
    public enum Holder: Sendable, Hashable {
        case staff(String)
        case team(String)
    }

    public var holder: Holder
    /// 1 = Sunday … 7 = Saturday, as `Calendar` numbers them.
    public var weekdays: Set<Int>
    /// Minutes after local midnight; `toMinute` may be 1440 (24:00).
    public var fromMinute: Int
    public var toMinute: Int

    public static let allWeekdays: Set<Int> = Set(1...7)

    public init(holder: Holder, weekdays: Set<Int> = allWeekdays, fromMinute: Int, toMinute: Int) {
        self.holder = holder
        self.weekdays = weekdays
        self.fromMinute = fromMinute
        self.toMinute = toMinute
    }

    /// A shift ending at or before its start ends on the next day.
    public var crossesMidnight: Bool { toMinute <= fromMinute }

    /// Whether local wall-clock `minute` on `weekday` falls in this shift.
    public func covers(weekday: Int, minute: Int) -> Bool {
        if !crossesMidnight { return weekdays.contains(weekday) && minute >= fromMinute && minute < toMinute }
        if minute >= fromMinute { return weekdays.contains(weekday) }
        let previousDay = weekday == 1 ? 7 : weekday - 1
        return minute < toMinute && weekdays.contains(previousDay)
    }

    func applies(to member: StaffMember) -> Bool {
        switch holder {
        case let .staff(id): id == member.id
        case let .team(team): team == member.team
        }
    }
}

/// Who is on duty when (`staff.shifts`). Shifts are kept in wall-clock terms and matched
/// against the local weekday and time that `Calendar` gives for an instant, so a daylight
/// saving change moves no shift's edges; an empty schedule means everyone is on duty.
public struct ShiftSchedule: Sendable, Hashable {
    public var shifts: [Shift]
    private var roster: StaffRoster

    public init(shifts: [Shift], roster: StaffRoster) {
        self.shifts = shifts
        self.roster = roster
    }

    /// No shifts configured: everyone in the roster is always on duty.
    public static func everyoneOnDuty(_ roster: StaffRoster) -> ShiftSchedule { ShiftSchedule(shifts: [], roster: roster) }

    /// Whether `staffID` is on duty at `atMs` (epoch ms), in the ticket calendar's `timeZone`.
    /// Someone not in the roster never is; once any shift exists, someone without a shift
    /// is off duty rather than assumed available.
    public func isOnDuty(staffID: String, atMs: Int64, timeZone: TimeZone) -> Bool {
        let local = Self.localTime(atMs: atMs, timeZone: timeZone)
        return isOnDuty(staffID: staffID, weekday: local.weekday, minute: local.minute)
    }

    /// The roster's members on duty at `atMs`, in roster order.
    public func onDuty(atMs: Int64, timeZone: TimeZone) -> [StaffMember] {
        let local = Self.localTime(atMs: atMs, timeZone: timeZone)
        return roster.members.filter { isOnDuty(staffID: $0.id, weekday: local.weekday, minute: local.minute) }
    }

    func isOnDuty(staffID: String, weekday: Int, minute: Int) -> Bool {
        guard let member = roster[staffID] else { return false }
        if shifts.isEmpty { return true }
        return shifts.contains { $0.applies(to: member) && $0.covers(weekday: weekday, minute: minute) }
    }

    /// Weekday (1 = Sunday) and minute after local midnight of an instant.
    static func localTime(atMs: Int64, timeZone: TimeZone) -> (weekday: Int, minute: Int) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let date = Date(timeIntervalSince1970: Double(atMs) / 1000)
        let parts = calendar.dateComponents([.weekday, .hour, .minute], from: date)
        return (parts.weekday ?? 1, (parts.hour ?? 0) * 60 + (parts.minute ?? 0))
    }
}
