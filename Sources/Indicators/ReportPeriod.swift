import Foundation

/// An assessment period: a month (`2026-11`), a quarter (`2026-Q4`) or a year (`2026`), in the
/// calendar's time zone, so November ends at midnight in Shanghai, not in UTC.
public struct ReportPeriod: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Months, quarters and years: what the centre is assessed on.
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case month, quarter, year

        var months: Int {
            switch self {
            case .month: 1
            case .quarter: 3
            case .year: 12
            }
        }
    }

    public var kind: Kind
    public var year: Int
    /// The first month of the period, 1-12.
    public var firstMonth: Int

    public init(kind: Kind, year: Int, firstMonth: Int) {
        self.kind = kind
        self.year = year
        self.firstMonth = firstMonth
    }

    /// `2026-11`, `2026-Q4` (also `2026-q4`) or `2026`; nil for anything else.
    public init?(parsing text: String) {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        guard let year = parts.first.flatMap({ Int($0) }), parts[0].count == 4, (1970...9999).contains(year) else { return nil }
        switch parts.count {
        case 1: self.init(kind: .year, year: year, firstMonth: 1)
        case 2 where parts[1].uppercased().hasPrefix("Q"):
            guard let quarter = Int(parts[1].dropFirst()), (1...4).contains(quarter), parts[1].count == 2 else { return nil }
            self.init(kind: .quarter, year: year, firstMonth: (quarter - 1) * 3 + 1)
        case 2:
            guard parts[1].count == 2, let month = Int(parts[1]), (1...12).contains(month) else { return nil }
            self.init(kind: .month, year: year, firstMonth: month)
        default: return nil
        }
    }

    /// The period of `kind` that contains `ms` in `zone`.
    public static func containing(_ ms: Int64, kind: Kind, zone: TimeZone) -> ReportPeriod {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.year, .month], from: Date(timeIntervalSince1970: Double(ms) / 1000))
        let month = parts.month ?? 1
        let first = ((month - 1) / kind.months) * kind.months + 1
        return ReportPeriod(kind: kind, year: parts.year ?? 1970, firstMonth: first)
    }

    public var description: String {
        switch kind {
        case .month: String(format: "%04d-%02d", year, firstMonth)
        case .quarter: "\(year)-Q\((firstMonth - 1) / 3 + 1)"
        case .year: "\(year)"
        }
    }

    /// The period `count` periods later (negative: earlier).
    public func advanced(by count: Int) -> ReportPeriod {
        let index = year * 12 + (firstMonth - 1) + count * kind.months
        return ReportPeriod(kind: kind, year: index / 12, firstMonth: index % 12 + 1)
    }

    /// This period and the `count` before it, oldest first.
    public func withPrevious(_ count: Int) -> [ReportPeriod] {
        (0...max(count, 0)).reversed().map { advanced(by: -$0) }
    }

    /// `[fromMs, toMs)`: from the first midnight of the period to the first of the next.
    public func bounds(in zone: TimeZone) -> (fromMs: Int64, toMs: Int64) {
        (Self.midnight(year: year, month: firstMonth, zone: zone), Self.midnight(year: advanced(by: 1).year, month: advanced(by: 1).firstMonth, zone: zone))
    }

    private static func midnight(year: Int, month: Int, zone: TimeZone) -> Int64 {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let date = calendar.date(from: DateComponents(year: year, month: month, day: 1)) ?? Date(timeIntervalSince1970: 0)
        return Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    public static func < (left: ReportPeriod, right: ReportPeriod) -> Bool {
        (left.year, left.firstMonth, left.kind.months) < (right.year, right.firstMonth, right.kind.months)
    }
}
