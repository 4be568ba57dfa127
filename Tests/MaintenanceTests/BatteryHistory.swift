import Maintenance

/// Simulated battery histories for the tests: a steady drain with reading noise, plus whatever
/// a test adds (outliers, a replacement, a daily charger). Deterministic (a fixed-seed LCG).
struct BatteryHistory {
    static let hourMs: Int64 = 3_600_000
    static let dayMs: Int64 = 86_400_000
    /// 2026-11-01T00:00:00Z.
    static let startMs: Int64 = 1_793_491_200_000

    var state: UInt64 = 0x9E37_79B9_7F4A_7C15

    /// A value in -1...1.
    mutating func noise() -> Double {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Double(state >> 11) / Double(1 << 53) * 2 - 1
    }

    /// Hourly readings for `days` days from `fromMs`, starting at `startPercent` and losing
    /// `drainPerDay` points a day, each off by up to `noisePercent`, reported as whole percent.
    mutating func draining(fromMs: Int64 = startMs, days: Int, startPercent: Double, drainPerDay: Double,
                           noisePercent: Double = 2, everyMs: Int64 = hourMs) -> [BatterySample] {
        let count = Int(Int64(days) * Self.dayMs / everyMs)
        return (0..<count).map { i in
            let level = startPercent - drainPerDay * Double(Int64(i) * everyMs) / Double(Self.dayMs) + noise() * noisePercent
            return BatterySample(atMs: fromMs + Int64(i) * everyMs, percent: min(100, max(0, level.rounded())))
        }
    }
}
