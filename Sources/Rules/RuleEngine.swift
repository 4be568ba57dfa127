import Devices
import Formats
import Foundation

/// The rules engine: alert state per (rule, device), evaluated on every reading and on
/// timers, so a `for` hold, an `absent` silence or a quiet period ends on time without
/// waiting for the next message. Pure: time is an argument; `run`, `replay` and
/// `rules test` drive the same engine with different clocks.
public struct RuleEngine: Sendable {
    /// The key of one alert instance.
    public struct InstanceKey: Hashable, Sendable, Codable {
        public var rule: String
        public var device: String

        /// The device alone: a device has a handful of rules, so keys that differ only by rule
        /// rarely share a bucket, and each lookup on the reading path hashes one string
        /// instead of two. Equality still compares both.
        public func hash(into hasher: inout Hasher) { hasher.combine(device) }
    }

    public internal(set) var ruleSet: RuleSet
    let catalog: DeviceTypeCatalog
    var tracks: [String: DeviceTrack] = [:]
    public internal(set) var instances: [InstanceKey: AlertInstance] = [:]
    var timers = TimerQueue<InstanceKey>()
    var rulesByType: [String: [Int]] = [:]
    /// Every list of matching rules a profile holds, each kept once: devices share a few
    /// lists, and an array per device was ~9 MB at 100,000 devices (bench/ingest's peak RSS).
    var matchingRuleLists: Set<[Int]> = []
    /// Per device type, the fields its rules take `delta` of and the fields they read: shared
    /// by every device of the type instead of worked out (and stored) once per device.
    var fieldsByType: [String: (delta: [String], read: [String])] = [:]
    var ruleByID: [String: Rule] = [:]
    /// Each rule's index in `ruleSet.rules` (the bit of `DeviceTrack.liveRules`).
    var ruleIndexByID: [String: Int] = [:]
    /// Per device type, the windows of a device that sees only the top-level attributes (most
    /// do): working them out from the conditions for each of 100,000 devices was nearly half
    /// of registering them at start (perf).
    var windowsByType: [String: [String: Double]] = [:]
    /// The `inhibit:` entries (their indices) each rule is the source of.
    var inhibitionsBySource: [String: [Int]] = [:]
    /// Per `inhibit:` entry, its source's firing alerts counted by join key
    /// (`RuleEngine+Inhibition.swift`).
    var firingSources: [[[String]: Int]] = []
    /// When a person last resolved an absence alert: the silence period restarts there.
    var absenceResetMs: [InstanceKey: Int64] = [:]
    /// Absence is not judged while our own broker link is down, nor until this long after it
    /// came back (devices need a reporting interval to be heard again).
    public internal(set) var linkUp = true
    var linkUpSinceMs: Int64
    public internal(set) var nowMs: Int64

    public init(ruleSet: RuleSet, catalog: DeviceTypeCatalog, devices: [Device], startMs: Int64) {
        self.ruleSet = ruleSet
        self.catalog = catalog
        self.nowMs = startMs
        self.linkUpSinceMs = startMs
        indexRules()
        tracks.reserveCapacity(devices.count)
        for device in devices { register(device) }
    }

