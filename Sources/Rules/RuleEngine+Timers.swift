import Devices

extension RuleEngine {
    /// Moves the clock to `nowMs`, firing every timer that fell due on the way, in order.
    public mutating func advance(to targetMs: Int64) -> [AlertEvent] {
        var events: [AlertEvent] = []
        while let (deadline, key) = timers.popDue(targetMs) {
            nowMs = max(nowMs, deadline)
            guard let rule = ruleByID[key.rule], let slot = tracks.index(forKey: key.device) else { continue }
            if rule.absent != nil {
                events += checkAbsence(key, rule: rule, slot: slot)
                continue
            }
            let track = tracks.values[slot]
            guard var instance = instances[key] else { continue }
            let timing = timing(rule, track: track)
            // A stale entry: the instance moved its deadline since this was queued.
            guard let due = instance.nextDeadline(rule: timing), due <= nowMs else {
                if let due = instance.nextDeadline(rule: timing) { timers.schedule(key, at: due) }
                continue
            }
            var action = instance.timePassed(to: nowMs, rule: timing)
            // A hold that completes outside the rule's active window does not start an alert.
            if action == .fired, let active = rule.active, !active.contains(milliseconds: nowMs) {
                _ = instance.resolve()
                action = .cancelledPending
            }
            // A deadline still in the past after its timer ran would be popped forever: a timer
            // only re-arms for the future.
            store(instance, key: key, rule: rule, track: track, rearmAfterMs: nowMs)
            if let kind = Self.kind(of: action) { events.append(event(kind, rule: rule, track: track, at: nowMs, evidence: nil)) }
        }
        nowMs = max(nowMs, targetMs)
        return events
    }

    /// When the silence of `key`'s device would count as absence.
    /// Reads two of the track's fields in place: most absence timers find the device heard
    /// from since, and copying its track to learn that (retaining its five tables) was most
    /// of the timers' cost in a replay.
    func absenceDeadline(_ key: InstanceKey, rule: Rule, slot: Dictionary<String, DeviceTrack>.Index) -> Int64? {
        absenceDeadline(key, rule: rule, lastSeenMs: tracks.values[slot].lastSeenMs, reportingInterval: tracks.values[slot].reportingInterval)
    }

    /// The same for a track at hand (`/explain`).
    func absenceDeadline(_ key: InstanceKey, rule: Rule, track: DeviceTrack) -> Int64? {
        absenceDeadline(key, rule: rule, lastSeenMs: track.lastSeenMs, reportingInterval: track.reportingInterval)
    }

    private func absenceDeadline(_ key: InstanceKey, rule: Rule, lastSeenMs: Int64?, reportingInterval: Double) -> Int64? {
        guard let silence = rule.absent else { return nil }
        let heardOrWatched = max(lastSeenMs ?? linkUpSinceMs, linkUpSinceMs, absenceResetMs[key] ?? .min)
        return heardOrWatched + silence.milliseconds(interval: reportingInterval)
    }

    /// Watches for the silence of each `absent` rule among a device's profile rules (those
    /// that apply to it, its match judged at registration).
    mutating func scheduleAbsences(device id: String, ruleIndices: [Int]) {
        for index in ruleIndices where ruleSet.rules[index].absent != nil {
            scheduleAbsence(InstanceKey(rule: ruleSet.rules[index].id, device: id))
        }
    }

    mutating func scheduleAbsence(_ key: InstanceKey) {
        guard let rule = ruleByID[key.rule], let slot = tracks.index(forKey: key.device),
              let deadline = absenceDeadline(key, rule: rule, slot: slot) else { return }
        timers.schedule(key, at: deadline)
    }

