/// Which of a device's rules have an alert instance (`DeviceTrack.liveRules`), so that a reading
/// looks up only those. The mask may claim more than `instances` holds (a skipped lookup would
/// then be a wrong answer only if it claimed less), and `setInstance` keeps it exact.
extension RuleEngine {
    /// Sets or clears `key`'s bit on its device's track. A rule past the mask's 64 bits, or a
    /// device or rule not registered, has no bit: such lookups are never skipped.
    mutating func markLive(_ key: InstanceKey, _ live: Bool) {
        guard let index = ruleIndexByID[key.rule], index < UInt64.bitWidth,
              let slot = tracks.index(forKey: key.device) else { return }
        // In place: the write touches one word of the track and no index of `tracks`.
        if live {
            tracks.values[slot].liveRules |= 1 << UInt64(index)
        } else {
            tracks.values[slot].liveRules &= ~(1 << UInt64(index))
        }
    }

    /// Works every track's mask out afresh from `instances`: after tracks are made anew or the
    /// rule set's indices move (a reload).
    mutating func rebuildLiveRules() {
        // By index, not `tracks.indices`: that holds a second reference to the table, and the
        // first write would copy every track.
        var slot = tracks.startIndex
        while slot != tracks.endIndex {
            tracks.values[slot].liveRules = 0
            tracks.formIndex(after: &slot)
        }
        for key in instances.keys { markLive(key, true) }
    }

    /// Whether every instance's rule has its bit on its device's track (a check for tests: a
    /// clear bit over a held instance would hide that alert from the device's readings).
    func liveRulesCoverInstances() -> Bool {
        instances.keys.allSatisfy { key in
            guard let index = ruleIndexByID[key.rule], let track = tracks[key.device] else { return true }
            return track.mayHoldInstance(ofRule: index)
        }
    }
}
