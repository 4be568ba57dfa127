import Foundation

/// How a device writes its `ts`: real fleets mix firmware generations and vendors.
enum TimestampStyle: UInt8, Sendable {
    case epochMilliseconds
    case epochSeconds
    /// RFC 3339 at the local offset (`2026-11-22T23:10:00.123+08:00`).
    case rfc3339Local
    /// RFC 3339 in UTC (`2026-11-22T15:10:00.123Z`).
    case rfc3339UTC

    /// Mostly epoch milliseconds; about 4 % RFC 3339 strings and 2 % epoch seconds.
    static func draw(_ rng: inout SplitMix64) -> TimestampStyle {
        let u = rng.unit()
        switch u {
        case ..<0.028: return .rfc3339Local
        case ..<0.040: return .rfc3339UTC
        case ..<0.060: return .epochSeconds
        default: return .epochMilliseconds
        }
    }
}

/// A staged anomaly as it applies to one device: a kind and a half-open time window.
struct AnomalyWindow: Sendable {
    var kind: AnomalyKind
    var startMs: Int64
    var endMs: Int64

    @inline(__always)
    func contains(_ ms: Int64) -> Bool {
        ms >= startMs && ms < endMs
    }

    /// How far through the window the instant is, 0 to 1.
    func progress(at ms: Int64) -> Double {
        endMs > startMs ? min(1, max(0, Double(ms - startMs) / Double(endMs - startMs))) : 1
    }
}

/// An out-of-schedule message a device owes: an alarm pushed when it starts or clears.
struct Trigger: Sendable {
    var ms: Int64
    var kind: AnomalyKind
    var isStart: Bool
}

/// Everything the simulator tracks for one device that is common to all types.
///
/// Type-specific state lives in per-type arrays (`slot` indexes them) so this struct stays
/// small and the hot loop touches little memory per message.
struct DeviceRuntime: Sendable {
    let kind: DeviceKind
    /// Index into the simulator's array for this device's type.
    let slot: Int
    var rng: SplitMix64
    let timestampStyle: TimestampStyle
    /// How far the device's clock is off; most are within a second, a few by minutes.
    let clockSkewMs: Int64
    var seq: Int64 = 0
    var battery: Double
    let drainPerHour: Double
    /// A caretaker swaps the battery when it reads below this (3-25 %): mostly in time, now
    /// and then only under the 5 % that counts as failed. Wristbands charge instead.
    let replaceBelowPercent: Double
    /// Up to when battery and type state have been advanced.
    var updatedMs: Int64
    /// The unjittered heartbeat schedule, so jitter does not accumulate into drift.
    var nominalMs: Int64
    var heartbeatMs: Int64
    /// Door activity: the next step of the current or next door cycle.
    var naturalEventMs: Int64 = .max
    var windows: [AnomalyWindow] = []
    /// Pending pushed messages, earliest first.
    var triggers: [Trigger] = []

    init(kind: DeviceKind, slot: Int, rng: SplitMix64, startMs: Int64) {
        self.kind = kind
        self.slot = slot
        var rng = rng
        timestampStyle = TimestampStyle.draw(&rng)
        if rng.chance(0.03) {
            let magnitude = rng.int(5_000...90_000)
            clockSkewMs = rng.chance(0.5) ? magnitude : -magnitude
        } else {
            clockSkewMs = Int64(rng.noise() * 250)
        }
        battery = kind == .wristband ? rng.uniform(45...100) : rng.uniform(55...100)
        drainPerHour = rng.uniform(kind.drainPerHour)
        // Derived from the level already drawn, not drawn itself: one more draw would shift the
        // random stream and with it every simulated time and value after it.
        replaceBelowPercent = 3 + 22 * (battery * 7.31).truncatingRemainder(dividingBy: 1)
        updatedMs = startMs
        // The first report falls anywhere in the first interval, so the fleet is staggered.
        nominalMs = startMs + rng.int(0...(kind.intervalMs - 1))
        heartbeatMs = nominalMs
        self.rng = rng
    }

    /// When this device next needs attention.
    @inline(__always)
    var dueMs: Int64 {
        var due = min(heartbeatMs, naturalEventMs)
        if let first = triggers.first, first.ms < due { due = first.ms }
        return due
    }

    /// The anomaly kinds active at the instant.
    @inline(__always)
    func flags(at ms: Int64) -> AnomalyFlags {
        var flags = AnomalyFlags.none
        if windows.isEmpty { return flags }
        for window in windows where window.contains(ms) {
            flags.insert(window.kind)
        }
        return flags
    }

    /// The active window of a kind at the instant, if any.
    func window(_ kind: AnomalyKind, at ms: Int64) -> AnomalyWindow? {
        windows.first { $0.kind == kind && $0.contains(ms) }
    }

    /// Milliseconds of overlap between [from, to) and windows of the kind.
    func overlapMs(_ kind: AnomalyKind, from: Int64, to: Int64) -> Int64 {
        var total: Int64 = 0
        for window in windows where window.kind == kind {
            let lower = max(from, window.startMs)
            let upper = min(to, window.endMs)
            if upper > lower { total += upper - lower }
        }
        return total
    }

    /// Moves the heartbeat schedule past `now`, jittered around the nominal times.
    mutating func scheduleHeartbeat(after now: Int64, fastIntervalMs: Int64? = nil) {
        let interval = kind.intervalMs
        nominalMs += interval
        if nominalMs <= now {
            // After a long pause (silence, a fast alarm burst) the schedule resumes rather than
            // replaying every missed report at once.
            nominalMs += ((now - nominalMs) / interval + 1) * interval
        }
        var next = nominalMs + rng.int(-kind.jitterMs...kind.jitterMs)
        if let fast = fastIntervalMs {
            next = min(next, now + fast + rng.int(-1_000...1_000))
        }
        heartbeatMs = max(next, now + 1)
    }

    /// The battery level the device reports (whole percent), a point off now and then as a
    /// real gauge reads (temperature, load): the noise comes from `seq`, not from the stream.
    var reportedBattery: Int64 {
        let noise = Int64(truncatingIfNeeded: (UInt64(bitPattern: seq) &* 0x9E37_79B9_7F4A_7C15) >> 61) % 3 - 1
        return min(100, max(0, Int64(battery.rounded(.down)) + (battery > 0 ? noise : 0)))
    }

    /// Drains the battery over `hours`; below the caretaker's threshold a new one goes in.
    mutating func drainBattery(hours: Double) {
        battery = Swift.max(0, battery - drainPerHour * hours)
        if battery < replaceBelowPercent { battery = 100 }
    }
}
