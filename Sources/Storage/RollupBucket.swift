/// One roll-up bucket: a device's field over `widthSeconds` from `bucketStartMs` (device time).
public struct RollupBucket: Sendable, Hashable {
    public var deviceID: String
    public var field: String
    public var widthSeconds: Int64
    public var bucketStartMs: Int64
    public var count: Int
    public var sum: Double
    public var min: Double
    public var max: Double
    /// The value with the newest device time in the bucket (the later reading on a tie).
    public var last: Double
    public var lastMs: Int64

    public var average: Double { count > 0 ? sum / Double(count) : 0 }

    public init(deviceID: String, field: String, widthSeconds: Int64, bucketStartMs: Int64, count: Int, sum: Double,
                min: Double, max: Double, last: Double, lastMs: Int64) {
        self.deviceID = deviceID
        self.field = field
        self.widthSeconds = widthSeconds
        self.bucketStartMs = bucketStartMs
        self.count = count
        self.sum = sum
        self.min = min
        self.max = max
        self.last = last
        self.lastMs = lastMs
    }

    /// Folds in one value; readings arrive in id order, so on equal times the later one wins.
    public mutating func add(_ value: Double, atMs: Int64) {
        count += 1
        sum += value
        min = Swift.min(min, value)
        max = Swift.max(max, value)
        if atMs >= lastMs {
            last = value
            lastMs = atMs
        }
    }
}

/// One bucket of a device's series, without the names: what the maintenance round reads for
/// the whole fleet at once, so it is kept small.
public struct RollupPoint: Sendable, Hashable {
    public var bucketStartMs: Int64
    /// The newest reading's device time and value.
    public var lastMs: Int64
    public var last: Double
    public var max: Double

    public init(bucketStartMs: Int64, lastMs: Int64, last: Double, max: Double) {
        self.bucketStartMs = bucketStartMs
        self.lastMs = lastMs
        self.last = last
        self.max = max
    }
}
