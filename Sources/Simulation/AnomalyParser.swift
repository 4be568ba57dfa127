import Formats
import Foundation

/// Why an anomaly spec was rejected; the description is meant for the command line.
public struct AnomalyParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public var spec: String
    public var reason: String

    public var description: String {
        "invalid anomaly '\(spec)': \(reason)"
    }
}

/// Reads the command line's anomaly specs: `KIND[:DEVICE]@WHEN[+DURATION]`.
///
/// `WHEN` is an offset from the simulation start (`10m`, `2h`, `1h30m`, `90`, a leading `+`
/// allowed) or an RFC 3339 time (`2026-11-22T23:10:00+08:00`). `DURATION` is written as every
/// duration in gridwatch is (`DurationText`); without it the kind's default applies.
/// Examples: `smoke@10m`, `fall:wb-b01-0101@2h`, `silence:door-b02-0301@1h+6h`.
public enum AnomalyParser {
    public static func parse(_ spec: String, start: Date) throws -> Anomaly {
        let text = spec.trimmingCharacters(in: .whitespaces)
        func fail(_ reason: String) -> AnomalyParseError {
            AnomalyParseError(spec: spec, reason: reason)
        }
        guard let atSign = text.firstIndex(of: "@") else {
            throw fail("expected KIND[:DEVICE]@WHEN[+DURATION], e.g. smoke@10m")
        }
        let head = text[..<atSign]
        let tail = String(text[text.index(after: atSign)...])

        let kindText: Substring
        var deviceID: String?
        if let colon = head.firstIndex(of: ":") {
            kindText = head[..<colon]
            let device = head[head.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            guard !device.isEmpty else { throw fail("empty device id after ':'") }
            guard !device.contains(where: { $0 == "/" || $0 == "+" || $0 == "#" }) else {
                throw fail("device id '\(device)' cannot contain '/', '+' or '#'")
            }
            deviceID = device
        } else {
            kindText = head
        }
        let normalized = kindText.trimmingCharacters(in: .whitespaces).lowercased()
            .replacingOccurrences(of: "-", with: "_")
        guard let kind = AnomalyKind(rawValue: normalized) else {
            let known = AnomalyKind.allCases.map(\.rawValue).joined(separator: ", ")
            throw fail("unknown kind '\(kindText)' (expected one of \(known))")
        }

        let (whenText, durationText) = splitWhen(tail)
        guard !whenText.isEmpty else { throw fail("missing time after '@'") }
        let at: Date
        if looksLikeTimestamp(whenText) {
            guard let date = CaptureTime.date(from: whenText) else {
                throw fail("'\(whenText)' is not an RFC 3339 time such as 2026-11-22T23:10:00+08:00")
            }
            at = date
        } else {
            let offsetText = whenText.hasPrefix("+") ? String(whenText.dropFirst()) : whenText
            guard let offset = DurationText.seconds(offsetText) else {
                throw fail("'\(whenText)' is neither an offset such as 10m or 1h30m nor an RFC 3339 time")
            }
            at = start.addingTimeInterval(offset)
        }
        var length: TimeInterval?
        if let durationText {
            guard let parsed = DurationText.seconds(durationText) else {
                throw fail("'\(durationText)' is not a duration such as 30s, 10m or 6h")
            }
            length = parsed
        }
        return Anomaly(kind: kind, deviceID: deviceID, at: at, duration: length)
    }

    /// Splits `WHEN[+DURATION]`. A timestamp's own `+08:00` is not a duration, so the split
    /// is at the last `+` whose suffix parses as a duration.
    static func splitWhen(_ text: String) -> (when: String, duration: String?) {
        guard let plus = text.lastIndex(of: "+"), plus != text.startIndex else { return (text, nil) }
        let suffix = String(text[text.index(after: plus)...])
        guard DurationText.seconds(suffix) != nil, !suffix.contains(":") else { return (text, nil) }
        return (String(text[..<plus]), suffix)
    }

    static func looksLikeTimestamp(_ text: String) -> Bool {
        let b = Array(text.utf8.prefix(5))
        return b.count == 5 && b[0..<4].allSatisfy { ($0 &- UInt8(ascii: "0")) < 10 } && b[4] == UInt8(ascii: "-")
    }
}
