import Foundation

/// The community's digital twin: an endless, deterministic stream of device messages in
/// simulated-time order.
///
/// Every device reports on its own jittered schedule (wristbands each minute, water meters
/// each quarter hour, smoke detectors each half hour, doors each ten minutes plus every
/// open, close and unlock), shaped by the local hour, with staged anomalies and optional
/// random garbage on top. The same devices, start, seed and anomalies always give the same
/// messages, byte for byte. Nothing here reads the wall clock: pacing to real time is the
/// caller's business.
public struct FleetSimulator: Sendable, IteratorProtocol, Sequence {
    public let devices: [FleetDevice]
    public let start: Date
    public let seed: UInt64
    public let malformedFraction: Double
    public let timeZone: TimeZone
    /// The requested anomalies that apply, each with the device it was placed on.
    public internal(set) var anomalies: [Anomaly] = []
    /// Requested anomalies with no fitting device (unknown id, or a type that cannot show
    /// that kind, such as `fall` on a door); the caller should report them.
    public internal(set) var ignoredAnomalies: [Anomaly] = []
    /// Messages produced so far.
    public private(set) var messageCount = 0
    /// The time of the latest message produced (the start before the first).
    public private(set) var now: Date

    let startMs: Int64
    var runtimes: [DeviceRuntime] = []
    let topics: [String]
    var queue = ReportQueue([])
    var clock: LocalClock
    var doors: [DoorState] = []
    var smokes: [SmokeState] = []
    var meters: [MeterState] = []
    var bands: [BandState] = []

    /// Asia/Shanghai, where the pilot communities are; a fixed UTC+8 if the zone database
    /// lacks it, never the machine's zone, so output does not depend on where it runs.
    public static let defaultTimeZone: TimeZone =
        TimeZone(identifier: "Asia/Shanghai") ?? TimeZone(secondsFromGMT: 8 * 3600) ?? .gmt

    public init(
        devices: [FleetDevice],
        start: Date,
        seed: UInt64 = 1,
        anomalies: [Anomaly] = [],
        malformedFraction: Double = 0,
        timeZone: TimeZone = FleetSimulator.defaultTimeZone
    ) {
        self.devices = devices
        self.start = start
        self.seed = seed
        self.malformedFraction = Swift.min(1, Swift.max(0, malformedFraction.isFinite ? malformedFraction : 0))
        self.timeZone = timeZone
        self.now = start
        startMs = Int64((start.timeIntervalSince1970 * 1000).rounded())
        clock = LocalClock(timeZone: timeZone, startMs: startMs)
        topics = devices.map(\.telemetryTopic)

        runtimes.reserveCapacity(devices.count)
        for device in devices {
            let kind = DeviceKind(typeName: device.type)
            var rng = SplitMix64(seed: StableHash.mix(seed, StableHash.fnv1a(device.id)))
            let slot: Int
            switch kind {
            case .door:
                slot = doors.count
                doors.append(DoorState(&rng))
            case .smoke:
                slot = smokes.count
                smokes.append(SmokeState(&rng))
            case .waterMeter:
                slot = meters.count
                meters.append(MeterState(&rng))
            case .wristband:
                slot = bands.count
                bands.append(BandState(&rng, home: SiteLocation.home(of: device)))
            case .generic:
                slot = 0
            }
            runtimes.append(DeviceRuntime(kind: kind, slot: slot, rng: rng, startMs: startMs))
        }
        for i in runtimes.indices where runtimes[i].kind == .door {
            scheduleDoorCycle(i, after: startMs)
        }
        install(anomalies)
        queue = ReportQueue(runtimes.indices.map { .init(time: runtimes[$0].dueMs, index: Int32($0)) })
    }

    /// The next message in simulated-time order; nil only for an empty fleet.
    public mutating func next() -> SimulatedMessage? {
        while let entry = queue.top {
            let i = Int(entry.index)
            let message = step(i, now: entry.time)
            queue.replaceTop(time: runtimes[i].dueMs)
            if let message {
                messageCount += 1
                now = message.at
                return message
            }
        }
        return nil
    }

    /// Why a device is being woken up.
    enum Reason {
        case heartbeat
        case door
        case trigger(Trigger)
    }

    /// Advances device `i` to `now`, and returns what it publishes then, if anything.
    mutating func step(_ i: Int, now: Int64) -> SimulatedMessage? {
        var flags = runtimes[i].flags(at: now)
        let reason: Reason
        if let first = runtimes[i].triggers.first, first.ms <= now {
            runtimes[i].triggers.removeFirst()
            reason = .trigger(first)
            if first.isStart { flags.insert(first.kind) }
        } else if runtimes[i].naturalEventMs <= now {
            reason = .door
        } else {
            reason = .heartbeat
            // A sounding smoke detector repeats its alarm every 30 s instead of every 30 min.
            let fast: Int64? = flags.contains(.smoke) ? 30_000 : nil
            runtimes[i].scheduleHeartbeat(after: now, fastIntervalMs: fast)
        }
        let local = clock.local(atMs: now)
        advance(i, to: now, local: local)

        var doorStep: DoorStep?
        switch reason {
        case .door:
            if let forced = runtimes[i].window(.forcedDoor, at: now) {
                // Nobody uses a door that is standing forced open; resume after it is shut.
                doors[runtimes[i].slot].script.removeAll()
                scheduleDoorCycle(i, after: forced.endMs)
                return nil
            }
            doorStep = advanceDoorScript(i, now: now, local: local)
        case .trigger(let trigger):
            applyTrigger(trigger, to: i, now: now)
        case .heartbeat:
            break
        }
        if flags.contains(.silence) { return nil }

        runtimes[i].seq += 1
        let garbled = flags.contains(.malformed)
            || (malformedFraction > 0 && runtimes[i].rng.chance(malformedFraction))
        let payload: [UInt8]
        let isObject: Bool
        if garbled {
            (payload, isObject) = garbagePayload(i, now: now, local: local, flags: flags, reason: reason, doorStep: doorStep)
        } else {
            payload = self.payload(i, now: now, local: local, flags: flags, reason: reason, doorStep: doorStep, garble: .none)
            isObject = true
        }
        return SimulatedMessage(
            atMs: now, topic: topics[i], payload: payload,
            utcOffsetSeconds: local.offsetSeconds, knownJSONObject: isObject)
    }

    /// Brings battery and type state (meter totals, step counts) forward to `now`.
    mutating func advance(_ i: Int, to now: Int64, local: LocalTime) {
        let elapsed = now - runtimes[i].updatedMs
        guard elapsed > 0 else { return }
        let hours = Double(elapsed) / 3_600_000
        runtimes[i].updatedMs = now
        switch runtimes[i].kind {
        case .wristband:
            // Wristbands charge as well as drain, so they manage their own battery.
            advanceBand(i, from: now - elapsed, to: now, local: local)
        case .waterMeter:
            runtimes[i].drainBattery(hours: hours)
            advanceMeter(i, from: now - elapsed, to: now)
        case .door, .smoke, .generic:
            runtimes[i].drainBattery(hours: hours)
        }
    }
}
