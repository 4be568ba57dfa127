import Foundation

/// A smoke detector's room: its usual temperature and the sensor's clean-air reading.
struct SmokeState: Sendable {
    let baseTemperature: Double
    let baseObscuration: Double

    init(_ rng: inout SplitMix64) {
        baseTemperature = rng.uniform(19...25)
        baseObscuration = rng.uniform(0...0.03)
    }
}

/// A household's water meter: how much it uses, where the register stands, the mains pressure.
struct MeterState: Sendable {
    /// Cubic metres per day (about 0.15 per person, one to four people).
    let dailyVolume: Double
    /// Litres per hour that run when a leak is staged (a dripping tap to a burst hose).
    let leakFlow: Double
    let basePressure: Double
    var total: Double

    init(_ rng: inout SplitMix64) {
        dailyVolume = Double(rng.int(1...4)) * rng.uniform(0.11...0.22)
        leakFlow = rng.uniform(35...400)
        basePressure = rng.uniform(280...360)
        total = rng.uniform(5...900)
    }
}

extension FleetSimulator {
    /// Smoke fields. Quiet almost always; an occasional self-test in the daytime; during a
    /// staged fire the obscuration and temperature climb over the window.
    mutating func writeSmoke(
        _ i: Int, now: Int64, local: LocalTime, flags: AnomalyFlags,
        reason: Reason, wrongType: Bool, into json: inout JSONBuffer
    ) {
        let room = smokes[runtimes[i].slot]
        let alarm = flags.contains(.smoke)
        var obscuration = Swift.max(0, room.baseObscuration + runtimes[i].rng.noise() * 0.006)
        var temperature = room.baseTemperature + DailyProfile.indoorTemperature.at(local.hour)
            + runtimes[i].rng.noise() * 0.15
        if alarm {
            let progress = runtimes[i].window(.smoke, at: now)?.progress(at: now) ?? 0
            obscuration = 8 + 17 * progress + runtimes[i].rng.uniform(0...2)
            temperature += 6 + 30 * progress
        }
        // About one heartbeat in 300 in the daytime carries a self-test: once every two weeks.
        var selfTest = false
        if case .heartbeat = reason, !alarm, local.hour >= 9, local.hour < 18 {
            selfTest = runtimes[i].rng.chance(1.0 / 300)
        }
        json.bool("alarm", alarm)
        json.fixed("smoke", obscuration, decimals: 2)
        if wrongType {
            json.string("temp_c", "hot")
        } else {
            json.fixed("temp_c", temperature, decimals: 1)
        }
        json.bool("test", selfTest)
        json.bool("tamper", false)
    }

    /// Adds the water used between two instants to the register, hour by hour so a long gap
    /// (a silenced meter) still follows the daily rhythm, plus any staged leak.
    mutating func advanceMeter(_ i: Int, from: Int64, to: Int64) {
        let slot = runtimes[i].slot
        let daily = meters[slot].dailyVolume
        var t = from
        var added = 0.0
        while t < to {
            let next = Swift.min(to, t + 3_600_000)
            let mid = t + (next - t) / 2
            let hours = Double(next - t) / 3_600_000
            added += daily * DailyProfile.water.at(clock.local(atMs: mid).hour) * hours / 24
            t = next
        }
        let leakMs = runtimes[i].overlapMs(.leak, from: from, to: to)
        if leakMs > 0 {
            added += meters[slot].leakFlow / 1000 * Double(leakMs) / 3_600_000
        }
        meters[slot].total += added
    }

    /// Water meter fields: the register, the flow at this instant (peaks at breakfast and
    /// dinner, almost nothing at night), mains pressure dipping when the block draws water.
    mutating func writeMeter(
        _ i: Int, now: Int64, local: LocalTime, flags: AnomalyFlags,
        wrongType: Bool, into json: inout JSONBuffer
    ) {
        let meter = meters[runtimes[i].slot]
        let demand = DailyProfile.water.at(local.hour)
        var flow = 0.0
        if runtimes[i].rng.chance(Swift.min(0.6, demand * 0.14)) {
            flow = runtimes[i].rng.uniform(240...900)
        }
        let leaking = flags.contains(.leak)
        if leaking {
            flow += meter.leakFlow * runtimes[i].rng.uniform(0.92...1.08)
        }
        let pressure = meter.basePressure - 9 * demand + runtimes[i].rng.noise() * 2
        json.fixed("total_m3", meter.total, decimals: 3)
        if wrongType {
            json.string("flow_lph", "n/a")
        } else {
            json.fixed("flow_lph", flow, decimals: 1)
        }
        json.fixed("pressure_kpa", pressure, decimals: 1)
        json.string("valve", "open")
        json.bool("leak", leaking)
    }
}
