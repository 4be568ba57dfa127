import Foundation

/// When a rule is allowed to fire: a daily window (`22:00`–`06:00` may cross midnight) on
/// chosen weekdays, in a time zone. Outside it the rule starts nothing new; an alert already
/// firing is left to its clear condition.
public struct ActiveSchedule: Sendable, Hashable {
    /// Minutes after local midnight.
    public var fromMinute: Int
    public var toMinute: Int
    /// Weekdays (1 = Sunday … 7 = Saturday, as `Calendar`) on which a window *starts*.
    public var weekdays: Set<Int>
    public var timeZone: TimeZone

    public static let allWeekdays: Set<Int> = Set(1...7)
    public static let weekdayNames = ["sun": 1, "mon": 2, "tue": 3, "wed": 4, "thu": 5, "fri": 6, "sat": 7]

    public init(fromMinute: Int, toMinute: Int, weekdays: Set<Int> = allWeekdays, timeZone: TimeZone) {
        self.fromMinute = fromMinute
        self.toMinute = toMinute
        self.weekdays = weekdays
        self.timeZone = timeZone
    }

    /// `HH:MM` as minutes after midnight.
    public static func minutes(_ text: String) -> Int? {
        let parts = text.split(separator: ":")
        guard parts.count == 2, let hour = Int(parts[0]), let minute = Int(parts[1]), (0...24).contains(hour), (0..<60).contains(minute),
              hour * 60 + minute <= 1440 else { return nil }
        return hour * 60 + minute
    }

    var crossesMidnight: Bool { fromMinute > toMinute }

    /// Whether the rule may fire at `milliseconds` (epoch). Local time from the zone's offset
    /// at that instant (DST-aware) with plain arithmetic: this runs for every reading.
    public func contains(milliseconds: Int64) -> Bool {
        let offset = Int64(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(milliseconds) / 1000)))
        let localSeconds = Self.floorDivide(milliseconds, 1000) + offset
        let days = Self.floorDivide(localSeconds, 86_400)
        let minute = Int((localSeconds - days * 86_400) / 60)
        // 1970-01-01 was a Thursday: weekday 5 with Sunday = 1, as Calendar numbers them.
        let weekday = Int(((days + 4) % 7 + 7) % 7) + 1
        if fromMinute == toMinute { return weekdays.contains(weekday) }
        if !crossesMidnight { return minute >= fromMinute && minute < toMinute && weekdays.contains(weekday) }
        if minute >= fromMinute { return weekdays.contains(weekday) }
        if minute < toMinute { return weekdays.contains(weekday == 1 ? 7 : weekday - 1) }
        return false
    }

    private static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
        value >= 0 ? value / divisor : -((-value + divisor - 1) / divisor)
    }

    /// The first instant after `milliseconds` at which `contains` changes, so a timer can
    /// re-evaluate exactly at a window edge. Edges fall on whole minutes; probing each minute
    /// up to 8 days ahead is cheap with the arithmetic `contains`.
    public func nextEdge(after milliseconds: Int64) -> Int64? {
        let inside = contains(milliseconds: milliseconds)
        let minuteMs: Int64 = 60_000
        var probe = (milliseconds / minuteMs + 1) * minuteMs
        let limit = milliseconds + 8 * 86_400_000
        while probe <= limit {
            if contains(milliseconds: probe) != inside { return probe }
            probe += minuteMs
        }
        return nil
    }
}
