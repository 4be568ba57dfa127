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
