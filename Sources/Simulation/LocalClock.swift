import Formats
import Foundation

/// Local wall-clock time at one instant: which local day it is and the hour of that day.
struct LocalTime: Sendable {
    /// Days since 1970-01-01 in local time; changes at local midnight.
    var day: Int64
    /// Hour of the local day with fraction, in [0, 24).
    var hour: Double
    /// The zone's UTC offset at this instant.
    var offsetSeconds: Int
}

/// Converts simulated instants to local time in the simulator's zone, cheaply.
///
/// Residents live by the local clock (breakfast, commuting, sleep), so every message needs
/// the local hour. `TimeZone.secondsFromGMT(for:)` goes through ICU and costs about a
/// microsecond, which would dominate generation; the offset only changes at DST transitions,
/// so it is looked up once per 15-minute block (transitions fall on quarter hours), or once
/// and for all in zones with no transition ahead, such as Asia/Shanghai.
struct LocalClock: Sendable {
    let timeZone: TimeZone
    private let fixedOffset: Int?
    private var cachedBlock: Int64 = .min
    private var cachedOffset = 0
    private static let blockMs: Int64 = 15 * 60_000

    init(timeZone: TimeZone, startMs: Int64) {
        self.timeZone = timeZone
        let start = Date(timeIntervalSince1970: Double(startMs) / 1000)
        if timeZone.nextDaylightSavingTimeTransition(after: start) == nil {
            fixedOffset = timeZone.secondsFromGMT(for: start)
        } else {
            fixedOffset = nil
        }
    }

    /// The zone's UTC offset in seconds at the instant.
    @inline(__always)
    mutating func offsetSeconds(atMs ms: Int64) -> Int {
        if let fixedOffset { return fixedOffset }
        let block = CaptureTime.floorDiv(ms, Self.blockMs)
        if block != cachedBlock {
            cachedBlock = block
            let date = Date(timeIntervalSince1970: Double(block * Self.blockMs) / 1000)
            cachedOffset = timeZone.secondsFromGMT(for: date)
        }
        return cachedOffset
    }

    /// Local day and hour at the instant.
    @inline(__always)
    mutating func local(atMs ms: Int64) -> LocalTime {
        let offset = offsetSeconds(atMs: ms)
        let localMs = ms + Int64(offset) * 1000
        let day = CaptureTime.floorDiv(localMs, 86_400_000)
        let msOfDay = localMs - day * 86_400_000
        return LocalTime(day: day, hour: Double(msOfDay) / 3_600_000, offsetSeconds: offset)
    }
}

/// A quantity that follows the local clock: 24 hourly values, linearly interpolated.
///
/// The shapes below are the household rhythm of a Chinese residential community: early
/// risers, a breakfast and commuting peak at 6–9, lunch at home for the retired, an evening
/// peak at 18–22, and quiet nights. They are relative levels, not measurements.
struct DailyProfile: Sendable {
    private let values: [Double]

    init(_ values: [Double]) {
        precondition(values.count == 24, "a daily profile needs one value per hour")
        self.values = values
    }

    /// The level at a local hour in [0, 24).
    @inline(__always)
    func at(_ hour: Double) -> Double {
        let h = Int(hour) % 24
        let fraction = hour - Double(Int(hour))
        let a = values[h]
        let b = values[(h + 1) % 24]
        return a + (b - a) * fraction
    }

    /// The largest level, for thinning a time-varying random process.
    var peak: Double {
        values.max() ?? 0
    }

    /// The values scaled so that their hourly mean is 1 (a share of a daily total).
    func normalized() -> DailyProfile {
        let mean = values.reduce(0, +) / 24
        return DailyProfile(values.map { mean > 0 ? $0 / mean : 0 })
    }

    /// Household water use; the mean over the day is 1, so `daily × at(h) / 24` is the hour's share.
    static let water = DailyProfile([
        0.10, 0.06, 0.05, 0.05, 0.08, 0.30,  // 00–05: a few night-time flushes
        1.40, 2.60, 2.20, 1.10, 0.80, 0.90,  // 06–11: showers, breakfast, laundry
        1.30, 0.80, 0.60, 0.60, 0.70, 1.00,  // 12–17: lunch, afternoon lull
        1.90, 2.50, 2.30, 1.80, 0.90, 0.35,  // 18–23: cooking, dishes, evening showers
    ]).normalized()

    /// Front-door traffic in cycles per hour for an average household.
    static let door = DailyProfile([
        0.03, 0.02, 0.01, 0.01, 0.02, 0.08,  // 00–05
        0.35, 1.20, 1.00, 0.45, 0.35, 0.40,  // 06–11: leaving for work and school, market
        0.50, 0.35, 0.30, 0.35, 0.50, 0.95,  // 12–17: lunch, school pick-up
        1.20, 0.80, 0.45, 0.25, 0.12, 0.06,  // 18–23: coming home, evening walk
    ])

    /// Physical activity of an elderly wearer, 0 (still) to about 1 (brisk walk).
    static let activity = DailyProfile([
        0.00, 0.00, 0.00, 0.00, 0.00, 0.20,  // 00–05: asleep; some rise at five
        0.55, 0.80, 0.70, 0.50, 0.40, 0.35,  // 06–11: morning exercise, market, cooking
        0.25, 0.15, 0.25, 0.55, 0.60, 0.45,  // 12–17: nap, afternoon walk, cooking
        0.30, 0.45, 0.30, 0.15, 0.05, 0.00,  // 18–23: square dancing, television, bed
    ])

    /// Indoor temperature swing in °C around a room's base; coolest before dawn.
    static let indoorTemperature = DailyProfile([
        -1.2, -1.4, -1.6, -1.8, -1.9, -1.8,
        -1.4, -0.8, -0.3, 0.1, 0.5, 0.8,
        1.1, 1.3, 1.5, 1.6, 1.5, 1.2,
        0.9, 0.6, 0.3, 0.0, -0.4, -0.8,
    ])
}
