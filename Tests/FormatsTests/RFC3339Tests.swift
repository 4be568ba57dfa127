import Formats
import Foundation
import Testing

/// The contract's timestamps: offsets kept on output, any offset or `Z` on input.
@Suite struct RFC3339Tests {
    @Test func parsesOffsetsAndFractions() {
        #expect(RFC3339.parseMilliseconds("1970-01-01T00:00:01Z") == 1000)
        #expect(RFC3339.parseMilliseconds("1970-01-01T08:00:01.250+08:00") == 1250)
        #expect(RFC3339.parseMilliseconds("2026-11-22T23:10:00+08:00") == 1_795_360_200_000)
    }

    @Test(arguments: ["", "yesterday", "2026-11-22", "2026-13-01T00:00:00Z", "2026-11-22T23:10:00"])
    func rejects(_ text: String) {
        #expect(RFC3339.parseMilliseconds(text) == nil)
    }

    @Test func formatsInTheZoneWithMillisecondsOnlyWhenThereAreAny() {
        #expect(RFC3339.format(milliseconds: 1_795_360_200_000) == "2026-11-22T23:10:00+08:00")
        #expect(RFC3339.format(milliseconds: 1_795_360_200_042, timeZone: .gmt) == "2026-11-22T15:10:00.042Z")
        let text = RFC3339.format(milliseconds: 1_795_360_200_500)
        #expect(RFC3339.parseMilliseconds(text) == 1_795_360_200_500)
    }

    /// The hand-written digits against Foundation's calendar, which wrote them before: every
    /// zone the tests use and some with half-hour, negative and daylight-saving offsets, over
    /// instants from 1900 to 2100 (including each zone's transitions of 2026) and both sides of 1970.
    @Test(arguments: ["Asia/Shanghai", "UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Adelaide", "America/St_Johns", "Pacific/Chatham"])
    func formatsAsTheCalendarDoes(_ identifier: String) throws {
        let zone = try #require(TimeZone(identifier: identifier))
        var instants: [Int64] = [0, -1, -999, -1000, -86_400_000, 951_782_400_000, 4_102_444_800_000, -2_208_988_800_000, 1_795_360_200_999]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<3000 { instants.append(Int64.random(in: -2_208_988_800_000...4_102_444_800_000, using: &generator)) }
        var transition = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01
        while let next = zone.nextDaylightSavingTimeTransition(after: transition), next.timeIntervalSince1970 < 1_798_761_600 {
            let ms = Int64(next.timeIntervalSince1970 * 1000)
            instants += [ms - 1, ms, ms + 1, ms + 3_600_000]
            transition = next
        }
        for ms in instants {
            #expect(RFC3339.format(milliseconds: ms, timeZone: zone) == Self.calendarFormat(milliseconds: ms, timeZone: zone), "\(ms) in \(identifier)")
        }
    }

    @Test func writesInstantsBeyondFourDigitYearsAsTheNearestEnd() throws {
        #expect(RFC3339.format(milliseconds: .max, timeZone: .gmt) == "9999-12-30T23:59:59.999Z")
        #expect(RFC3339.format(milliseconds: .max).hasPrefix("9999-12-31T07:59:59.999+08:"))
        #expect(RFC3339.format(milliseconds: .max, timeZone: try #require(TimeZone(identifier: "Pacific/Kiritimati"))).hasPrefix("9999-12-31T"))
        #expect(RFC3339.format(milliseconds: .min, timeZone: .gmt) == "0000-01-02T00:00:00Z")
        #expect(RFC3339.format(milliseconds: .min).hasPrefix("0000-01-02T08:"))
        #expect(RFC3339.format(milliseconds: .min, timeZone: try #require(TimeZone(identifier: "America/New_York"))).hasPrefix("0000-01-01T"))
        // Dates too far off for milliseconds in an Int64, or not numbers at all, do not trap.
        #expect(RFC3339.format(Date(timeIntervalSince1970: 1e300), timeZone: .gmt) == "9999-12-30T23:59:59.999Z")
        #expect(RFC3339.format(Date(timeIntervalSince1970: -.infinity), timeZone: .gmt) == "0000-01-02T00:00:00Z")
        #expect(RFC3339.format(Date(timeIntervalSince1970: .nan), timeZone: .gmt) == "1970-01-01T00:00:00Z")
    }

    /// How `RFC3339.format` was written before (Foundation's calendar and `String(format:)`).
    static func calendarFormat(milliseconds: Int64, timeZone: TimeZone) -> String {
        let date = Date(timeIntervalSince1970: Double(milliseconds.floorDivided1000) )
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let millis = Int(milliseconds - milliseconds.floorDivided1000 * 1000)
        let offset = timeZone.secondsFromGMT(for: date)
        let zone = offset == 0 ? "Z" : (offset < 0 ? "-" : "+") + String(format: "%02d:%02d", abs(offset) / 3600, abs(offset) % 3600 / 60)
        let base = String(format: "%04d-%02d-%02dT%02d:%02d:%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0,
                          parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0)
        return base + (millis > 0 ? String(format: ".%03d", millis) : "") + zone
    }
}

private extension Int64 {
    /// Whole seconds, rounded down (the calendar is asked about the second, the milliseconds are added apart).
    var floorDivided1000: Int64 { self >= 0 ? self / 1000 : -((-self + 999) / 1000) }
}

