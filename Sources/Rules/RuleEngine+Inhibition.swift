import Devices

/// Inhibition, kept as counts: for each `inhibit:` entry, how many of its source's alerts fire
/// per join key (the `equal` labels' values). Asking whether a target is held back is then one
/// lookup; it used to scan every alert instance, once per firing target, which made a tick
/// where ten thousand devices fell silent at once quadratic (perf: 16 % of such a storm).
extension RuleEngine {
    /// The firing source rule that inhibits `ruleID` for `device`, if any.
    func inhibitor(of ruleID: String, device: Device) -> String? {
        for (index, inhibition) in ruleSet.inhibitions.enumerated() where inhibition.targets.contains(ruleID) {
            if firingSources[index][inhibition.joinKey(device)] != nil { return inhibition.source }
        }
        return nil
    }

    /// Writes `instances[key]`, keeping the firing sources' counts and the device's live-rule
    /// bit with it. Every write of an instance goes through here.
    mutating func setInstance(_ instance: AlertInstance?, for key: InstanceKey) {
        let old: AlertInstance?
        if let instance { old = instances.updateValue(instance, forKey: key) } else { old = instances.removeValue(forKey: key) }
        if (old == nil) != (instance == nil) { markLive(key, instance != nil) }
        guard let inhibitions = inhibitionsBySource[key.rule] else { return }
        let wasFiring = old?.phase == .firing
        let isFiring = instance?.phase == .firing
        guard wasFiring != isFiring, let device = tracks[key.device]?.device else { return }
        for index in inhibitions { countFiring(device, inhibition: index, by: isFiring ? 1 : -1) }
    }

    private mutating func countFiring(_ device: Device, inhibition index: Int, by change: Int) {
        let joinKey = ruleSet.inhibitions[index].joinKey(device)
        let count = (firingSources[index][joinKey] ?? 0) + change
        firingSources[index][joinKey] = count > 0 ? count : nil
    }

    /// Counts the firing sources afresh: after a reload, or a device moving building while
    /// one of its alerts fires.
    mutating func recountFiringSources() {
        firingSources = Array(repeating: [:], count: ruleSet.inhibitions.count)
        guard !inhibitionsBySource.isEmpty else { return }
        for (key, instance) in instances where instance.phase == .firing {
            guard let inhibitions = inhibitionsBySource[key.rule], let device = tracks[key.device]?.device else { continue }
            for index in inhibitions { countFiring(device, inhibition: index, by: 1) }
        }
    }
}
