import Formats

/// Which stored readings a restart's warm-up needs, asked of each reading newest first so the
/// store parses only those. A device whose rules keep a window (`rate(total_m3, 35m)`) needs
/// every reading back to the start of the longest window (a replayed journal evaluates at
/// earlier times, so a shorter window reaches further back than `now` minus its length); any
/// other device only its newest reading, and further back only until each field it takes
/// `delta` of has been seen twice (its latest and previous value, which `/explain` shows).
/// Before, every reading of the longest window was parsed for every device: after a burst
/// that is the whole burst, and a restart waited for it before ingest began.
public struct WarmSelection: Sendable {
    /// What one device still needs while the scan goes back in time.
    struct Need: Sendable {
        /// Readings received at or after this are inside the device's longest window.
        let horizonMs: Int64
        var newestTaken = false
        /// `delta` fields still to be seen in a taken reading, each listed as often as it is.
        var pendingDeltaFields: [String]
        /// The fields the device's rules read (nil: keep every field).
        var keptFields: KeptFields?
    }

    /// The fields `DeviceTrack.record` reads of a device's readings: those its rules read, take
    /// `delta` of, or window over. The device's own lists, shared with its track (no copy).
    struct KeptFields: Sendable {
        let read: [String]
        let delta: [String]
        let windowSeconds: [String: Double]

        func contains(_ field: String) -> Bool { read.contains(field) || delta.contains(field) || windowSeconds[field] != nil }
    }

    /// What a device needs, worked out when the scan first meets it (nil: not tracked). Lazily:
    /// building the table for 100,000 devices up front was 3 % of a start that found no
    /// history to warm with (perf).
    private let firstNeed: @Sendable (String) -> Need?
    private var needs: [String: Need] = [:]
    private let expectedDevices: Int
    private let takesEverything: Bool
    /// Readings the scan was offered and left unparsed (for the start's log line).
    public private(set) var skippedCount = 0

    /// Wants, of each device in `horizonsMs`, its readings received at or after its horizon
    /// (`Int64.max`: none), its newest reading, and readings back to the second carrying each
    /// of its `deltaFields`; nothing of other devices.
    public init(horizonsMs: [String: Int64], deltaFields: [String: [String]] = [:], keptFields: [String: [String]] = [:]) {
        self.init { id in
            horizonsMs[id].map { horizonMs in
                let fields = deltaFields[id] ?? []
                return Need(horizonMs: horizonMs, pendingDeltaFields: fields + fields,
                            keptFields: keptFields[id].map { KeptFields(read: $0, delta: [], windowSeconds: [:]) })
            }
        }
    }

    /// `expectedDevices` sizes the table when the first device is met (it grew step by step
    /// through 100,000 devices otherwise).
    init(expectedDevices: Int = 0, firstNeed: @escaping @Sendable (String) -> Need?) {
        self.firstNeed = firstNeed
        self.expectedDevices = expectedDevices
        takesEverything = false
    }

    private init(takingEverything: Void) {
        firstNeed = { _ in nil }
        expectedDevices = 0
        takesEverything = true
    }

    /// Takes every reading offered (the plain history read, and tests).
    public static var everything: WarmSelection { WarmSelection(takingEverything: ()) }

    /// Whether the reading of `deviceID` received at `atMs` is needed; offered newest first.
    public mutating func wants(deviceID: String, atMs: Int64) -> Bool {
        if takesEverything { return true }
        let need: Need
        if let known = needs[deviceID] {
            need = known
        } else if let first = firstNeed(deviceID) {
            if needs.isEmpty { needs.reserveCapacity(expectedDevices) }
            needs[deviceID] = first
            need = first
        } else {
            skippedCount += 1
            return false
        }
        if atMs >= need.horizonMs || !need.newestTaken || !need.pendingDeltaFields.isEmpty { return true }
        skippedCount += 1
        return false
    }

    /// Records that a wanted reading was taken with `values`, and returns what of them to keep:
    /// the fields the device's rules read (a warm-up records no other).
    public mutating func took(deviceID: String, values: JSONFields) -> JSONFields {
        guard !takesEverything, let slot = needs.index(forKey: deviceID) else { return values }
        needs.values[slot].newestTaken = true
        var pending = needs.values[slot].pendingDeltaFields
        if !pending.isEmpty {
            // One sighting per reading: one listing of each field the reading carries goes.
            for field in Set(pending) where values[field] != nil {
                if let index = pending.firstIndex(of: field) { pending.remove(at: index) }
            }
            needs.values[slot].pendingDeltaFields = pending
        }
        guard let kept = needs.values[slot].keptFields else { return values }
        return values.keeping(kept.contains)
    }
}

extension RuleEngine {
    /// The selection `warm` needs from history read since `sinceMs` (the start of the longest
    /// window) for the devices the engine tracks. It shares the engine's table of tracks: let
    /// it go before the engine changes, or the first change copies every track.
    public func warmSelection(sinceMs: Int64) -> WarmSelection {
        // A copy of the table shares its storage: nothing is copied unless the engine changes.
        let tracks = tracks
        return WarmSelection(expectedDevices: tracks.count) { id in
            guard let track = tracks[id] else { return nil }
            return WarmSelection.Need(horizonMs: track.windowSeconds.isEmpty ? Int64.max : sinceMs,
                                      pendingDeltaFields: track.deltaFields + track.deltaFields,
                                      keptFields: .init(read: track.profile.readFields, delta: track.deltaFields, windowSeconds: track.windowSeconds))
        }
    }
}