    mutating func indexRules() {
        rulesByType = [:]
        matchingRuleLists = []
        fieldsByType = [:]
        windowsByType = [:]
        ruleByID = ruleSet.rulesByID
        ruleIndexByID = Dictionary(ruleSet.rules.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
        inhibitionsBySource = Dictionary(grouping: ruleSet.inhibitions.indices) { ruleSet.inhibitions[$0].source }
        firingSources = Array(repeating: [:], count: ruleSet.inhibitions.count)
        for (index, rule) in ruleSet.rules.enumerated() {
            for type in rule.match.type.map({ [$0] }) ?? catalog.names { rulesByType[type, default: []].append(index) }
        }
    }

    /// Adds or updates a device (inventory load, auto-registration, attribute change).
    public mutating func register(_ device: Device) {
        let interval = catalog[device.type]?.reportingInterval ?? 60
        let attributes = ruleSet.attributes(for: device)
        let windows: [String: Double]
        if ruleSet.hasOverrides(for: device) {
            windows = windowSeconds(for: device, attributes: attributes)
        } else if let known = windowsByType[device.type] {
            windows = known
        } else {
            windows = windowSeconds(for: device, attributes: attributes)
            windowsByType[device.type] = windows
        }
        let fields = fields(of: device.type)
        // A rule's match reads only the device and its resolved attributes, both fixed in the
        // profile (a change registers the device again), so it is judged here, not per reading.
        let matching = sharedRuleList((rulesByType[device.type] ?? []).filter { ruleSet.rules[$0].match.matches(device, attributes: attributes) })
        let profile = DeviceProfile(device: device, reportingInterval: interval, attributes: attributes,
                                    windowSeconds: windows, deltaFields: fields.delta, readFields: fields.read,
                                    ruleIndices: matching)
        if let slot = tracks.index(forKey: device.id) {
            let moved = !inhibitionsBySource.isEmpty && Self.labelsDiffer(tracks.values[slot].device, device)
            tracks.values[slot].replaceProfile(profile)
            if moved { recountFiringSources() }
        } else {
            tracks[device.id] = DeviceTrack(profile: profile)
        }
        scheduleAbsences(device: device.id, ruleIndices: matching)
    }

    /// The stored list equal to `list` (sharing its storage), or `list` stored as new.
    private mutating func sharedRuleList(_ list: [Int]) -> [Int] {
        if let index = matchingRuleLists.firstIndex(of: list) { return matchingRuleLists[index] }
        matchingRuleLists.insert(list)
        return list
    }

    private mutating func fields(of type: String) -> (delta: [String], read: [String]) {
        if let known = fieldsByType[type] { return known }
        let conditions = (rulesByType[type] ?? []).flatMap { index -> [RuleCondition] in
            let rule = ruleSet.rules[index]
            return [rule.require, rule.when, rule.clearWhen].compactMap { $0 }
        }
        let fields = (delta: Set(conditions.flatMap(\.compiled.previousFields)).sorted(),
                      read: Set(conditions.flatMap { $0.compiled.fields.map(\.name) }).sorted())
        fieldsByType[type] = fields
        return fields
    }

    private func windowSeconds(for device: Device, attributes: [String: RuleSet.AttributeValue]) -> [String: Double] {
        var windows: [String: Double] = [:]
        for index in rulesByType[device.type] ?? [] {
            let rule = ruleSet.rules[index]
            for condition in [rule.require, rule.when, rule.clearWhen].compactMap({ $0 }) {
                for (field, seconds) in RuleConditionCompiler.windows(of: condition, attributes: attributes) {
                    windows[field] = max(windows[field] ?? 0, seconds)
                }
            }
        }
        return windows
    }

    func timing(_ rule: Rule, track: DeviceTrack) -> RuleTiming {
        rule.timing(reportingInterval: track.reportingInterval, gapIntervals: ruleSet.gapIntervals, attributes: track.attributes)
    }

    /// Evaluates every rule matching the reading's device. Unknown devices are ignored (the
    /// ingest path quarantines them before they get here).
    public mutating func readingArrived(_ reading: RuleReading) -> [AlertEvent] {
        var events = advance(to: reading.atMs)
        // Recorded in place: copying the track out and back would copy its histories. One
        // lookup by index instead of three by id (hashing the id each time).
        guard let slot = tracks.index(forKey: reading.deviceID) else { return events }
        tracks.values[slot].record(reading)
        // One copy of the track, into the context all the device's rules share, and read
        // through it below: each copy retains its five tables, and copying it twice was ~9 %
        // of the rules' time (perf).
        let context = TrackContext(track: tracks.values[slot], nowMs: reading.atMs)
        // The registered id, not the reading's: equal as strings, but the keys keep its form.
        let deviceID = context.track.profile.device.id
        for index in context.track.profile.ruleIndices {
            let rule = ruleSet.rules[index]
            // Only this rule's own writes below change its bit, so the copy's bit holds.
            let mayExist = context.track.mayHoldInstance(ofRule: index)
            if rule.absent != nil {
                guard mayExist else { continue }
                let key = InstanceKey(rule: rule.id, device: deviceID)
                if let instance = instances[key], instance.phase == .firing {
                    setInstance(nil, for: key)
                    events.append(event(.resolved, rule: rule, track: context.track, at: reading.atMs, evidence: reading.values.table))
                    // Back again: watch for the next silence.
                    scheduleAbsence(key)
                }
                continue
            }
            var truth = evaluate(rule.when, context)
            if let require = rule.require, evaluate(require, context) != .true { truth = .unknown }
            // Not `existing ?? AlertInstance()`: the generic operator copied the optional
            // instance through its value witness at every rule of every reading (perf).
            var existing: AlertInstance?
            if mayExist { existing = instances[InstanceKey(rule: rule.id, device: deviceID)] }
            var instance: AlertInstance
            if let existing { instance = existing } else { instance = AlertInstance() }
            if let active = rule.active, instance.phase != .firing, !active.contains(milliseconds: reading.atMs), truth != .unknown {
                truth = .false
            }
            var clearTruth: Truth?
            if instance.phase == .firing, let clearWhen = rule.clearWhen {
                clearTruth = rule.require.map { evaluate($0, context) == .true } == false ? .unknown : evaluate(clearWhen, context)
            }
            let action = instance.conditionEvaluated(truth, clear: clearTruth, at: reading.atMs, rule: timing(rule, track: context.track))
            // Most readings leave most alerts untouched and inactive: skip the write then.
            if existing != nil || instance.phase != .inactive || !instance.occurrencesMs.isEmpty {
                store(instance, key: InstanceKey(rule: rule.id, device: deviceID), rule: rule, track: context.track)
            }
            if let kind = Self.kind(of: action) { events.append(event(kind, rule: rule, track: context.track, at: reading.atMs, evidence: reading.values.table)) }
        }
        // A source rule may fire on the same reading after its target was evaluated.
        for index in events.indices where events[index].kind == .firing && events[index].inhibitedBy == nil && events[index].deviceID == reading.deviceID {
            events[index].inhibitedBy = inhibitor(of: events[index].ruleID, device: context.track.device)
        }
        return events
    }

    func evaluate(_ condition: RuleCondition?, _ context: TrackContext) -> Truth {
        guard let condition else { return .unknown }
        return RuleConditionCompiler.evaluate(condition, in: context)
    }

    mutating func store(_ instance: AlertInstance, key: InstanceKey, rule: Rule, track: DeviceTrack, rearmAfterMs: Int64 = .min) {
        if instance.phase == .inactive && instance.occurrencesMs.isEmpty {
            setInstance(nil, for: key)
            return
        }
        setInstance(instance, for: key)
        if let deadline = instance.nextDeadline(rule: timing(rule, track: track)), deadline > rearmAfterMs { timers.schedule(key, at: deadline) }
    }

    static func kind(of action: AlertInstance.Action) -> AlertEvent.Kind? {
        switch action {
        case .becamePending: .pending
        case .fired: .firing
        case .resolved: .resolved
        case .none, .cancelledPending: nil
        }
    }

    func event(_ kind: AlertEvent.Kind, rule: Rule, track: DeviceTrack, at atMs: Int64, evidence: [String: JSONValue]?) -> AlertEvent {
        var event = AlertEvent(atMs: atMs, kind: kind, ruleID: rule.id, deviceID: track.device.id, severity: rule.severity,
                               community: track.device.community, building: track.device.building,
                               inhibitedBy: kind == .firing ? inhibitor(of: rule.id, device: track.device) : nil, evidence: evidence)
        event.title = rule.title(for: track.device)
        return event
    }

    /// Whether a device's new record moves it between the groups inhibition joins on.
    static func labelsDiffer(_ old: Device, _ new: Device) -> Bool {
        old.community != new.community || old.building != new.building
    }

    /// A registered device, for turning its alerts into tickets.
    public func device(id: String) -> Device? { tracks[id]?.device }

    /// Every registered device (the inventory and those registered since).
    public var devices: [Device] { tracks.values.map(\.device) }

    /// A running rule by id.
    public func rule(id: String) -> Rule? { ruleByID[id] }

    /// The firing source rule that holds back the alert of `ruleID` on device `id` now, if any:
    /// consumers (notifications, tickets) ask this before acting on an alert.
    public func inhibitor(rule ruleID: String, device id: String) -> String? {
        guard let device = tracks[id]?.device else { return nil }
        return inhibitor(of: ruleID, device: device)
    }
}
