import Devices

extension RuleEngine {
    /// Why `explain` has nothing to say.
    public enum ExplainError: Error, Sendable, Equatable, CustomStringConvertible {
        case unknownDevice(String)
        case unknownRule(String)
        case ruleDoesNotMatch(rule: String, device: String)

        public var description: String {
            switch self {
            case let .unknownDevice(id): "unknown device '\(id)'"
            case let .unknownRule(id): "unknown rule '\(id)'"
            case let .ruleDoesNotMatch(rule, device): "rule '\(rule)' does not watch device '\(device)'"
            }
        }
    }

    /// The explanation of every rule watching `deviceID` (or only `ruleID`) at `atMs`, on a
    /// copy of this engine moved on to `atMs`: the engine itself is left as it is. An `atMs`
    /// before the engine's clock explains the engine's present.
    public func explain(device deviceID: String, rule ruleID: String? = nil, at atMs: Int64) throws(ExplainError) -> [RuleExplanation] {
        var engine = self
        _ = engine.advance(to: atMs)
        return try engine.explanations(device: deviceID, rule: ruleID)
    }

    /// A fresh engine that has seen `readings` (delivered in time order) up to `atMs` and
    /// run its clock on to `atMs`: how `rules explain` rebuilds the state of a moment from
    /// stored readings or a capture. Readings after `atMs` are left out.
    public static func replayed(ruleSet: RuleSet, catalog: DeviceTypeCatalog, devices: [Device], readings: [RuleReading],
                                startMs: Int64, upTo atMs: Int64) -> RuleEngine {
        var engine = RuleEngine(ruleSet: ruleSet, catalog: catalog, devices: devices, startMs: min(startMs, atMs))
        for reading in readings.sorted(by: { $0.atMs < $1.atMs }) where reading.atMs <= atMs {
            _ = engine.readingArrived(reading)
        }
        _ = engine.advance(to: atMs)
        return engine
    }

    private func explanations(device deviceID: String, rule ruleID: String?) throws(ExplainError) -> [RuleExplanation] {
        guard let track = tracks[deviceID] else { throw .unknownDevice(deviceID) }
        let watching = ruleSet.rules.filter { $0.match.matches(track.device, attributes: track.attributes) }
        guard let ruleID else { return watching.map { explanation(of: $0, track: track) } }
        guard ruleByID[ruleID] != nil else { throw .unknownRule(ruleID) }
        guard let rule = watching.first(where: { $0.id == ruleID }) else { throw .ruleDoesNotMatch(rule: ruleID, device: deviceID) }
        return [explanation(of: rule, track: track)]
    }

    private func explanation(of rule: Rule, track: DeviceTrack) -> RuleExplanation {
        let key = InstanceKey(rule: rule.id, device: track.device.id)
        let instance = instances[key] ?? AlertInstance()
        let timing = timing(rule, track: track)
        // Conditions are judged as the engine judged them: on the last reading, at its time.
        let context = TrackContext(track: track, nowMs: track.currentAtMs ?? nowMs)
        let terms = RuleExplanationTerms(schema: RuleConditionCompiler.schema(deviceType: rule.match.type.flatMap { catalog[$0] },
                                                                               attributes: ruleSet.attributes),
                                         context: context, hasReading: track.currentAtMs != nil)
        let conditions: [RuleExplanation.Condition] = [(RuleExplanation.Role.require, rule.require), (.when, rule.when), (.clear, rule.clearWhen)]
            .compactMap { role, condition in condition.map { terms.explain($0, role: role) } }
        return RuleExplanation(ruleID: rule.id, deviceID: track.device.id, deviceType: track.device.type, severity: rule.severity, atMs: nowMs, phase: instance.phase,
                               pendingSinceMs: instance.pendingSinceMs, firingSinceMs: instance.firingSinceMs, clear: timing.clear,
                               lastReadingMs: track.currentAtMs, staleAfterMs: timing.gapToleranceMs, conditions: conditions,
                               progress: progress(rule, key: key, instance: instance, timing: timing, track: track),
                               schedule: rule.active.map { schedule($0) }, inhibitions: inhibitions(of: rule.id, device: track.device))
    }

    private func progress(_ rule: Rule, key: InstanceKey, instance: AlertInstance, timing: RuleTiming,
                          track: DeviceTrack) -> RuleExplanation.Progress? {
        if let silence = rule.absent {
            return .silence(lastHeardMs: track.lastSeenMs, silenceMs: silence.milliseconds(interval: track.reportingInterval),
                            deadlineMs: absenceDeadline(key, rule: rule, track: track), linkUp: linkUp)
        }
        switch instance.phase {
        case .pending:
            guard let since = instance.pendingSinceMs, let last = instance.lastTrueMs else { return nil }
            return .hold(sinceMs: since, holdMs: timing.holdMs, lastTrueMs: last, gapToleranceMs: timing.gapToleranceMs)
        case .firing:
            switch timing.clear {
            case let .condition(holdMs): return .clearHold(sinceMs: instance.clearingSinceMs, holdMs: holdMs)
            case let .quiet(quietMs): return instance.lastTrueMs.map { .quiet(lastTrueMs: $0, quietMs: quietMs) }
            case .whenFalse, .manual: return nil
            }
        case .inactive:
            guard let count = timing.count else { return nil }
            let inWindow = instance.occurrencesMs.filter { $0 > nowMs - count.withinMs }
            return .count(occurrencesMs: inWindow, atLeast: count.atLeast, withinMs: count.withinMs)
        }
    }

    private func schedule(_ active: ActiveSchedule) -> RuleExplanation.Schedule {
        func clock(_ minute: Int) -> String {
            let hours = String(minute / 60), minutes = String(minute % 60)
            return String(repeating: "0", count: 2 - hours.count) + hours + ":" + String(repeating: "0", count: 2 - minutes.count) + minutes
        }
        var text = clock(active.fromMinute) + "-" + clock(active.toMinute)
        if active.weekdays != ActiveSchedule.allWeekdays {
            let names = ActiveSchedule.weekdayNames.sorted { $0.value < $1.value }.filter { active.weekdays.contains($0.value) }.map(\.key)
            text += " " + names.joined(separator: ",")
        }
        return RuleExplanation.Schedule(text: text, activeNow: active.contains(milliseconds: nowMs), nextEdgeMs: active.nextEdge(after: nowMs))
    }

    private func inhibitions(of ruleID: String, device: Device) -> [RuleExplanation.Inhibition] {
        ruleSet.inhibitions.filter { $0.targets.contains(ruleID) }.map { inhibition in
            let firing = instances.filter { $0.key.rule == inhibition.source && $0.value.phase == .firing }.map(\.key.device).sorted()
            let holder = firing.first { id in tracks[id].map { inhibition.joins($0.device, device) } ?? false }
            return RuleExplanation.Inhibition(source: inhibition.source, equal: inhibition.equal, firingOn: holder)
        }
    }
}
