import Devices
import Formats
import Foundation

extension RuleExplanation {
    /// The explanation for a person, step by step: verdict, last reading, each condition with
    /// its parts indented under it, the hold or window, the schedule, the inhibitions.
    public func text(timeZone: TimeZone) -> String {
        var lines = ["\(ruleID) on \(deviceID) at \(RFC3339.format(milliseconds: atMs, timeZone: timeZone)): \(phase.rawValue)",
                     "  verdict: " + verdict(timeZone: timeZone)]
        if let lastReadingMs {
            let stale = isStale ? ", stale: its values count as unknown" : ""
            lines.append("  last reading: " + RFC3339.format(milliseconds: lastReadingMs, timeZone: timeZone)
                         + " (" + Self.spoken(atMs - lastReadingMs) + " old, stale after " + Self.spoken(staleAfterMs) + stale + ")")
        } else {
            lines.append("  last reading: none")
        }
        for condition in conditions {
            let why = condition.truth == .unknown ? " (" + Self.firstUnknown(condition) + ")" : ""
            lines.append("  \(condition.role.rawValue) \(condition.text): \(condition.truth)\(why)")
            // The whole condition (depth 0) is the line above.
            for term in condition.terms where term.depth > 0 {
                let reason = term.unknownReason.map { " (\($0))" } ?? ""
                lines.append(String(repeating: "  ", count: term.depth + 1) + "\(term.text) = \(term.value)\(reason)")
            }
        }
        if let progress { lines.append("  " + Self.describe(progress, atMs: atMs, timeZone: timeZone)) }
        if let schedule {
            let edge = schedule.nextEdgeMs.map { (schedule.activeNow ? ", closes at " : ", opens at ") + Self.clock($0, relativeTo: atMs, timeZone: timeZone) } ?? ""
            lines.append("  schedule \(schedule.text): " + (schedule.activeNow ? "active now" : "not active now") + edge)
        }
        for inhibition in inhibitions {
            let state = inhibition.firingOn.map { "firing on \($0): this alert is held back" } ?? "not firing"
            lines.append("  inhibited by \(inhibition.source) (equal: \(inhibition.equal.joined(separator: ", "))): \(state)")
        }
        return lines.joined(separator: "\n")
    }

    static func describe(_ progress: Progress, atMs: Int64, timeZone: TimeZone) -> String {
        func clock(_ ms: Int64) -> String { Self.clock(ms, relativeTo: atMs, timeZone: timeZone) }
        switch progress {
        case let .hold(sinceMs, holdMs, lastTrueMs, gapToleranceMs):
            return "hold: true since \(clock(sinceMs)), \(spoken(atMs - sinceMs)) of \(spoken(holdMs)); last confirmed \(clock(lastTrueMs)), "
                + "lapses without a confirming reading at \(clock(lastTrueMs + gapToleranceMs))"
        case let .count(occurrencesMs, atLeast, withinMs):
            let times = occurrencesMs.map(clock).joined(separator: ", ")
            return "window: \(occurrencesMs.count) of \(atLeast) true readings within \(spoken(withinMs))" + (times.isEmpty ? "" : " (\(times))")
        case let .clearHold(sinceMs?, holdMs):
            return "clear hold: true since \(clock(sinceMs)), \(spoken(atMs - sinceMs)) of \(spoken(holdMs))"
        case let .clearHold(nil, holdMs):
            return "clear hold: not holding (needs \(spoken(holdMs)))"
        case let .quiet(lastTrueMs, quietMs):
            return "quiet: last true \(clock(lastTrueMs)), \(spoken(atMs - lastTrueMs)) of \(spoken(quietMs))"
        case let .silence(lastHeardMs, silenceMs, _, linkUp):
            let heard = lastHeardMs.map { "last heard \(clock($0)), silent for \(spoken(atMs - $0))" } ?? "never heard"
            return "silence: \(heard), absent after \(spoken(silenceMs))" + (linkUp ? "" : "; broker link down, absence not judged")
        }
    }

