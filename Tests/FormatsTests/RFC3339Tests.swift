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
}
