/// Battery replacements in a period and how many came before failure: the measure behind the
/// indicator "share of battery replacements made before failure".
public struct ReplacementTally: Sendable, Hashable {
    public var replacements: Int
    public var beforeFailure: Int

    public init(replacements: Int = 0, beforeFailure: Int = 0) {
        self.replacements = replacements
        self.beforeFailure = beforeFailure
    }

    /// The share made before failure, 0...1; nil when nothing was replaced.
    public var share: Double? { replacements > 0 ? Double(beforeFailure) / Double(replacements) : nil }

    /// One device's replacements whose new battery first reported in `[fromMs, toMs)`.
    /// `history` should reach back before `fromMs` (a day or more) so the level before a
    /// replacement early in the period is known.
    public init(history: [BatterySample], fromMs: Int64, toMs: Int64, heartbeatMs: Int64, settings: BatterySettings) {
        let inPeriod = BatteryReplacement.detect(in: history.sorted { $0.atMs < $1.atMs }, settings: settings)
            .filter { $0.atMs >= fromMs && $0.atMs < toMs }
        self.init(replacements: inPeriod.count, beforeFailure: inPeriod.filter { $0.wasBeforeFailure(heartbeatMs: heartbeatMs, settings: settings) }.count)
    }

    /// Two tallies together (devices of a community, communities of a city).
    public static func + (lhs: ReplacementTally, rhs: ReplacementTally) -> ReplacementTally {
        ReplacementTally(replacements: lhs.replacements + rhs.replacements, beforeFailure: lhs.beforeFailure + rhs.beforeFailure)
    }
}
