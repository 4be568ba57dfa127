import Devices
import Formats
import Foundation

/// How long a tier allows: wall-clock time (`30m`, `24h`, `72h`) or calendar time
/// (`3 working days`, `8 working hours`).
public enum SLADuration: Sendable, Hashable, Codable, CustomStringConvertible {
    case seconds(Double)
    case workingDays(Int)
    case workingHours(Double)

    /// Parses `30m`, `72h`, `3 working days`, `1 working day`, `8 working hours`.
    public init?(_ text: String) {
        let words = text.lowercased().split(separator: " ").map(String.init)
        if words.count == 3, words[1] == "working", let number = Double(words[0]), number > 0 {
            switch words[2] {
            case "day", "days":
                guard number == number.rounded() else { return nil }
                self = .workingDays(Int(number))
            case "hour", "hours": self = .workingHours(number)
            default: return nil
            }
            return
        }
        guard let seconds = DurationText.seconds(text), seconds > 0 else { return nil }
        self = .seconds(seconds)
    }

    /// The deadline for a clock started at `start`.
    public func deadline(from start: Date, calendar: WorkCalendar) -> Date {
        switch self {
        case let .seconds(seconds): start.addingTimeInterval(seconds)
        case let .workingDays(days): calendar.endOfWorkingDay(after: start, count: days)
        case let .workingHours(hours): calendar.addingWorkingHours(hours, to: start)
        }
    }

    public var description: String {
        switch self {
        // Service standards speak in hours ("closed within 72 hours").
        case let .seconds(seconds) where seconds >= 3600 && seconds.truncatingRemainder(dividingBy: 3600) == 0: "\(Int(seconds / 3600))h"
        case let .seconds(seconds): DurationText.format(seconds)
        case let .workingDays(days): "\(days) working day\(days == 1 ? "" : "s")"
        case let .workingHours(hours): "\(RuleNumber.format(hours)) working hour\(hours == 1 ? "" : "s")"
        }
    }
}

/// Numbers without a trailing `.0`.
enum RuleNumber {
    static func format(_ value: Double) -> String { value == value.rounded() ? String(Int(value)) : String(value) }
}

/// A severity tier's service standard: respond within, resolve within.
public struct SLAPolicy: Sendable, Hashable, Codable {
    public var tier: String
    public var respond: SLADuration
    public var resolve: SLADuration

    public init(tier: String, respond: SLADuration, resolve: SLADuration) {
        self.tier = tier
        self.respond = respond
        self.resolve = resolve
    }

    /// The national standard's defaults: emergencies answered in 30 min, general matters in
    /// 24 h, complex ones in 3 working days; every item closed within 72 h.
    public static let defaults: [String: SLAPolicy] = [
        "emergency": SLAPolicy(tier: "emergency", respond: .seconds(1800), resolve: .seconds(72 * 3600)),
        "general": SLAPolicy(tier: "general", respond: .seconds(24 * 3600), resolve: .seconds(72 * 3600)),
        "complex": SLAPolicy(tier: "complex", respond: .workingDays(3), resolve: .seconds(72 * 3600)),
    ]

    /// When a ticket opened at `openedAt` must be responded to and resolved.
    public func due(openedAt: Date, calendar: WorkCalendar) -> (respondBy: Date, resolveBy: Date) {
        (respond.deadline(from: openedAt, calendar: calendar), resolve.deadline(from: openedAt, calendar: calendar))
    }
}
