import Devices

/// What the engine remembers of one device: its latest and previous reading, short numeric
/// histories of the fields some rule windows over, and when it was last heard from.
struct DeviceTrack: Sendable {
    var device: Device
    var reportingInterval: Double
    var attributes: [String: RuleSet.AttributeValue]
    var current: [String: JSONValue] = [:]
    /// Per field, its value in the latest earlier reading that carried it (for `delta`): a
    /// heartbeat without `total_m3` must not hide the jump in the next reading.
    var previous: [String: JSONValue] = [:]
    /// Per field, the latest value seen (the next reading's `previous`).
    var latest: [String: JSONValue] = [:]
    var currentAtMs: Int64?
    var lastSeenMs: Int64?
    /// Per windowed field, samples oldest first; trimmed to `windowSeconds[field]`.
    var series: [String: [RuleSample]] = [:]
    var windowSeconds: [String: Double]

    init(device: Device, reportingInterval: Double, attributes: [String: RuleSet.AttributeValue], windowSeconds: [String: Double]) {
        self.device = device
        self.reportingInterval = reportingInterval
        self.attributes = attributes
        self.windowSeconds = windowSeconds
    }

    mutating func record(_ reading: RuleReading) {
        previous = latest
        latest.merge(reading.values) { _, new in new }
        current = reading.values
        currentAtMs = reading.atMs
        lastSeenMs = max(lastSeenMs ?? reading.atMs, reading.atMs)
        for (field, window) in windowSeconds {
            guard let value = reading.values[field], let number = Self.number(value) else { continue }
            series[field, default: []].append(RuleSample(atMs: reading.atMs, value: number))
            let horizon = reading.atMs - Int64(window * 1000)
            if let first = series[field]?.first, first.atMs < horizon,
               let cut = series[field]?.firstIndex(where: { $0.atMs >= horizon }) {
                series[field]?.removeFirst(cut)
            }
        }
    }

    static func number(_ value: JSONValue) -> Double? {
        switch value {
        case let .int(number): Double(number)
        case let .double(number): number
        case let .bool(flag): flag ? 1 : 0
        // Enum values only need a stable code: `changes` compares them for equality.
        case let .string(text): Double(text.utf8.reduce(UInt32(2_166_136_261)) { ($0 ^ UInt32($1)) &* 16_777_619 })
        default: nil
        }
    }
}
