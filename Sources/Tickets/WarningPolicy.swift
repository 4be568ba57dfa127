import Devices
import Formats
import Foundation

/// When the three warning levels (三级预警) of a response window fall due: at fractions of the
/// window (default 50 %, 80 %, 100 %) or at fixed offsets after the clock starts. Level 3 is
/// the one that transfers the ticket up the team hierarchy.
public struct WarningPolicy: Sendable, Hashable, Codable {
    /// One level's moment.
    public enum Level: Sendable, Hashable, Codable {
        /// A fraction of the response window (0.5 = half way to `respond_by`).
        case fraction(Double)
        /// A fixed time after the clock started, in milliseconds.
        case afterMs(Int64)
    }

    /// Exactly three levels, in order.
    public var levels: [Level]
    /// Hold warnings 1 and 2 of non-exempt tiers until working hours: nobody reads a repair
    /// warning at 3 a.m. Level 3 and the breach are never deferred, because they are facts.
    public var deferToWorkingHours: Bool
    /// Tiers whose warnings are never deferred.
    public var exemptTiers: Set<String>
    /// Who is told at each level (1-3): roles or people the notifiers resolve, e.g. level 1 the
    /// grid worker, level 2 the community director, level 3 the street office's duty desk.
    public var notify: [Int: [String]] = [:]

    public init(levels: [Level] = [.fraction(0.5), .fraction(0.8), .fraction(1.0)],
                deferToWorkingHours: Bool = false, exemptTiers: Set<String> = ["emergency"]) {
        self.levels = levels
        self.deferToWorkingHours = deferToWorkingHours
        self.exemptTiers = exemptTiers
    }

    /// 50 %, 80 %, 100 % of the response window, nothing deferred.
    public static let standard = WarningPolicy()

    /// Parses the configuration's level list: `["50%", "80%", "100%"]` or `["10m", "20m", "30m"]`.
    public init?(levels texts: [String], deferToWorkingHours: Bool = false, exemptTiers: Set<String> = ["emergency"]) {
        var levels: [Level] = []
        for text in texts {
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            if trimmed.hasSuffix("%"), let percent = Double(trimmed.dropLast()), percent > 0 {
                levels.append(.fraction(percent / 100))
            } else if let seconds = DurationText.seconds(trimmed), seconds > 0 {
                levels.append(.afterMs(Int64((seconds * 1000).rounded())))
            } else {
                return nil
            }
        }
        guard levels.count == 3 else { return nil }
        self.init(levels: levels, deferToWorkingHours: deferToWorkingHours, exemptTiers: exemptTiers)
    }

    /// The three instants for a response clock running from `start` to `respondBy`. Computed
    /// once per cycle and stored on the ticket, so later configuration edits leave it alone.
    public func schedule(start: Int64, respondBy: Int64, tier: String, calendar: WorkCalendar) -> [Int64] {
        let window = max(respondBy - start, 0)
        var times = levels.prefix(3).map { level -> Int64 in
            switch level {
            case let .fraction(fraction): start + Int64((Double(window) * fraction).rounded())
            case let .afterMs(offset): start + offset
            }
        }
        while times.count < 3 { times.append(respondBy) }
        if deferToWorkingHours, !exemptTiers.contains(tier) {
            for index in 0..<2 {
                let moved = calendar.nextWorkingMoment(atOrAfter: times[index])
                // Never past level 3: a deferred early warning must not arrive after the transfer.
                times[index] = min(moved, times[2])
            }
        }
        // Levels fire in order, so each is at least as late as the one below it.
        for index in 1..<3 { times[index] = max(times[index], times[index - 1]) }
        return times
    }
}

extension WorkCalendar {
    /// `ms` itself when it lies inside working hours on a working day, otherwise the start of
    /// the next working period.
    func nextWorkingMoment(atOrAfter ms: Int64) -> Int64 {
        let calendar = calendar
        let date = Date(timeIntervalSince1970: Double(ms) / 1000)
        var dayStart = calendar.startOfDay(for: date)
        for _ in 0..<400 {
            let open = dayStart.addingTimeInterval(Double(workStartMinute) * 60)
            let close = dayStart.addingTimeInterval(Double(workEndMinute) * 60)
            if isWorkingDay(dayStart.addingTimeInterval(12 * 3600)), date < close {
                return Int64((max(date, open).timeIntervalSince1970 * 1000).rounded())
            }
            guard let next = calendar.date(byAdding: .day, value: 1, to: dayStart) else { break }
            dayStart = next
        }
        return ms
    }
}
