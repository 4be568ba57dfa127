/// One windowed field's history for one device: samples in the order they arrived, with
/// running tallies so that `increase`, `rate`, `changes` and `count_true` over the window
/// cost the same whether it holds 3 readings or 3,000 (while readings arrive in time order: a
/// late one makes finding a window's start a scan until the next compaction). A chatty device
/// under a long window (a meter every second under a 35-minute `rate`) made the scan ~10 % of
/// the ingest thread (perf); the answers are the scan's own, bit for bit
/// (`RuleFunction.window`, which tests hold this against).
struct SampleWindow: Sendable {
    /// Running counts up to and including a sample, since the window began. They wrap
    /// (`&+`): only differences over a window are read, and a window never holds 2³¹.
    struct Tally: Sendable {
        /// Samples whose value differs from the one before it.
        var changes: Int32
        /// Samples whose value is not zero.
        var nonzero: Int32
    }

    /// A sample with its tallies: one array, so a window costs one allocation, not two.
    struct Point: Sendable {
        var sample: RuleSample
        var tally: Tally
    }

    /// Samples oldest first (arrival order); those before `start` are trimmed, kept until
    /// the next compaction so that a trim moves no memory.
    private(set) var points: [Point]
    /// Indices (ascending) of samples lower than the one before them: counter resets. Few,
    /// so `increase` adds up only these instead of every step.
    private var resetIndices: [Int32] = []
    private(set) var start: Int32 = 0
    /// Every sample at or after the one before it in time, so a window's start can be found
    /// by halving; a late reading turns this off until the next compaction.
    private(set) var inTimeOrder = true

    init(_ first: RuleSample) {
        points = [Point(sample: first, tally: Tally(changes: 0, nonzero: first.value != 0 ? 1 : 0))]
    }

    /// The samples not trimmed, oldest first.
    var live: LazyMapCollection<ArraySlice<Point>, RuleSample> { series(from: Int(start)) }

    /// The samples from index `first` on, as a window's series.
    func series(from first: Int) -> LazyMapCollection<ArraySlice<Point>, RuleSample> { points[first...].lazy.map(\.sample) }

    /// Adds the newest sample, then trims, as a track does on each reading, the samples
    /// from the oldest up to (not including) the first at or after `horizonMs`.
    mutating func append(_ sample: RuleSample, trimmingBeforeMs horizonMs: Int64) {
        let last = points[points.count - 1]
        var tally = last.tally
        if sample.value != last.sample.value { tally.changes &+= 1 }
        if sample.value != 0 { tally.nonzero &+= 1 }
        // A drop is a reset exactly when the scan's step (value - before) is negative.
        if !(sample.value - last.sample.value >= 0) { resetIndices.append(Int32(points.count)) }
        if sample.atMs < last.sample.atMs { inTimeOrder = false }
        points.append(Point(sample: sample, tally: tally))
        if points[Int(start)].sample.atMs < horizonMs, let cut = points[Int(start)...].firstIndex(where: { $0.sample.atMs >= horizonMs }) {
            start = Int32(cut)
            compactIfWorthIt()
        }
    }

    /// Drops the trimmed prefix once it is at least half the storage: each sample is moved
    /// at most once on average, where trimming in place moved the whole history per reading.
    private mutating func compactIfWorthIt() {
        guard start >= 16, Int(start) * 2 >= points.count else { return }
        points.removeFirst(Int(start))
        // A reset at the new first sample was a drop from a sample now gone: never read again.
        resetIndices = resetIndices.compactMap { $0 > start ? $0 - start : nil }
        start = 0
        inTimeOrder = zip(points, points.dropFirst()).allSatisfy { $0.sample.atMs <= $1.sample.atMs }
    }

    /// The index of the window's oldest sample: the first (in arrival order) received after
    /// `horizonMs`, as `firstIndex` would find it; `samples.count` when there is none.
    func windowStart(afterMs horizonMs: Int64) -> Int {
        guard inTimeOrder else { return points[Int(start)...].firstIndex { $0.sample.atMs > horizonMs } ?? points.count }
        var low = Int(start), high = points.count
        while low < high {
            let middle = (low + high) / 2
            if points[middle].sample.atMs > horizonMs { high = middle } else { low = middle + 1 }
        }
        return low
    }

    /// `RuleFunction.window(function, samples[first...])`, without the scan.
    func value(of function: RuleFunction, from first: Int) -> Double? {
        let last = points.count - 1
        guard last - first >= 1 else { return nil }
        switch function {
        case .increase: return increase(from: first, to: last)
        case .rate:
            let hours = Double(points[last].sample.atMs - points[first].sample.atMs) / 3_600_000
            guard hours > 0 else { return nil }
            return increase(from: first, to: last) / hours
        case .changes: return Double(points[last].tally.changes &- points[first].tally.changes)
        case .countTrue:
            let before = points[first].tally.nonzero &- (points[first].sample.value != 0 ? 1 : 0)
            return Double(points[last].tally.nonzero &- before)
        case .delta, .abs, .min, .max, .isTrue, .isFalse: return nil
        }
    }

    /// `RuleFunction.increase` over first...last: the same terms added in the same order.
    private func increase(from first: Int, to last: Int) -> Double {
        var total = points[last].sample.value - points[first].sample.value
        // Resets after the window's first sample (its own drop, if any, is from a sample outside).
        var index = Self.firstIndex(in: resetIndices, above: first)
        while index < resetIndices.count {
            total += points[Int(resetIndices[index]) - 1].sample.value
            index += 1
        }
        return total
    }

    private static func firstIndex(in indices: [Int32], above index: Int) -> Int {
        var low = 0, high = indices.count
        while low < high {
            let middle = (low + high) / 2
            if Int(indices[middle]) > index { high = middle } else { low = middle + 1 }
        }
        return low
    }
}

extension SampleWindow: Equatable {
    /// Alike when they hold the same samples untrimmed: every answer depends on those alone.
    static func == (lhs: SampleWindow, rhs: SampleWindow) -> Bool { lhs.live.elementsEqual(rhs.live) }
}
