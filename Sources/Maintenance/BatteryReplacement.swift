/// A battery put in or recharged: a rise of at least `replacementRisePercent` over the level
/// before it that the following readings hold. A single high reading that falls back is noise.
public struct BatteryReplacement: Sendable, Hashable {
    /// The first reading of the new battery.
    public var atMs: Int64
    public var percent: Double
    /// The old battery's last reading.
    public var lastBeforeAtMs: Int64
    public var lastBeforePercent: Double
    /// Where the new battery's drain starts in the history: the top of the rise (a charger's
    /// ramp climbs over several readings).
    var peakIndex: Int

    /// Made before failure: the old battery still read above the failure level, and the device
    /// was not silent for longer than its heartbeat before the new battery spoke. A battery that
    /// ran flat shows as a level at or below the failure level or as a gap in the readings.
    public func wasBeforeFailure(heartbeatMs: Int64, settings: BatterySettings) -> Bool {
        lastBeforePercent > settings.failurePercent && atMs - lastBeforeAtMs <= heartbeatMs
    }

    /// Every replacement in `history` (oldest first), oldest first.
    public static func detect(in history: [BatterySample], settings: BatterySettings) -> [BatteryReplacement] {
        var found: [BatteryReplacement] = []
        var segmentStart = 0
        var index = 1
        while index < history.count {
            // The level before: the median of up to three readings of the current battery, so a
            // single low reading just before does not make an ordinary one look like a rise.
            let baseline = median(history[max(segmentStart, index - 3)..<index].map(\.percent))
            guard history[index].percent - baseline >= settings.replacementRisePercent,
                  isHeld(history, from: index, above: baseline + settings.replacementRisePercent, settings: settings) else {
                index += 1
                continue
            }
            var peak = index
            while peak + 1 < history.count, history[peak + 1].percent > history[peak].percent { peak += 1 }
            let before = history[index - 1]
            found.append(BatteryReplacement(atMs: history[index].atMs, percent: history[index].percent, lastBeforeAtMs: before.atMs,
                                            lastBeforePercent: before.percent, peakIndex: peak))
            segmentStart = peak
            index = peak + 1
        }
        return found
    }

    /// Whether the readings after `index` stay at `level` or above: all the confirmations the
    /// settings ask for, or as many as there are, but at least one.
    private static func isHeld(_ history: [BatterySample], from index: Int, above level: Double, settings: BatterySettings) -> Bool {
        let after = history[(index + 1)..<min(history.count, index + 1 + settings.replacementConfirmations)]
        return !after.isEmpty && after.allSatisfy { $0.percent >= level }
    }
}

/// The middle value (the mean of the two middle ones for an even count); 0 for none.
func median(_ values: [Double]) -> Double {
    guard !values.isEmpty else { return 0 }
    let sorted = values.sorted()
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}
