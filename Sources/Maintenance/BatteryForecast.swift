/// When a device's battery will reach the failure level, from its readings since the last
/// replacement: a Theil–Sen line (the median of the pairwise slopes), which a few wild readings
/// cannot tilt, and no forecast at all when the readings are too few or too close together.
public struct BatteryForecast: Sendable, Hashable {
    /// What the readings allow.
    public enum State: String, Sendable, Hashable, CaseIterable {
        /// A draining battery with a run-out time.
        case forecast
        /// Flat or rising (mains backup, a charger): nothing to forecast.
        case noRunOut = "no_run_out"
        /// Too few readings, or too short a span, since the last replacement.
        case notEnoughData = "not_enough_data"
    }

    public var state: State
    public var computedAtMs: Int64
    /// Readings since the last replacement that the forecast used.
    public var samples: Int
    /// The fitted level at `computedAtMs`.
    public var levelPercent: Double?
    /// Points lost per day (positive while draining).
    public var drainPerDay: Double?
    /// When the fitted line reaches `failurePercent` (in the past when it already has).
    public var runOutAtMs: Int64?
    /// The last replacement's first reading, when the history shows one.
    public var replacedAtMs: Int64?
    public var failurePercent: Double

    public init(state: State, computedAtMs: Int64, samples: Int, levelPercent: Double? = nil, drainPerDay: Double? = nil,
                runOutAtMs: Int64? = nil, replacedAtMs: Int64? = nil, failurePercent: Double) {
        self.state = state
        self.computedAtMs = computedAtMs
        self.samples = samples
        self.levelPercent = levelPercent
        self.drainPerDay = drainPerDay
        self.runOutAtMs = runOutAtMs
        self.replacedAtMs = replacedAtMs
        self.failurePercent = failurePercent
    }

    static let dayMs = 86_400_000.0

    /// The forecast at `nowMs` from `history` (any order; readings after `nowMs` are ignored).
    public init(history: [BatterySample], nowMs: Int64, settings: BatterySettings) {
        let known = history.filter { $0.atMs <= nowMs }.sorted { $0.atMs < $1.atMs }
        let last = BatteryReplacement.detect(in: known, settings: settings).last
        let current = Array(known[(last?.peakIndex ?? 0)...])
        self.init(state: .notEnoughData, computedAtMs: nowMs, samples: current.count, replacedAtMs: last?.atMs, failurePercent: settings.failurePercent)
        guard let first = current.first, let newest = current.last, current.count >= settings.minimumSamples,
              newest.atMs - first.atMs >= settings.minimumSpanMs else { return }
        let points = Self.thinned(current, to: settings.maximumFitPoints)
        let origin = first.atMs
        let slopePerMs = Self.medianSlope(points)
        let intercept = median(points.map { $0.percent - slopePerMs * Double($0.atMs - origin) })
        levelPercent = min(100, max(0, intercept + slopePerMs * Double(nowMs - origin)))
        let drain = -slopePerMs * Self.dayMs
        drainPerDay = drain
        guard drain >= settings.flatDrainPerDay else {
            state = .noRunOut
            return
        }
        state = .forecast
        runOutAtMs = origin + Int64(((settings.failurePercent - intercept) / slopePerMs).rounded())
    }

    /// Due for a ticket: a run-out at most `leadMs` after `nowMs` (or already past).
    public func isDue(nowMs: Int64, leadMs: Int64) -> Bool {
        guard state == .forecast, let runOutAtMs else { return false }
        return nowMs >= runOutAtMs - leadMs
    }

    /// The median of the slopes between every pair of readings at different times.
    static func medianSlope(_ points: [BatterySample]) -> Double {
        var slopes: [Double] = []
        slopes.reserveCapacity(points.count * (points.count - 1) / 2)
        for i in points.indices {
            for j in (i + 1)..<points.count where points[j].atMs != points[i].atMs {
                slopes.append((points[j].percent - points[i].percent) / Double(points[j].atMs - points[i].atMs))
            }
        }
        return median(slopes)
    }

    /// At most `limit` points: the median time and level of each of `limit` equal time slices.
    static func thinned(_ samples: [BatterySample], to limit: Int) -> [BatterySample] {
        guard samples.count > limit, limit > 0, let first = samples.first, let last = samples.last else { return samples }
        let width = Double(last.atMs - first.atMs + 1) / Double(limit)
        var slices: [[BatterySample]] = Array(repeating: [], count: limit)
        for sample in samples { slices[min(limit - 1, Int(Double(sample.atMs - first.atMs) / width))].append(sample) }
        return slices.filter { !$0.isEmpty }.map { slice in
            BatterySample(atMs: slice[slice.count / 2].atMs, percent: median(slice.map(\.percent)))
        }
    }
}