    /// `slot` stays valid throughout: nothing here adds or removes a track (`setInstance` only
    /// writes a track's live-rule bits in place).
    private mutating func checkAbsence(_ key: InstanceKey, rule: Rule, slot: Dictionary<String, DeviceTrack>.Index) -> [AlertEvent] {
        guard linkUp, let deadline = absenceDeadline(key, rule: rule, slot: slot) else { return [] }
        if deadline > nowMs {
            // Heard from since this was queued: look again at the new deadline.
            timers.schedule(key, at: deadline)
            return []
        }
        guard instances[key]?.phase != .firing else { return [] }
        var instance = AlertInstance()
        _ = instance.fire(at: nowMs)
        setInstance(instance, for: key)
        return [event(.firing, rule: rule, track: tracks.values[slot], at: nowMs, evidence: nil)]
    }

    /// Our own broker link went down or came back. While it is down nobody is judged absent;
    /// once it is back, every device gets its full silence period again before it is.
    public mutating func linkChanged(up: Bool, at atMs: Int64) -> [AlertEvent] {
        let events = advance(to: atMs)
        guard up != linkUp else { return events }
        linkUp = up
        if up {
            linkUpSinceMs = atMs
            for (id, track) in tracks { scheduleAbsences(device: id, ruleIndices: track.profile.ruleIndices) }
        }
        return events
    }

    /// A person resolved the alert (manual clear): it may fire again on the next true reading.
    public mutating func resolveManually(rule ruleID: String, device: String, at atMs: Int64) -> [AlertEvent] {
        var events = advance(to: atMs)
        let key = InstanceKey(rule: ruleID, device: device)
        guard var instance = instances[key], let rule = ruleByID[ruleID], let track = tracks[device] else { return events }
        if instance.resolve() == .resolved { events.append(event(.resolved, rule: rule, track: track, at: atMs, evidence: nil)) }
        setInstance(nil, for: key)
        if rule.absent != nil {
            // A person looked: the device gets a full silence period again from now.
            absenceResetMs[key] = atMs
            scheduleAbsence(key)
        }
        return events
    }

    /// Swaps in a new rule set. Alerts of rules whose definition did not change keep their
    /// state; those of changed or removed rules start over (changed ones re-evaluate on the
    /// next reading).
    public mutating func reload(_ newSet: RuleSet) {
        let unchanged = Set(newSet.rules.filter { rule in ruleSet.rule(id: rule.id)?.fingerprint == rule.fingerprint }.map(\.id))
        ruleSet = newSet
        instances = instances.filter { unchanged.contains($0.key.rule) }
        timers = TimerQueue()
        let devices = tracks.values.map(\.device)
        let previousTracks = tracks
        tracks = [:]
        indexRules()
        for device in devices {
            register(device)
            if let old = previousTracks[device.id] {
                tracks[device.id]?.restoreCurrent(old.currentByName)
                tracks[device.id]?.previous = old.previous
                tracks[device.id]?.latest = old.latest
                tracks[device.id]?.lastSeenMs = old.lastSeenMs
                tracks[device.id]?.currentAtMs = old.currentAtMs
                tracks[device.id]?.series = old.series
            }
        }
        for (key, instance) in instances {
            guard let rule = ruleByID[key.rule], let track = tracks[key.device],
                  let deadline = instance.nextDeadline(rule: timing(rule, track: track)) else { continue }
            timers.schedule(key, at: deadline)
        }
        recountFiringSources()
        rebuildLiveRules()
    }

    /// Alerts currently firing, for tests and the API.
    public var firing: [InstanceKey] { instances.filter { $0.value.phase == .firing }.map(\.key) }

    public func phase(rule: String, device: String) -> AlertInstance.Phase {
        instances[InstanceKey(rule: rule, device: device)]?.phase ?? .inactive
    }
}

extension RuleEngine {
    /// Changes a device's own attribute overrides (a resident's new heart-rate bounds); takes
    /// effect from the next reading, without a restart.
    public mutating func setAttributes(_ values: [String: RuleSet.AttributeValue], device id: String) {
        ruleSet.deviceAttributes[id, default: [:]].merge(values) { _, new in new }
        if let device = tracks[id]?.device { register(device) }
    }
}
