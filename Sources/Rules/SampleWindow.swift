/// One windowed field's history for one device: samples in the order they arrived, with
/// running tallies so that `increase`, `rate`, `changes` and `count_true` over the window
/// cost the same whether it holds 3 readings or 3,000. A chatty device under a long window
/// (a meter every second under a 35-minute `rate`) made the scan ~10 % of the ingest thread
/// (perf); the answers are the scan's own, bit for bit (`RuleFunction.window`, which tests
/// hold this against).
struct SampleWindow: Sendable {
    /// Running counts up to and including a sample, since the window began. They wrap
    /// (`&+`): only differences over a window are read, and a window never holds 2³¹.
    struct Tally: Sendable {
        /// Samples whose value differs from the one before it.
        var changes: Int32
        /// Samples whose value is not zero.
        var nonzero: Int32
    }

    /// Samples oldest first (arrival order); those before `start` are trimmed, kept until
    /// the next compaction so that a trim moves no memory.
    private(set) var samples: [RuleSample] = []
    private var tallies: [Tally] = []
    private(set) var start = 0
    /// How many samples compactions have removed: position p of the window's whole life is
    /// index p - dropped of `samples`.
    private var dropped = 0
    /// Positions (ascending) of samples lower than the one before them: counter resets.
    /// Few, so `increase` adds up only these instead of every step.
    private var resetPositions: [Int] = []
    /// Every sample at or after the one before it in time, so a window's start can be found
    /// by halving; a late reading turns this off until the next compaction.
    private var inTimeOrder = true

    init(_ first: RuleSample) {
        samples = [first]
        tallies = [Tally(changes: 0, nonzero: first.value != 0 ? 1 : 0)]
    }

    /// The samples not trimmed, oldest first.
    var live: ArraySlice<RuleSample> { samples[start...] }

    /// Adds the newest sample, then trims, as a track does on each reading, the samples
    /// from the oldest up to (not including) the first at or after `horizonMs`.
    mutating func append(_ sample: RuleSample, trimmingBeforeMs horizonMs: Int64) {
        let last = samples[samples.count - 1]
        var tally = tallies[tallies.count - 1]
        if sample.value != last.value { tally.changes &+= 1 }
        if sample.value != 0 { tally.nonzero &+= 1 }
        // A drop is a reset exactly when the scan's step (value - before) is negative.
        if !(sample.value - last.value >= 0) { resetPositions.append(dropped + samples.count) }
        if sample.atMs < last.atMs { inTimeOrder = false }
        samples.append(sample)
        tallies.append(tally)
        if samples[start].atMs < horizonMs, let cut = samples[start...].firstIndex(where: { $0.atMs >= horizonMs }) {
            start = cut
            compactIfWorthIt()
        }
    }

    /// Drops the trimmed prefix once it is at least half the storage: each sample is moved
    /// at most once on average, where trimming in place moved the whole history per reading.
    private mutating func compactIfWorthIt() {
        guard start >= 16, start * 2 >= samples.count else { return }
        samples.removeFirst(start)
        tallies.removeFirst(start)
        dropped += start
        start = 0
        resetPositions.removeFirst(resetPositions.prefix { $0 <= dropped }.count)
        inTimeOrder = zip(samples, samples.dropFirst()).allSatisfy { $0.atMs <= $1.atMs }
    }

    /// The index of the window's oldest sample: the first (in arrival order) received after
    /// `horizonMs`, as `firstIndex` would find it; `samples.count` when there is none.
    func windowStart(afterMs horizonMs: Int64) -> Int {
        guard inTimeOrder else { return samples[start...].firstIndex { $0.atMs > horizonMs } ?? samples.count }
        var low = start, high = samples.count
        while low < high {
            let middle = (low + high) / 2
            if samples[middle].atMs > horizonMs { high = middle } else { low = middle + 1 }
        }
        return low
    }

    /// `RuleFunction.window(function, samples[first...])`, without the scan.
    func value(of function: RuleFunction, from first: Int) -> Double? {
        let last = samples.count - 1
        guard last - first >= 1 else { return nil }
        switch function {
        case .increase: return increase(from: first, to: last)
        case .rate:
            let hours = Double(samples[last].atMs - samples[first].atMs) / 3_600_000
            guard hours > 0 else { return nil }
            return increase(from: first, to: last) / hours
        case .changes: return Double(tallies[last].changes &- tallies[first].changes)
        case .countTrue:
            let before = tallies[first].nonzero &- (samples[first].value != 0 ? 1 : 0)
            return Double(tallies[last].nonzero &- before)
        case .delta, .abs, .min, .max, .isTrue, .isFalse: return nil
        }
    }

    /// `RuleFunction.increase` over first...last: the same terms added in the same order.
    private func increase(from first: Int, to last: Int) -> Double {
        var total = samples[last].value - samples[first].value
        // Resets after the window's first sample (its own drop, if any, is from a sample outside).
        var index = Self.firstIndex(in: resetPositions, above: dropped + first)
        while index < resetPositions.count {
            total += samples[resetPositions[index] - dropped - 1].value
            index += 1
        }
        return total
    }

    private static func firstIndex(in positions: [Int], above position: Int) -> Int {
        var low = 0, high = positions.count
        while low < high {
            let middle = (low + high) / 2
            if positions[middle] > position { high = middle } else { low = middle + 1 }
        }
        return low
    }
}

extension SampleWindow: Equatable {
    /// Alike when they hold the same samples untrimmed: every answer depends on those alone.
    static func == (lhs: SampleWindow, rhs: SampleWindow) -> Bool { lhs.live == rhs.live }
}
