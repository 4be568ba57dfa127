import Foundation

/// RFC 3339 timestamps as the capture format and device payloads use them (and, through
/// `RFC3339.format`, every time the gateway writes).
///
/// Hand-written rather than `ISO8601DateFormatter`: the simulator formats one timestamp per
/// message, and Foundation's formatter costs microseconds each on Linux, which would dominate
/// generation time. Parsing accepts what RFC 3339 allows (`Z` or `±HH:MM`, any number of
/// fraction digits, `T`, `t` or a space between date and time).
public enum CaptureTime {
    /// `2026-11-22T23:10:00.123+08:00` for the date in the zone (`Z` when the offset is zero).
    public static func string(from date: Date, timeZone: TimeZone, milliseconds: Bool = true) -> String {
        let ms = Int64((date.timeIntervalSince1970 * 1000).rounded())
        let offset = timeZone.secondsFromGMT(for: date)
        var out: [UInt8] = []
        out.reserveCapacity(29)
        append(ms: ms, offsetSeconds: offset, milliseconds: milliseconds, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// The instant an RFC 3339 timestamp names, or nil if it is not RFC 3339.
    public static func date(from text: String) -> Date? {
        guard let parsed = parse(Array(text.utf8)) else { return nil }
        return Date(timeIntervalSince1970: Double(parsed.ms) / 1000)
    }

    /// Appends the timestamp for epoch milliseconds shown at the given UTC offset.
    package static func append(ms: Int64, offsetSeconds: Int, milliseconds: Bool, to out: inout [UInt8]) {
        let local = ms + Int64(offsetSeconds) * 1000
        let days = floorDiv(local, 86_400_000)
        let msOfDay = local - days * 86_400_000
        let (year, month, day) = civil(fromDays: days)
        appendDigits(year, width: 4, to: &out)
        out.append(UInt8(ascii: "-"))
        appendDigits(month, width: 2, to: &out)
        out.append(UInt8(ascii: "-"))
        appendDigits(day, width: 2, to: &out)
        out.append(UInt8(ascii: "T"))
        appendDigits(msOfDay / 3_600_000, width: 2, to: &out)
        out.append(UInt8(ascii: ":"))
        appendDigits(msOfDay / 60_000 % 60, width: 2, to: &out)
        out.append(UInt8(ascii: ":"))
        appendDigits(msOfDay / 1000 % 60, width: 2, to: &out)
        if milliseconds {
            out.append(UInt8(ascii: "."))
            appendDigits(msOfDay % 1000, width: 3, to: &out)
        }
        if offsetSeconds == 0 {
            out.append(UInt8(ascii: "Z"))
            return
        }
        out.append(UInt8(ascii: offsetSeconds < 0 ? "-" : "+"))
        let minutes = abs(offsetSeconds) / 60
        appendDigits(Int64(minutes / 60), width: 2, to: &out)
        out.append(UInt8(ascii: ":"))
        appendDigits(Int64(minutes % 60), width: 2, to: &out)
    }

    /// Parses RFC 3339 into epoch milliseconds and the written offset; fractions beyond
    /// milliseconds are truncated.
    package static func parse(_ b: [UInt8]) -> (ms: Int64, offsetSeconds: Int)? {
        func num(_ at: Int, _ width: Int) -> Int64? {
            guard at + width <= b.count else { return nil }
            var value: Int64 = 0
            for i in at..<(at + width) {
                let d = b[i] &- UInt8(ascii: "0")
                guard d < 10 else { return nil }
                value = value * 10 + Int64(d)
            }
            return value
        }
        guard b.count >= 20,
              let year = num(0, 4), b[4] == UInt8(ascii: "-"),
              let month = num(5, 2), b[7] == UInt8(ascii: "-"),
              let day = num(8, 2),
              [UInt8(ascii: "T"), UInt8(ascii: "t"), UInt8(ascii: " ")].contains(b[10]),
              let hour = num(11, 2), b[13] == UInt8(ascii: ":"),
              let minute = num(14, 2), b[16] == UInt8(ascii: ":"),
              let second = num(17, 2),
              (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year),
              hour < 24, minute < 60, second < 61
        else { return nil }
        var i = 19
        var fractionMs: Int64 = 0
        if b[i] == UInt8(ascii: ".") {
            i += 1
            var digits = 0
            while i < b.count, b[i] &- UInt8(ascii: "0") < 10 {
                if digits < 3 { fractionMs = fractionMs * 10 + Int64(b[i] - UInt8(ascii: "0")) }
                digits += 1
                i += 1
            }
            guard digits > 0 else { return nil }
            for _ in digits..<max(digits, 3) { fractionMs *= 10 }
        }
        guard i < b.count else { return nil }
        var offset = 0
        if b[i] == UInt8(ascii: "Z") || b[i] == UInt8(ascii: "z") {
            i += 1
        } else {
            guard b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-"),
                  let oh = num(i + 1, 2), i + 3 < b.count, b[i + 3] == UInt8(ascii: ":"),
                  let om = num(i + 4, 2), oh < 24, om < 60
            else { return nil }
            offset = Int(oh * 3600 + om * 60) * (b[i] == UInt8(ascii: "-") ? -1 : 1)
            i += 6
        }
        guard i == b.count else { return nil }
        // A leap second (:60) is folded into the next second; nothing here needs it exact.
        let days = daysFromCivil(year: year, month: month, day: day)
        let local = ((days * 24 + hour) * 60 + minute) * 60 + second
        return ((local - Int64(offset)) * 1000 + fractionMs, offset)
    }

    /// Year, month, day for days since 1970-01-01 (Howard Hinnant's `civil_from_days`).
    package static func civil(fromDays z0: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = z0 + 719_468
        let era = floorDiv(z, 146_097)
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// Days since 1970-01-01 for a proleptic Gregorian date (`days_from_civil`).
    package static func daysFromCivil(year y0: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? y0 - 1 : y0
        let era = floorDiv(y, 400)
        let yoe = y - era * 400
        let doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    package static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    @inline(__always)
    package static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    @inline(__always)
    package static func appendDigits(_ value: Int64, width: Int, to out: inout [UInt8]) {
        var divisor: Int64 = 1
        for _ in 1..<width { divisor *= 10 }
        var v = value
        // Values wider than `width` (year 10000) still print in full rather than wrap.
        while v / divisor >= 10 { divisor *= 10 }
        while divisor > 0 {
            out.append(UInt8(ascii: "0") + UInt8(v / divisor))
            v %= divisor
            divisor /= 10
        }
    }
}
