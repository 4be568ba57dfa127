import Formats
import Testing

/// The one duration grammar: configuration's units and the simulator's (`w` and `min`) together.
@Suite struct DurationTextTests {
    @Test(arguments: [
        ("90", 90.0), (" 45s ", 45), ("15m", 900), ("10min", 600), ("1h30m", 5400), ("1.5h", 5400),
        ("2d", 172_800), ("1w", 604_800), ("500ms", 0.5), ("1m30s", 90), ("10M", 600), ("2H", 7200),
        ("1w2d", 777_600), ("0", 0),
    ])
    func reads(_ text: String, _ seconds: Double) {
        #expect(DurationText.seconds(text) == seconds)
    }

    @Test(arguments: ["", " ", "-5", "h", "1h30", "10x", "1h 30m", "1.2.3s", "5 m", "1mins", "-1h", "s5"])
    func rejects(_ text: String) {
        #expect(DurationText.seconds(text) == nil)
    }

    @Test func formatsTheShortestCommonForm() {
        #expect(DurationText.format(90) == "1m30s")
        #expect(DurationText.format(0.25) == "250ms")
        #expect(DurationText.format(90_061) == "1d1h1m1s")
        #expect(DurationText.seconds(DurationText.format(5400)) == 5400)
    }

    @Test func readsByteSizes() {
        #expect(DurationText.bytes("4096") == 4096)
        #expect(DurationText.bytes("16KiB") == 16_384)
        #expect(DurationText.bytes("64MB") == 64_000_000)
        #expect(DurationText.bytes("2 GiB") == 2 << 30)
        #expect(DurationText.bytes("12 parsecs") == nil)
        #expect(DurationText.bytes("-1") == nil)
    }
}
