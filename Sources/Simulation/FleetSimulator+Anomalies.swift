import Foundation

extension FleetSimulator {
    /// Places the requested anomalies on devices and schedules their pushed messages.
    ///
    /// An anomaly without a device goes to a fitting device chosen by the seed, preferring
    /// devices that have no anomaly yet, so "three falls" means three different residents.
    mutating func install(_ requested: [Anomaly]) {
        var rng = SplitMix64(seed: seed, label: "anomalies")
        var indexByID: [String: Int] = [:]
        for (index, device) in devices.enumerated() where indexByID[device.id] == nil {
            indexByID[device.id] = index
        }
        var used = Set<Int>()
        for anomaly in requested {
            // Draw for every anomaly, named or not, so adding a device id to one spec does
            // not move where the others land.
            let pick = rng.next()
            let target: Int?
            if let id = anomaly.deviceID {
                target = indexByID[id].flatMap { anomaly.kind.fits(type: devices[$0].type) ? $0 : nil }
            } else {
                let fitting = devices.indices.filter { anomaly.kind.fits(type: devices[$0].type) }
                let fresh = fitting.filter { !used.contains($0) }
                let pool = fresh.isEmpty ? fitting : fresh
                target = pool.isEmpty ? nil : pool[Int(pick % UInt64(pool.count))]
            }
            guard let target else {
                ignoredAnomalies.append(anomaly)
                continue
            }
            used.insert(target)
            var placed = anomaly
            placed.deviceID = devices[target].id
            anomalies.append(placed)
            place(placed, on: target)
        }
        for i in runtimes.indices where runtimes[i].triggers.count > 1 {
            // At the same instant a clear goes before a new start, so back-to-back windows
            // read as "cleared, then raised again" rather than the reverse.
            runtimes[i].triggers.sort { ($0.ms, $0.isStart ? 1 : 0) < ($1.ms, $1.isStart ? 1 : 0) }
        }
    }

    private mutating func place(_ anomaly: Anomaly, on i: Int) {
        let from = Int64((anomaly.at.timeIntervalSince1970 * 1000).rounded())
        let to = from + Int64((anomaly.duration * 1000).rounded())
        runtimes[i].windows.append(AnomalyWindow(kind: anomaly.kind, startMs: from, endMs: to))
        guard anomaly.kind.isPushed else { return }
        // Alarms that began before the simulation starts are already in progress: their
        // window still shows in regular reports, but the start push has been and gone.
        if from >= startMs {
            runtimes[i].triggers.append(Trigger(ms: from, kind: anomaly.kind, isStart: true))
        }
        if to > from, to >= startMs {
            runtimes[i].triggers.append(Trigger(ms: to, kind: anomaly.kind, isStart: false))
        }
    }

    /// State changes a pushed message brings with it, beyond its payload.
    mutating func applyTrigger(_ trigger: Trigger, to i: Int, now: Int64) {
        switch (trigger.kind, trigger.isStart) {
        case (.forcedDoor, true):
            let slot = runtimes[i].slot
            doors[slot].script.removeAll()
            doors[slot].open = false
            doors[slot].locked = true
            let end = runtimes[i].windows
                .first { $0.kind == .forcedDoor && $0.startMs == trigger.ms }?.endMs ?? now
            scheduleDoorCycle(i, after: Swift.max(end, now))
        case (.smoke, true):
            runtimes[i].heartbeatMs = Swift.min(runtimes[i].heartbeatMs, now + 30_000)
        default:
            break
        }
    }

    /// The reported battery, pulled under 15 % while a low-battery anomaly is active.
    func batteryLevel(_ i: Int, at now: Int64) -> Int64 {
        let natural = runtimes[i].reportedBattery
        guard let window = runtimes[i].window(.lowBattery, at: now) else { return natural }
        // Sinks from 14 % towards 5 % over the window, as a dying cell does.
        let low = 14 - Int64((9 * window.progress(at: now)).rounded(.down))
        return Swift.min(natural, low)
    }
}
