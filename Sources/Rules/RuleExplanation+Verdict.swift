import Devices
import Formats
import Foundation

extension RuleExplanation {
    /// The answer in one line of plain words: "fires in 2 min 10 s unless hr_bpm drops to
    /// 120 or below", "firing since 14:02", "did not fire: reading 8 min old, stale after 5 min".
    public func verdict(timeZone: TimeZone) -> String {
        switch phase {
        case .firing: return firingVerdict(timeZone: timeZone)
        case .pending: return pendingVerdict(timeZone: timeZone)
        case .inactive: return inactiveVerdict(timeZone: timeZone)
        }
    }

    private func firingVerdict(timeZone: TimeZone) -> String {
        var text = "firing since " + Self.clock(firingSinceMs ?? atMs, relativeTo: atMs, timeZone: timeZone)
        if let inhibition = inhibitions.first(where: { $0.firingOn != nil }), let holder = inhibition.firingOn {
            text += ", held back by \(inhibition.source) firing on \(holder)"
        }
        switch (clear, progress) {
        case (_, .silence?):
            text += "; clears on the device's next report"
        case (.manual, _):
            text += "; only a person resolves it"
        case (.whenFalse, _):
            text += "; clears on the first reading where the condition is false"
        case let (.quiet, .quiet(lastTrueMs, quietMs)?):
            text += "; clears at " + Self.clock(lastTrueMs + quietMs, relativeTo: atMs, timeZone: timeZone) + " unless the condition is true again"
        case let (.condition, .clearHold(sinceMs?, holdMs)?):
            text += "; clears in " + Self.spoken(sinceMs + holdMs - atMs) + " unless the clear condition turns false"
        case let (.condition, .clearHold(nil, holdMs)?):
            text += "; clears once the clear condition has held for " + Self.spoken(holdMs)
        default:
            break
        }
        return text
    }

    private func pendingVerdict(timeZone: TimeZone) -> String {
        guard case let .hold(sinceMs, holdMs, lastTrueMs, gapToleranceMs)? = progress else { return "pending" }
        let firesAtMs = sinceMs + holdMs
        let unless = condition(.when)?.unless ?? "the condition turns false"
        var text = "fires in " + Self.spoken(firesAtMs - atMs) + " unless " + unless
        if lastTrueMs + gapToleranceMs < firesAtMs {
            text += ", and only if a reading confirms it by " + Self.clock(lastTrueMs + gapToleranceMs, relativeTo: atMs, timeZone: timeZone)
        }
        if let schedule, let edge = schedule.nextEdgeMs, schedule.activeNow, edge <= firesAtMs {
            text += " (the schedule \(schedule.text) closes at " + Self.clock(edge, relativeTo: atMs, timeZone: timeZone) + " first)"
        }
        return text
    }

    private func inactiveVerdict(timeZone: TimeZone) -> String {
        if case let .silence(lastHeardMs, silenceMs, deadlineMs, linkUp)? = progress {
            guard linkUp else { return "not judged: the gateway's broker link is down" }
            let silent = lastHeardMs.map { "silent for " + Self.spoken(atMs - $0) } ?? "never heard"
            guard let deadlineMs else { return "not firing: \(silent)" }
            return "fires in " + Self.spoken(deadlineMs - atMs) + " unless the device reports (\(silent), absent after " + Self.spoken(silenceMs) + ")"
        }
        guard let lastReadingMs else { return "did not fire: no reading from \(deviceID) yet" }
        let when = condition(.when)
        if let schedule, !schedule.activeNow, when?.truth != .unknown {
            return "not active: schedule \(schedule.text) only"
        }
        if isStale {
            return "did not fire: reading " + Self.spoken(atMs - lastReadingMs) + " old, stale after " + Self.spoken(staleAfterMs)
        }
        if let require = condition(.require), require.truth != .true {
            let why = require.truth == .unknown ? " (" + Self.firstUnknown(require) + ")" : ""
            return "did not fire: require \(require.text) is \(require.truth)\(why), so the reading tells nothing"
        }
        guard let when else { return "not firing" }
        switch when.truth {
        case .unknown:
            return "did not fire: \(when.text) is unknown (" + Self.firstUnknown(when) + ")"
        case .false:
            return "did not fire: \(when.text) is false"
        case .true:
            if case let .count(occurrencesMs, atLeast, withinMs)? = progress {
                return "did not fire: \(occurrencesMs.count) of \(atLeast) true readings within " + Self.spoken(withinMs)
            }
            return "not firing although \(when.text) is true on the last reading (resolved or held back; the next true reading decides)"
        }
    }

    /// The deepest reason a condition is unknown: the leaf that made it so.
    static func firstUnknown(_ condition: Condition) -> String {
        let reasons = condition.terms.filter { $0.unknownReason != nil }
        return reasons.max { $0.depth < $1.depth }?.unknownReason ?? "unknown"
    }

    /// A span as people say it: "2 min 10 s", "8 min", "1 h 5 min", "3 d 2 h".
    public static func spoken(_ milliseconds: Int64) -> String {
        var rest = Int64((Double(max(milliseconds, 0)) / 1000).rounded())
        guard rest > 0 else { return milliseconds > 0 ? "\(milliseconds) ms" : "0 s" }
        var parts: [String] = []
        for (unit, size) in [("d", Int64(86_400)), ("h", 3600), ("min", 60), ("s", 1)] where rest >= size {
            parts.append("\(rest / size) \(unit)")
            rest %= size
        }
        return parts.joined(separator: " ")
    }

    /// A time of day ("14:02", "14:02:30"), with the date when it is not `atMs`'s day.
    static func clock(_ milliseconds: Int64, relativeTo atMs: Int64, timeZone: TimeZone) -> String {
        let full = RFC3339.format(milliseconds: milliseconds, timeZone: timeZone)
        let date = String(full.prefix(10))
        var time = String(full.dropFirst(11).prefix(8))
        if time.hasSuffix(":00") { time = String(time.dropLast(3)) }
        return date == String(RFC3339.format(milliseconds: atMs, timeZone: timeZone).prefix(10)) ? time : date + " " + time
    }
}