    /// The explanation as JSON with stable keys: every key is always present (null when
    /// it does not apply), times are RFC 3339 in `timeZone`, spans are milliseconds.
    public func json(timeZone: TimeZone) -> JSONValue {
        func time(_ ms: Int64?) -> JSONValue { ms.map { .string(RFC3339.format(milliseconds: $0, timeZone: timeZone)) } ?? .null }
        let conditions = conditions.map { condition -> JSONValue in
            .object(["role": .string(condition.role.rawValue), "text": .string(condition.text), "truth": .string(condition.truth.description),
                     "unless": condition.unless.map(JSONValue.string) ?? .null,
                     "terms": .array(condition.terms.map { term in
                         .object(["text": .string(term.text), "depth": .int(Int64(term.depth)), "value": .string(term.value),
                                  "unknown_reason": term.unknownReason.map(JSONValue.string) ?? .null])
                     })])
        }
        let lastReading: JSONValue = lastReadingMs.map { last in
            .object(["at": time(last), "age_ms": .int(atMs - last), "stale_after_ms": .int(staleAfterMs), "stale": .bool(isStale)])
        } ?? .null
        let schedule: JSONValue = schedule.map { schedule in
            .object(["text": .string(schedule.text), "active_now": .bool(schedule.activeNow), "next_edge": time(schedule.nextEdgeMs)])
        } ?? .null
        let inhibitions = inhibitions.map { inhibition -> JSONValue in
            .object(["source": .string(inhibition.source), "equal": .array(inhibition.equal.map(JSONValue.string)),
                     "firing_on": inhibition.firingOn.map(JSONValue.string) ?? .null])
        }
        return .object([
            "rule": .string(ruleID), "device": .string(deviceID), "device_type": .string(deviceType), "severity": .string(severity), "at": time(atMs),
            "phase": .string(phase.rawValue), "pending_since": time(pendingSinceMs), "firing_since": time(firingSinceMs),
            "verdict": .string(verdict(timeZone: timeZone)), "clear": .string(Self.clearName(clear)), "last_reading": lastReading,
            "conditions": .array(conditions), "progress": progress.map { Self.json($0, time: time) } ?? .null, "schedule": schedule,
            "inhibitions": .array(inhibitions), "inhibited_by": inhibitedBy.map(JSONValue.string) ?? .null,
        ])
    }

    static func json(_ progress: Progress, time: (Int64?) -> JSONValue) -> JSONValue {
        switch progress {
        case let .hold(sinceMs, holdMs, lastTrueMs, gapToleranceMs):
            .object(["kind": .string("hold"), "since": time(sinceMs), "hold_ms": .int(holdMs), "fires_at": time(sinceMs + holdMs),
                     "last_true": time(lastTrueMs), "confirm_by": time(lastTrueMs + gapToleranceMs)])
        case let .count(occurrencesMs, atLeast, withinMs):
            .object(["kind": .string("count"), "occurrences": .array(occurrencesMs.map(time)), "at_least": .int(Int64(atLeast)), "within_ms": .int(withinMs)])
        case let .clearHold(sinceMs, holdMs):
            .object(["kind": .string("clear_hold"), "since": time(sinceMs), "hold_ms": .int(holdMs), "clears_at": time(sinceMs.map { $0 + holdMs })])
        case let .quiet(lastTrueMs, quietMs):
            .object(["kind": .string("quiet"), "last_true": time(lastTrueMs), "quiet_ms": .int(quietMs), "clears_at": time(lastTrueMs + quietMs)])
        case let .silence(lastHeardMs, silenceMs, deadlineMs, linkUp):
            .object(["kind": .string("silence"), "last_heard": time(lastHeardMs), "silence_ms": .int(silenceMs), "absent_at": time(deadlineMs),
                     "link_up": .bool(linkUp)])
        }
    }

    static func clearName(_ clear: RuleTiming.Clear) -> String {
        switch clear {
        case .whenFalse: "when_false"
        case .condition: "condition"
        case .quiet: "quiet"
        case .manual: "manual"
        }
    }
}
