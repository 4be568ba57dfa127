/// The functions an expression can call, with what they accept (for the checker) and how the
/// window functions compute (pure, so they are tested without a context).
public enum RuleFunction: String, Sendable, Hashable, CaseIterable {
    /// `delta(field)`: current value minus the previous reading's.
    case delta
    /// `rate(field, window)`: reset-aware increase per hour between the window's first and last reading.
    case rate
    /// `increase(field, window)`: reset-aware increase over the window's readings.
    case increase
    /// `changes(field, window)`: how many times the value changed from one reading to the next.
    case changes
    /// `count_true(field, window)`: readings in the window where the bool field was true.
    case countTrue = "count_true"
    case abs, min, max
    /// `is_true(c)` / `is_false(c)`: whether a condition is *known* true (false); never unknown,
    /// so `alarm and not is_true(test)` still fires for a detector that omits `test`.
    case isTrue = "is_true"
    case isFalse = "is_false"

    /// What the parameters are, for the arity message ("rate takes 2 arguments (field, window)").
    public var parameters: [String] {
        switch self {
        case .delta: ["field"]
        case .rate, .increase, .changes, .countTrue: ["field", "window"]
        case .abs: ["x"]
        case .min, .max: ["a", "b"]
        case .isTrue, .isFalse: ["condition"]
        }
    }

    /// Functions whose first argument names a field (they read its history, not its value).
    public var takesField: Bool {
        switch self {
        case .delta, .rate, .increase, .changes, .countTrue: true
        case .abs, .min, .max, .isTrue, .isFalse: false
        }
    }

    /// Functions over a window of readings.
    public var isWindowed: Bool { takesField && self != .delta }

    /// The field types the function accepts, and how to say so when the field is another.
    func accepts(_ type: RuleType) -> Bool {
        switch self {
        case .delta, .rate, .increase: type == .number
        case .changes: type == .number || type == .bool || (type.isText && type != .string)
        case .countTrue: type == .bool
        case .abs, .min, .max: type.isNumeric
        case .isTrue, .isFalse: type == .bool
        }
    }

    var expectedFieldKind: String {
        switch self {
        case .delta, .rate, .increase: "a numeric field"
        case .changes: "a number, bool or enum field"
        case .countTrue: "a bool field"
        case .abs, .min, .max: "a number or duration"
        case .isTrue, .isFalse: "a condition"
        }
    }

    /// The result of a window function over `samples` (oldest first); nil (unknown) when
    /// the window holds fewer than two readings, since one point shows no change.
    @inlinable
    public static func window<Samples: Collection>(_ function: RuleFunction, _ samples: Samples) -> Double?
    where Samples.Element == RuleSample {
        switch function {
        case .rate: rate(samples)
        case .increase: increase(samples)
        case .changes: changes(samples)
        case .countTrue: countTrue(samples)
        case .delta, .abs, .min, .max, .isTrue, .isFalse: nil
        }
    }

    /// Increase as Prometheus counts it: a drop is a counter reset (a meter replaced, the
    /// step counter at midnight), so the value after the drop is what was added since. Added
    /// up as Prometheus does, the last value less the first plus the value before each drop
    /// in turn (the same sum as each step's rise, rounded once per reset instead of once per
    /// reading), so a track's running tallies (`SampleWindow`) reach the same bits without
    /// visiting every reading. As Prometheus's, it takes its precision from the values: past
    /// 2⁵³ (a counter of 1e17) last less first loses the units a step sum kept, and an infinite
    /// value (JSON's 1e999) makes it NaN, hence unknown to the rule.
    @inlinable
    public static func increase<Samples: Collection>(_ samples: Samples) -> Double? where Samples.Element == RuleSample {
        guard samples.count >= 2, let first = samples.first else { return nil }
        var last = first.value
        for sample in samples { last = sample.value }
        var total = last - first.value
        var before = first.value
        for sample in samples.dropFirst() {
            // A reset exactly where the step `value - before` is not a rise or zero.
            if !(sample.value - before >= 0) { total += before }
            before = sample.value
        }
        return total
    }

    /// Increase per hour between the first and the last reading of the window (not per
    /// window length: readings rarely sit on the window's edges, and extrapolating guesses).
    @inlinable
    public static func rate<Samples: Collection>(_ samples: Samples) -> Double? where Samples.Element == RuleSample {
        guard let total = increase(samples), let first = samples.first else { return nil }
        var lastAt = first.atMs
        for sample in samples { lastAt = sample.atMs }
        let hours = Double(lastAt - first.atMs) / 3_600_000
        guard hours > 0 else { return nil }
        return total / hours
    }

    @inlinable
    public static func changes<Samples: Collection>(_ samples: Samples) -> Double? where Samples.Element == RuleSample {
        guard samples.count >= 2 else { return nil }
        var count = 0
        var previous: Double?
        for sample in samples {
            if let before = previous, before != sample.value { count += 1 }
            previous = sample.value
        }
        return Double(count)
    }

    @inlinable
    public static func countTrue<Samples: Collection>(_ samples: Samples) -> Double? where Samples.Element == RuleSample {
        guard samples.count >= 2 else { return nil }
        var count = 0
        for sample in samples where sample.value != 0 { count += 1 }
        return Double(count)
    }
}
