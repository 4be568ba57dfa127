import Foundation

/// An elderly wearer's body and habits, and the band's running state.
struct BandState: Sendable {
    let restingHeartRate: Double
    /// How active this person is relative to the average (1).
    let vigour: Double
    let wakeHour: Double
    let sleepHour: Double
    /// About a third of wearers take the band off at night and put it on the charger.
    let offAtNight: Bool
    let home: (lat: Double, lon: Double)
    var charging = false
    var steps: Int64 = 0
    var stepsDay: Int64 = .min
    /// Activity at the last update, 0 (still) to about 1.5 (brisk walk).
    var activity = 0.0
    var worn = true
    /// Displacement from home while out walking, in degrees.
    var away: (lat: Double, lon: Double) = (0, 0)
    var outside = false

    init(_ rng: inout SplitMix64, home: (lat: Double, lon: Double)) {
        restingHeartRate = rng.uniform(58...78)
        vigour = rng.uniform(0.6...1.4)
        wakeHour = rng.uniform(5.0...7.0)
        sleepHour = rng.uniform(21.0...23.0)
        offAtNight = rng.chance(0.35)
        self.home = home
    }

    func isAwake(_ hour: Double) -> Bool {
        hour >= wakeHour && hour < sleepHour
    }

    /// Whether the band lies on the night stand at this hour (from half an hour before
    /// bed until half an hour after rising).
    func isOffForTheNight(_ hour: Double) -> Bool {
        offAtNight && (hour >= sleepHour - 0.5 || hour < wakeHour + 0.5)
    }
}

extension FleetSimulator {
    /// Moves the band and its wearer forward: battery drain or charge, steps (reset at local
    /// midnight), whether it is worn, and any walk outside.
    mutating func advanceBand(_ i: Int, from: Int64, to now: Int64, local: LocalTime) {
        let slot = runtimes[i].slot
        let minutes = Double(now - from) / 60_000
        var band = bands[slot]
        if band.stepsDay != local.day {
            band.stepsDay = local.day
            band.steps = 0
        }
        // Always-worn bands go on the charger when low (a daytime pause of an hour or two);
        // night-takers charge every night and rarely run that low.
        if !band.offAtNight, !band.charging, runtimes[i].battery < 20 {
            band.charging = true
        }
        band.worn = !band.charging && !band.isOffForTheNight(local.hour)
        if band.worn {
            runtimes[i].battery = Swift.max(0, runtimes[i].battery - runtimes[i].drainPerHour * minutes / 60)
        } else {
            runtimes[i].battery = Swift.min(100, runtimes[i].battery + 0.6 * minutes)
            if runtimes[i].battery >= 100 { band.charging = false }
        }
        if band.worn, band.isAwake(local.hour) {
            band.activity = DailyProfile.activity.at(local.hour) * band.vigour * runtimes[i].rng.uniform(0.6...1.4)
            band.steps += Int64(band.activity * 12 * minutes * runtimes[i].rng.uniform(0.8...1.2))
        } else {
            band.activity = 0
        }
        // Walks start when the wearer is active and end when they slow down; outside, the
        // position wanders up to about 500 m from home.
        if band.outside {
            if band.activity < 0.3, runtimes[i].rng.chance(0.15) { band.outside = false }
        } else if band.activity > 0.6, runtimes[i].rng.chance(0.05) {
            band.outside = true
        }
        if band.outside {
            band.away.lat = Swift.min(0.0045, Swift.max(-0.0045, band.away.lat + runtimes[i].rng.noise() * 0.00025))
            band.away.lon = Swift.min(0.0045, Swift.max(-0.0045, band.away.lon + runtimes[i].rng.noise() * 0.00025))
        } else {
            band.away = (0, 0)
        }
        bands[slot] = band
    }

    /// Wristband fields. A band that is not worn sends no heart rate or SpO₂ (it has nothing
    /// to measure) and reports the room's temperature instead of skin temperature; a staged
    /// fall, SOS or heart-rate anomaly implies it is on the wrist.
    mutating func writeBand(
        _ i: Int, now: Int64, local: LocalTime, flags: AnomalyFlags,
        wrongType: Bool, into json: inout JSONBuffer
    ) {
        let band = bands[runtimes[i].slot]
        let emergency = flags.contains(.fall) || flags.contains(.sos) || flags.contains(.heartRate)
        let worn = band.worn || emergency || wrongType
        let awake = band.isAwake(local.hour)
        if worn {
            var heartRate = band.restingHeartRate + (awake ? 6 : -7) + band.activity * 22
                + runtimes[i].rng.noise() * 3
            heartRate = Swift.min(125, Swift.max(44, heartRate))
            if flags.contains(.fall) || flags.contains(.sos) {
                heartRate = Swift.max(heartRate, runtimes[i].rng.uniform(95...118))
            }
            if let window = runtimes[i].window(.heartRate, at: now) {
                heartRate = Swift.max(131, 134 + 28 * window.progress(at: now) + runtimes[i].rng.noise() * 4)
            }
            if wrongType {
                json.string("hr_bpm", "high")
            } else {
                json.int("hr_bpm", Int64(heartRate.rounded()))
            }
            let oxygen = (awake ? 97.0 : 95.5) + runtimes[i].rng.noise() * 1.0
            json.int("spo2", Int64(Swift.min(100, Swift.max(90, oxygen)).rounded()))
        }
        json.int("steps", band.steps)
        json.bool("fall", flags.contains(.fall))
        json.bool("sos", flags.contains(.sos))
        json.bool("worn", worn)
        // Consumer GPS wanders a few metres even when the wearer sits still.
        let jitter = 0.00004
        json.fixed("lat", band.home.lat + band.away.lat + runtimes[i].rng.noise() * jitter, decimals: 6)
        json.fixed("lon", band.home.lon + band.away.lon + runtimes[i].rng.noise() * jitter, decimals: 6)
        let skin = worn
            ? 33.4 + band.activity * 0.6 - (awake ? 0 : 0.4) + runtimes[i].rng.noise() * 0.25
            : 23 + DailyProfile.indoorTemperature.at(local.hour) + runtimes[i].rng.noise() * 0.2
        json.fixed("skin_temp_c", skin, decimals: 1)
    }
}

/// Where the community is on the map, and where each building stands in it.
///
/// Only wristbands report a position. A unit the inventory places is where its wearer lives;
/// otherwise the community is placed in urban Shanghai by a hash of its name, buildings about
/// 50 m apart, so positions look real without being anyone's home.
enum SiteLocation {
    /// The home position of a device's unit (its building's entrance).
    static func home(of device: FleetDevice) -> (lat: Double, lon: Double) {
        // The inventory's own position first: dispatch measures from the wearer's reported
        // position, so a twin that placed them elsewhere would send nobody.
        if let latitude = device.latitude, let longitude = device.longitude { return (latitude, longitude) }
        let community = StableHash.fnv1a(device.community)
        let baseLat = 31.10 + Double(community % 1000) / 1000 * 0.25
        let baseLon = 121.30 + Double((community >> 20) % 1000) / 1000 * 0.30
        let digits = device.building.filter(\.isNumber)
        let number = Int(digits) ?? Int(StableHash.fnv1a(device.building) % 64)
        // Buildings in rows of four, 0.0005° (about 50 m) apart.
        let row = Double(number / 4)
        let column = Double(number % 4)
        return (baseLat + row * 0.0005, baseLon + column * 0.0006)
    }
}
