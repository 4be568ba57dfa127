@testable import Rules
import Simulation
import Testing

/// A track's running tallies answer every window function with the same bits as the scan
/// (`RuleFunction.window`) over the samples the track kept before them: an array trimmed in
/// place, the window's start found by `firstIndex` in arrival order.
@Suite struct SampleWindowTests {
    /// What a track kept before the tallies: the samples, trimmed in place on each reading.
    private struct ScannedHistory {
        var samples: [RuleSample] = []

        mutating func append(_ sample: RuleSample, trimmingBeforeMs horizonMs: Int64) {
            samples.append(sample)
            if samples[0].atMs < horizonMs, let cut = samples.firstIndex(where: { $0.atMs >= horizonMs }) { samples.removeFirst(cut) }
        }

        func value(of function: RuleFunction, afterMs horizonMs: Int64) -> Double? {
            RuleFunction.window(function, samples[(samples.firstIndex { $0.atMs > horizonMs } ?? samples.endIndex)...])
        }
    }

    private static let windowFunctions: [RuleFunction] = [.increase, .rate, .changes, .countTrue]

    /// Feeds both the same readings and compares every function over several windows after
    /// each one, bit for bit. Returns how many answers were compared.
    @discardableResult
    private static func compare(_ samples: [RuleSample], keptMs: Int64, windowsMs: [Int64]) -> Int {
        var window = SampleWindow(samples[0])
        var scanned = ScannedHistory(samples: [samples[0]])
        var compared = 0
        for sample in samples.dropFirst() {
            window.append(sample, trimmingBeforeMs: sample.atMs - keptMs)
            scanned.append(sample, trimmingBeforeMs: sample.atMs - keptMs)
            #expect(Array(window.live) == scanned.samples)
            for lengthMs in windowsMs {
                let horizonMs = sample.atMs - lengthMs
                let start = window.windowStart(afterMs: horizonMs)
                let scannedStart = scanned.samples.firstIndex { $0.atMs > horizonMs } ?? scanned.samples.endIndex
                #expect(Array(window.series(from: start)) == Array(scanned.samples[scannedStart...]))
                for function in windowFunctions {
                    let fast = window.value(of: function, from: start), slow = scanned.value(of: function, afterMs: horizonMs)
                    #expect(fast?.bitPattern == slow?.bitPattern,
                            "\(function) over \(lengthMs) ms at \(sample.atMs): \(String(describing: fast)) vs \(String(describing: slow))")
                    compared += 1
                }
            }
        }
        return compared
    }

    @Test func aMeterWithResetsAndFractionsGivesTheScansBits() {
        // A meter rising by awkward fractions (so sums round), replaced twice (resets), read
        // every 10 s; windows shorter than, equal to and as long as what is kept.
        var generator = SplitMix64(seed: 7)
        var total = 1234.567, samples: [RuleSample] = []
        for index in 0..<3_000 {
            if index == 900 || index == 2_100 { total = Double.random(in: 0..<5, using: &generator) }
            total += [0.1, 0.01, 0.003, 0, 1.0 / 3].randomElement(using: &generator)!
            samples.append(RuleSample(atMs: Int64(index) * 10_000, value: total))
        }
        let compared = Self.compare(samples, keptMs: 35 * 60_000, windowsMs: [60_000, 5 * 60_000, 35 * 60_000])
        #expect(compared == 2_999 * 3 * 4)
    }

    @Test func lateReadingsAndRepeatedInstantsGiveTheScansAnswers() {
        // Out of arrival order now and then (a reading that waited in a device), several at
        // one instant, values that repeat (changes), booleans and enum codes (count_true).
        var generator = SplitMix64(seed: 11)
        for seed in 0..<20 {
            var atMs: Int64 = 1_000_000, samples: [RuleSample] = []
            let values: [Double] = seed % 2 == 0 ? [0, 1] : [3, 3, 7, -2, 0, 1e15, 1e-9]
            for _ in 0..<600 {
                switch Int.random(in: 0..<10, using: &generator) {
                case 0: atMs -= Int64.random(in: 0...90_000, using: &generator)  // late
                case 1: break  // the same instant
                default: atMs += Int64.random(in: 1...20_000, using: &generator)
                }
                samples.append(RuleSample(atMs: atMs, value: values.randomElement(using: &generator)!))
            }
            Self.compare(samples, keptMs: 10 * 60_000, windowsMs: [1, 30_000, 4 * 60_000, 10 * 60_000, 20 * 60_000])
        }
    }

    @Test func aLateReadingSearchesInArrivalOrderUntilTheOrderIsBack() {
        var window = SampleWindow(RuleSample(atMs: 100, value: 1))
        for atMs in [200, 50, 300] as [Int64] { window.append(RuleSample(atMs: atMs, value: 2), trimmingBeforeMs: 0) }
        // Arrival order: the window starts at the first sample after 150, the late 50 inside it.
        #expect(window.series(from: window.windowStart(afterMs: 150)).map(\.atMs) == [200, 50, 300])
        #expect(window.value(of: .countTrue, from: window.windowStart(afterMs: 150)) == 3)
        #expect(!window.inTimeOrder)
        // Trimmed past the late one and compacted, the rest is in time order again and halved.
        for step in 1...40 as ClosedRange<Int64> {
            window.append(RuleSample(atMs: 300 + step * 100, value: 1), trimmingBeforeMs: 301 + step * 100 - 1_000)
        }
        #expect(window.start < 16 && window.inTimeOrder)
        #expect(window.series(from: window.windowStart(afterMs: 3_850)).map(\.atMs) == [3_900, 4_000, 4_100, 4_200, 4_300])
    }

    @Test func readingsInTimeOrderWithSharedInstantsAreHalvedToTheScansStart() {
        // No late reading, so every start is found by halving; many readings share an instant
        // (a backlog delivered in one millisecond), where the first one after the horizon counts.
        var generator = SplitMix64(seed: 5)
        var atMs: Int64 = 0, samples: [RuleSample] = []
        for _ in 0..<2_000 {
            if Int.random(in: 0..<3, using: &generator) == 0 { atMs += Int64.random(in: 1...5_000, using: &generator) }
            samples.append(RuleSample(atMs: atMs, value: Double(Int.random(in: 0..<4, using: &generator))))
        }
        Self.compare(samples, keptMs: 60_000, windowsMs: [1, 999, 1_000, 20_000, 60_000])
        var window = SampleWindow(samples[0])
        for sample in samples.dropFirst() { window.append(sample, trimmingBeforeMs: sample.atMs - 60_000) }
        #expect(window.inTimeOrder)
    }

    @Test func trimmingMovesNothingUntilHalfTheStorageIsTrimmed() {
        var window = SampleWindow(RuleSample(atMs: 0, value: 0))
        var largestStorage = 0
        for step in 1...10_000 as ClosedRange<Int64> {
            window.append(RuleSample(atMs: step * 1_000, value: Double(step)), trimmingBeforeMs: step * 1_000 - 60_000)
            largestStorage = max(largestStorage, window.points.count)
            #expect(window.live.count == 61 || step < 60)
        }
        // A minute of samples kept, at most twice that stored between compactions.
        #expect(largestStorage <= 2 * 61 + 1)
        #expect(window.value(of: .increase, from: Int(window.start)) == 60)
        #expect(window.value(of: .rate, from: Int(window.start)) == 3_600)
    }
}
