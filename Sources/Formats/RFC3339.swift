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

    /// The contract's default zone, made once (a default argument is evaluated on every call).
    public static let shanghai = TimeZone(identifier: "Asia/Shanghai") ?? .gmt

    /// `date` in `timeZone` with its offset, milliseconds only when there are any.
    public static func format(_ date: Date, timeZone: TimeZone = shanghai) -> String {
        // Clamped while still a Double: a far-off (or not finite) date must not trap in Int64(_:).
        let seconds = date.timeIntervalSince1970
        let bounds = writableMilliseconds
        let ms = seconds.isNaN ? 0 : min(max(seconds * 1000, Double(bounds.lowerBound)), Double(bounds.upperBound)).rounded()
        return format(milliseconds: Int64(ms), timeZone: timeZone)
    }

    /// RFC 3339 years are four digits: instants outside 0000-01-02 … 9999-12-30 (UTC; a day in
    /// from each end, so no zone's offset takes the year out of four digits) are written as the
    /// nearest end.
    static let writableMilliseconds: ClosedRange<Int64> = -62_167_132_800_000...253_402_214_399_999

    /// Written digit by digit (`CaptureTime`, the simulator's writer) at the zone's offset for
    /// that instant: `Calendar.dateComponents` and three `String(format:)` calls were 30 % of
    /// opening a ticket (perf of `bench/alert-latency`), and every ticket event carries several.
    public static func format(milliseconds: Int64, timeZone: TimeZone = shanghai) -> String {
        let ms = min(max(milliseconds, writableMilliseconds.lowerBound), writableMilliseconds.upperBound)
        let seconds = CaptureTime.floorDiv(ms, 1000)
        let offset = timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(seconds)))
        var out: [UInt8] = []
        out.reserveCapacity(29)
        CaptureTime.append(ms: ms, offsetSeconds: offset, milliseconds: ms - seconds * 1000 > 0, to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}
