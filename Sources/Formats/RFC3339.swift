import Foundation

/// RFC 3339 timestamps, as the contract writes every time (`2026-11-22T23:10:00+08:00`).
public enum RFC3339 {
    /// Epoch milliseconds of `text`, with or without fractional seconds, `Z` or an offset.
    public static func parseMilliseconds(_ text: String) -> Int64? {
        let plain = Date.ISO8601FormatStyle(includingFractionalSeconds: false)
        let fractional = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        guard let date = (try? fractional.parse(text)) ?? (try? plain.parse(text)) else { return nil }
        return Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    public static func parse(_ text: String) -> Date? {
        parseMilliseconds(text).map { Date(timeIntervalSince1970: Double($0) / 1000) }
    }

    /// `date` in `timeZone` with its offset, milliseconds only when there are any.
    public static func format(_ date: Date, timeZone: TimeZone = TimeZone(identifier: "Asia/Shanghai") ?? .gmt) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .nanosecond], from: date)
        let millis = Int((Double(parts.nanosecond ?? 0) / 1_000_000).rounded()) % 1000
        let offset = timeZone.secondsFromGMT(for: date)
        let sign = offset < 0 ? "-" : "+"
        let zone = offset == 0 ? "Z" : sign + String(format: "%02d:%02d", abs(offset) / 3600, abs(offset) % 3600 / 60)
        let base = String(format: "%04d-%02d-%02dT%02d:%02d:%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0,
                          parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0)
        return base + (millis > 0 ? String(format: ".%03d", millis) : "") + zone
    }

    public static func format(milliseconds: Int64, timeZone: TimeZone = TimeZone(identifier: "Asia/Shanghai") ?? .gmt) -> String {
        format(Date(timeIntervalSince1970: Double(milliseconds) / 1000), timeZone: timeZone)
    }
}
