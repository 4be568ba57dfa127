/// One battery reading of a device: when (device time) and the level it reported.
public struct BatterySample: Sendable, Hashable {
    public var atMs: Int64
    public var percent: Double

    public init(atMs: Int64, percent: Double) {
        self.atMs = atMs
        self.percent = percent
    }
}

/// What the forecast and the replacement tally assume about batteries; the gateway fills it
/// from `maintenance:` in the configuration.
public struct BatterySettings: Sendable, Hashable {
    /// The level at which a device is taken to fail: the forecast's run-out and the tally's
    /// "before failure" are measured against it.
    public var failurePercent: Double = 5
    /// A rise of at least this many points, held by the readings after it, is a new or
    /// recharged battery; smaller rises are noise (a cold battery reads low, then recovers).
    public var replacementRisePercent: Double = 15
    /// Readings after the rise that must stay up for it to count (fewer when fewer exist).
    public var replacementConfirmations = 2
    /// A forecast needs at least this many readings since the last replacement...
    public var minimumSamples = 6
    /// ...spread over at least this long: a day's readings say little about a year's drain.
    public var minimumSpanMs: Int64 = 3 * 86_400_000
    /// A drain slower than this (points per day) is a flat battery: no run-out is forecast.
    public var flatDrainPerDay = 0.05
    /// The fit thins longer histories to this many points (medians of equal time slices), so
    /// the pairwise slopes stay cheap for a fleet every hour.
    public var maximumFitPoints = 200

    public init() {}
}
