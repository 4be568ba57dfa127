import Devices
import Formats
import Foundation

extension RuleEngine {
    /// What survives a restart: every alert's state machine and when each device was last
    /// heard, so holds, quiet periods and absence timers resume instead of starting over.
    public struct Snapshot: Sendable, Codable {
        public var savedAtMs: Int64
        public var instances: [String: AlertInstance]
        public var lastSeenMs: [String: Int64]
        /// Rule fingerprints at save time: a rule edited while we were down starts over.
        public var fingerprints: [String: String]
    }

    public func snapshot() -> Snapshot {
        // Taken under the engine's lock every few seconds: with 100,000 devices,
        // `compactMapValues(\.lastSeenMs)` (a key path applied to a copy of every track) held
        // it noticeably longer than this loop does.
        var lastSeenMs: [String: Int64] = Dictionary(minimumCapacity: tracks.count)
        for (id, track) in tracks {
            if let seen = track.lastSeenMs { lastSeenMs[id] = seen }
        }
        return Snapshot(savedAtMs: nowMs,
                        instances: Dictionary(uniqueKeysWithValues: instances.map { ("\($0.key.rule)|\($0.key.device)", $0.value) }),
                        lastSeenMs: lastSeenMs,
                        fingerprints: Dictionary(uniqueKeysWithValues: ruleSet.rules.map { ($0.id, $0.fingerprint) }))
    }

    /// Restores a snapshot taken by `snapshot()`; timers that fell due while the gateway was
    /// down fire on the next `advance`.
    public mutating func restore(_ snapshot: Snapshot) {
        for (id, seen) in snapshot.lastSeenMs {
            // In place: reading `tracks[id]` first copied the track out (perf of a restart).
            guard let slot = tracks.index(forKey: id) else { continue }
            tracks.values[slot].lastSeenMs = max(tracks.values[slot].lastSeenMs ?? seen, seen)
        }
        instances.reserveCapacity(instances.count + snapshot.instances.count)
        for (compound, instance) in snapshot.instances {
            // "rule|device", split at the first '|' as `snapshot()` joined them.
            guard let bar = compound.utf8.firstIndex(of: UInt8(ascii: "|")) else { continue }
            let ruleID = String(compound[..<bar]), deviceID = String(compound[compound.index(after: bar)...])
            guard let rule = ruleByID[ruleID], snapshot.fingerprints[rule.id] == rule.fingerprint,
                  let slot = tracks.index(forKey: deviceID) else { continue }
            let key = InstanceKey(rule: ruleID, device: deviceID)
            setInstance(instance, for: key)
            if let deadline = instance.nextDeadline(rule: timing(rule, track: tracks.values[slot])) { timers.schedule(key, at: deadline) }
        }
        for (id, track) in tracks { scheduleAbsences(device: id, ruleIndices: track.profile.ruleIndices) }
    }

    /// Feeds history (recent stored readings) into the device tracks without evaluating
    /// rules, so windows such as `rate(total_m3, 10m)` and `delta` work right after a restart.
    public mutating func warm(with readings: [RuleReading]) {
        for reading in readings.sorted(by: { $0.atMs < $1.atMs }) where tracks[reading.deviceID] != nil {
            tracks[reading.deviceID]?.record(reading)
        }
    }

    /// The longest history any rule needs, in seconds (for `warm`).
    public var longestWindowSeconds: Double {
        tracks.values.reduce(0) { longest, track in max(longest, track.windowSeconds.values.max() ?? 0) }
    }
}
