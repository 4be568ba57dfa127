/// A simple evaluation context over dictionaries, for tests, `rules test` fixtures and
/// examples. It looks names up by hashing, which is fine there; the engine's own context
/// should answer by slot from arrays it keeps per device.
///
/// Feed it readings with `receive(_:atMs:)`: it keeps the current and previous values and
/// a history per field for the window functions, the way the engine will.
public struct InMemoryRuleContext: RuleContext, Sendable {
    /// The current reading's fields. A field not in here is unknown.
    public var values: [String: RuleValue]
    /// The previous reading's fields (for `delta`).
    public var previousValues: [String: RuleValue]
    /// Attributes as they apply to the device; durations in seconds.
    public var attributes: [String: RuleValue]
    /// Per field, readings oldest first.
    public var history: [String: [RuleSample]]
    /// Fields the caller considers stale: read as unknown whatever their value.
    public var stale: Set<String>
    /// The time windows end at (the current reading's reception time), epoch ms.
    public var nowMs: Int64
    /// Stable codes for string values in the history (enum values only need equality).
    private var textCodes: [String: Double] = [:]
    /// Each field's value in the latest reading that carried it.
    private var lastKnown: [String: RuleValue] = [:]

    public init(values: [String: RuleValue] = [:], previousValues: [String: RuleValue] = [:],
                attributes: [String: RuleValue] = [:], history: [String: [RuleSample]] = [:],
                stale: Set<String> = [], nowMs: Int64 = 0) {
        self.values = values
        self.previousValues = previousValues
        self.attributes = attributes
        self.history = history
        self.stale = stale
        self.nowMs = nowMs
    }

    /// Takes a new reading: for each field it carries, the value it had in the latest
    /// earlier reading that carried it becomes the previous value (so a heartbeat without
    /// the field does not hide a jump), and every known value is appended to its history.
    public mutating func receive(_ reading: [String: RuleValue], atMs: Int64) {
        for (name, value) in reading where !value.isUnknown {
            previousValues[name] = lastKnown[name] ?? .unknown
            lastKnown[name] = value
        }
        values = reading
        nowMs = atMs
        for (name, value) in reading.sorted(by: { $0.key < $1.key }) {
            let sample: Double
            if let number = value.sampleValue {
                sample = number
            } else if case let .string(text) = value {
                if let code = textCodes[text] {
                    sample = code
                } else {
                    sample = Double(textCodes.count)
                    textCodes[text] = sample
                }
            } else {
                continue
            }
            history[name, default: []].append(RuleSample(atMs: atMs, value: sample))
        }
    }

    public func value(field: RuleField) -> RuleValue {
        if stale.contains(field.name) { return .unknown }
        return values[field.name] ?? .unknown
    }

    public func attribute(_ attribute: RuleAttribute) -> RuleValue {
        attributes[attribute.name] ?? .unknown
    }

    public func previous(field: RuleField) -> RuleValue {
        previousValues[field.name] ?? .unknown
    }

    /// The samples with times in (now - window, now], found by binary search.
    public func series(field: RuleField, windowSeconds: Double) -> ArraySlice<RuleSample> {
        guard let samples = history[field.name] else { return [] }
        let startMs = nowMs - Int64((windowSeconds * 1000).rounded())
        let lower = Self.firstIndex(in: samples) { $0.atMs > startMs }
        let upper = Self.firstIndex(in: samples) { $0.atMs > nowMs }
        return samples[lower..<max(lower, upper)]
    }

    /// The first index whose sample satisfies `isAfter`, given that the predicate is false
    /// then true along the (time-ordered) array.
    private static func firstIndex(in samples: [RuleSample], where isAfter: (RuleSample) -> Bool) -> Int {
        var low = 0, high = samples.count
        while low < high {
            let middle = (low + high) / 2
            if isAfter(samples[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }
}
