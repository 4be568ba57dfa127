import Devices
import Formats
import Foundation
import Yams

extension WorkCalendar {
    /// Reads a calendar file:
    /// ```yaml
    /// name: cn-2026
    /// timezone: Asia/Shanghai
    /// working_hours: {from: "09:00", to: "18:00"}
    /// working_days: [mon, tue, wed, thu, fri]
    /// holidays: [2026-01-01..2026-01-03, 2026-02-15..2026-02-23]
    /// workdays: [2026-01-04, 2026-02-14]        # make-up working days on weekends
    /// ```
    public static func load(path: String, diagnostics: inout DiagnosticList) -> WorkCalendar? {
        let source = YAMLSource.load(path: path, into: &diagnostics)
        guard let root = source.root, let map = YAMLMapping(root, in: source, what: "a calendar file", diagnostics: &diagnostics) else { return nil }
        map.rejectUnknownKeys(["name", "timezone", "working_hours", "working_days", "holidays", "workdays"], what: "a calendar", diagnostics: &diagnostics)
        let errorsBefore = diagnostics.errors.count
        var calendar = WorkCalendar(name: map.string("name", diagnostics: &diagnostics) ?? (path as NSString).lastPathComponent,
                                    timeZone: TimeZone(identifier: "Asia/Shanghai") ?? .gmt)
        if let zone = map.string("timezone", diagnostics: &diagnostics) {
            if let parsed = TimeZone(identifier: zone) { calendar.timeZone = parsed } else {
                diagnostics.append(source.diagnostic(at: map["timezone"], "unknown time zone '\(zone)'"))
            }
        }
        if let hours = YAMLMapping(map["working_hours"], in: source, what: "'working_hours'", diagnostics: &diagnostics) {
            hours.rejectUnknownKeys(["from", "to"], what: "'working_hours'", diagnostics: &diagnostics)
            let from = hours.string("from", diagnostics: &diagnostics).flatMap(Self.minutes)
            let to = hours.string("to", diagnostics: &diagnostics).flatMap(Self.minutes)
            if let from, let to, from < to {
                calendar.workStartMinute = from
                calendar.workEndMinute = to
            } else {
                diagnostics.append(source.diagnostic(at: hours.node, "'working_hours' must be {from: \"HH:MM\", to: \"HH:MM\"} with from before to"))
            }
        }
        if let days = map.stringList("working_days", diagnostics: &diagnostics) {
            let names = ["sun": 1, "mon": 2, "tue": 3, "wed": 4, "thu": 5, "fri": 6, "sat": 7]
            calendar.workingWeekdays = []
            for day in days {
                if let number = names[String(day.lowercased().prefix(3))] { calendar.workingWeekdays.insert(number) } else {
                    diagnostics.append(source.diagnostic(at: map["working_days"], "unknown day '\(day)' (mon, tue, wed, thu, fri, sat, sun)"))
                }
            }
        }
        calendar.holidays = dates(map["holidays"], key: "holidays", source: source, diagnostics: &diagnostics)
        calendar.makeUpWorkdays = dates(map["workdays"], key: "workdays", source: source, diagnostics: &diagnostics)
        for both in calendar.holidays.intersection(calendar.makeUpWorkdays).sorted() {
            diagnostics.append(source.diagnostic(at: map["workdays"], "\(both) is both a holiday and a make-up working day"))
        }
        return diagnostics.errors.count == errorsBefore ? calendar : nil
    }

    static func minutes(_ text: String) -> Int? {
        let parts = text.split(separator: ":")
        guard parts.count == 2, let hour = Int(parts[0]), let minute = Int(parts[1]), (0...24).contains(hour), (0..<60).contains(minute) else { return nil }
        return min(hour * 60 + minute, 1440)
    }

    /// Dates and `FROM..TO` ranges, as local `YYYY-MM-DD` keys.
    static func dates(_ node: Node?, key: String, source: YAMLSource, diagnostics: inout DiagnosticList) -> Set<String> {
        guard let node else { return [] }
        guard let items = node.sequence else {
            diagnostics.append(source.diagnostic(at: node, "'\(key)' must be a list of dates (YYYY-MM-DD) or ranges (YYYY-MM-DD..YYYY-MM-DD)"))
            return []
        }
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = .gmt
        let format = Date.ISO8601FormatStyle(timeZone: .gmt).year().month().day()
        var result: Set<String> = []
        for item in items {
            let text = item.scalar?.string ?? ""
            let ends = text.components(separatedBy: "..")
            // Parsed and printed back: a lenient parse would turn 2026-02-30 into 2 March.
            let parsed = ends.compactMap { text -> Date? in
                let trimmed = text.trimmingCharacters(in: .whitespaces)
                guard let date = try? format.parse(trimmed) else { return nil }
                let parts = utc.dateComponents([.year, .month, .day], from: date)
                return String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0) == trimmed ? date : nil
            }
            guard (ends.count == 1 || ends.count == 2), parsed.count == ends.count, let first = parsed.first, let last = parsed.last, first <= last,
                  last.timeIntervalSince(first) < 400 * 86_400 else {
                diagnostics.append(source.diagnostic(at: item, "'\(text)' is not a date YYYY-MM-DD or a range YYYY-MM-DD..YYYY-MM-DD"))
                continue
            }
            var day = first
            while day <= last {
                let parts = utc.dateComponents([.year, .month, .day], from: day)
                result.insert(String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0))
                day = day.addingTimeInterval(86_400)
            }
        }
        return result
    }
}
