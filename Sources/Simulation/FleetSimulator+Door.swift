import Foundation

/// One step of a door cycle, each reported as its own message.
enum DoorStep: UInt8, Sendable {
    case unlockFailed
    case unlock
    case doorbell
    case open
    case close
    case lock

    /// The `event` field the step reports; plain opening and closing carry none.
    var event: StaticString? {
        switch self {
        case .unlockFailed: "unlock_failed"
        case .unlock: "unlock"
        case .doorbell: "doorbell"
        case .open, .close, .lock: nil
        }
    }
}

/// A front door's contact and lock, and the household's traffic habits.
struct DoorState: Sendable {
    /// How busy this household is relative to the average (1).
    let traffic: Double
    var open = false
    var locked = true
    /// The remaining steps of the cycle in progress, next first.
    var script: [DoorStep] = []

    init(_ rng: inout SplitMix64) {
        traffic = rng.uniform(0.5...1.6)
    }
}

extension FleetSimulator {
    /// Schedules the start of the door's next cycle after `from`.
    ///
    /// Door traffic is a Poisson process whose rate follows the local hour; it is sampled by
    /// thinning (draw at the peak rate, keep with probability rate/peak), which is exact for
    /// a time-varying rate and needs no integration.
    mutating func scheduleDoorCycle(_ i: Int, after from: Int64) {
        let traffic = doors[runtimes[i].slot].traffic
        let peak = DailyProfile.door.peak * traffic
        var t = from
        // The cap only matters for a zero-traffic profile; a day holds hundreds of draws.
        for _ in 0..<10_000 {
            t += Int64(runtimes[i].rng.exponential() / peak * 3_600_000) + 1
            let rate = DailyProfile.door.at(clock.local(atMs: t).hour) * traffic
            if runtimes[i].rng.unit() * peak < rate { break }
        }
        runtimes[i].naturalEventMs = t
    }

    /// Performs the door's next step (starting a new cycle if none is in progress) and
    /// schedules the one after.
    mutating func advanceDoorScript(_ i: Int, now: Int64, local: LocalTime) -> DoorStep {
        let slot = runtimes[i].slot
        if doors[slot].script.isEmpty {
            doors[slot].script = Self.newCycle(&runtimes[i].rng)
        }
        let step = doors[slot].script.removeFirst()
        switch step {
        case .unlock:
            doors[slot].locked = false
        case .open:
            doors[slot].open = true
            doors[slot].locked = false
        case .close:
            doors[slot].open = false
        case .lock:
            doors[slot].locked = true
        case .unlockFailed, .doorbell:
            break
        }
        if let following = doors[slot].script.first {
            runtimes[i].naturalEventMs = now + Self.delay(before: following, after: step, rng: &runtimes[i].rng)
        } else {
            scheduleDoorCycle(i, after: now)
        }
        return step
    }

    /// A resident coming home, a resident going out, or a visitor ringing.
    private static func newCycle(_ rng: inout SplitMix64) -> [DoorStep] {
        let u = rng.unit()
        if u < 0.46 {
            // Mistyped codes and worn fingerprints fail now and then before the lock opens.
            return rng.chance(0.04) ? [.unlockFailed, .unlock, .open, .close, .lock] : [.unlock, .open, .close, .lock]
        }
        if u < 0.92 {
            // Leaving: the inside handle retracts the bolt, so there is no unlock event.
            return [.open, .close, .lock]
        }
        return [.doorbell, .open, .close, .lock]
    }

    /// Seconds between steps, in milliseconds: people take a moment, auto-locks a little less.
    private static func delay(before next: DoorStep, after previous: DoorStep, rng: inout SplitMix64) -> Int64 {
        switch (previous, next) {
        case (.unlockFailed, _): rng.int(4_000...12_000)
        case (.doorbell, _): rng.int(8_000...60_000)
        case (_, .open): rng.int(1_500...6_000)
        case (_, .close): rng.int(4_000...40_000)
        case (_, .lock): rng.int(1_000...3_000)
        default: rng.int(1_000...5_000)
        }
    }

    /// Door fields: the contact and lock state, and the event if the message reports one.
    func writeDoor(
        _ i: Int, flags: AnomalyFlags, reason: Reason, step: DoorStep?,
        wrongType: Bool, into json: inout JSONBuffer
    ) {
        let door = doors[runtimes[i].slot]
        // While forced, the bolt is still thrown but the door stands open: that mismatch is
        // what a forced-entry rule looks for.
        let forced = flags.contains(.forcedDoor)
        if wrongType {
            json.string("open", forced || door.open ? "yes" : "no")
        } else {
            json.bool("open", forced || door.open)
        }
        json.bool("locked", forced || door.locked)
        if case .trigger(let trigger) = reason, trigger.kind == .forcedDoor, trigger.isStart {
            json.string("event", "forced_open")
        } else if let event = step?.event {
            json.string("event", event)
        }
    }
}
