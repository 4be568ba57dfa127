import Devices

/// The evaluation context over one device's track: the current reading's fields, the
/// device's resolved attributes, the previous reading and the windowed histories.
///
/// A class: every condition's evaluator holds the context by value, so as a struct each
/// evaluation copied the whole track (a retain of each of its tables) and released it through
/// the generic evaluator's value witness (perf: the largest self cost under `readingArrived`).
/// A reference costs one retain; the track inside is an immutable copy.
final class TrackContext: RuleContext, Sendable {
    let track: DeviceTrack
    let nowMs: Int64

    init(track: DeviceTrack, nowMs: Int64) {
        self.track = track
        self.nowMs = nowMs
    }

    func value(field: RuleField) -> RuleValue { RuleValue(track.currentValue(field.name)) }

    func attribute(_ attribute: RuleAttribute) -> RuleValue {
        switch track.attributes[attribute.name] {
        case let .number(value)?, let .duration(value)?: .number(value)
        case let .string(value)?: .string(value)
        case let .bool(value)?: .bool(value)
        case nil: .unknown
        }
    }

    func previous(field: RuleField) -> RuleValue { RuleValue(track.previous[field.name]) }

    func series(field: RuleField, windowSeconds: Double) -> LazyMapCollection<ArraySlice<SampleWindow.Point>, RuleSample> {
        guard let window = track.series[field.name] else { return ArraySlice().lazy.map(\.sample) }
        return window.series(from: window.windowStart(afterMs: horizon(windowSeconds)))
    }

    func windowValue(_ function: RuleFunction, field: RuleField, windowSeconds: Double) -> Double? {
        guard let window = track.series[field.name] else { return nil }
        return window.value(of: function, from: window.windowStart(afterMs: horizon(windowSeconds)))
    }

    /// The window holds samples received after this: (now - window, now].
    private func horizon(_ windowSeconds: Double) -> Int64 { nowMs - Int64(windowSeconds * 1000) }
}
