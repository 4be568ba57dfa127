import Devices
import Formats
import Foundation
import Logging
import Rules
import Storage
import Synchronization

/// The live side of the rules engine: stored readings go in, alert events come out (logged,
/// and firing and resolved ones kept in `alert_events`), timers are driven by the clock, the state is saved so a
/// restart resumes it, and rule files are reloaded safely.
public final class RuleEvaluation: Sendable {
    let engine: Mutex<RuleEngine>
    let database: any GatewayStore
    let logger: Logger
    let rulesPath: String
    let catalog: DeviceTypeCatalog
    let tiers: Set<String>
    let metrics: GatewayMetrics?
    /// Where firing alerts become tickets (nil in tests of the rules alone).
    public let tickets: TicketOffice?
    private let reloadFailure = Mutex<String?>(nil)
    /// The broker's dropped-messages counter as last seen, and when it last rose while the
    /// `broker_dropped_messages` alert fires.
    private let dropWatch = Mutex<(last: Int?, firingSinceRiseMs: Int64?)>((nil, nil))
    /// Quiet this long after the last drop, the broker alert resolves.
    static let dropQuietMs: Int64 = 15 * 60_000

    /// Where the engine's state at start comes from: the store's single checkpoint, or one the
    /// caller loaded (a cluster partition's, fenced and with its replay watermark).
    public enum InitialState: Sendable {
        case fromStore
        case given(RuleEngine.Snapshot?)
    }

    public init(setup: GatewaySetup, database: any GatewayStore, devices: [Device], nowMs: Int64, logger: Logger,
                metrics: GatewayMetrics? = nil, tickets: TicketOffice? = nil, initialState: InitialState = .fromStore) throws {
        self.database = database
        self.tickets = tickets
        self.metrics = metrics
        self.logger = logger
        rulesPath = setup.config.rulesPath
        catalog = setup.catalog
        tiers = setup.config.tiers
        var engine = RuleEngine(ruleSet: setup.rules, catalog: setup.catalog, devices: devices, startMs: nowMs)
        let restored: RuleEngine.Snapshot? = switch initialState {
        case .fromStore: try database.loadRuleState()
        case let .given(snapshot): snapshot
        }
        if let snapshot = restored {
            engine.restore(snapshot)
            logger.notice("rule state restored", metadata: ["alerts": "\(snapshot.instances.count)", "saved_at": "\(RFC3339.format(milliseconds: snapshot.savedAtMs))"])
        }
        let window = engine.longestWindowSeconds
        if window > 0 {
            let (history, skipped) = try Self.warmHistory(of: engine, sinceMs: nowMs - Int64(window * 1000), database: database)
            engine.warm(with: history)
            logger.info("rules warmed with stored history", metadata: ["readings": "\(history.count)", "skipped": "\(skipped)"])
        }
        self.engine = Mutex(engine)
        logger.info("rules loaded", metadata: ["rules": "\(setup.rules.rules.count)", "directory": "\(rulesPath)"])
    }

    /// The stored readings since `sinceMs` that `engine`'s warm-up needs, and how many it
    /// skipped. A function of its own so that the selection, which shares the engine's tracks,
    /// is gone before `warm` changes them.
    private static func warmHistory(of engine: RuleEngine, sinceMs: Int64, database: any GatewayStore) throws -> ([RuleReading], Int) {
        var selection = engine.warmSelection(sinceMs: sinceMs)
        let history = try database.ruleReadings(sinceMs: sinceMs, selecting: &selection)
        return (history, selection.skippedCount)
    }

    /// Evaluates freshly stored readings (called on the ingest thread).
    public func readingsStored(_ readings: [Reading], newDevices: [Device] = []) {
        publish(evaluate(readings[...], newDevices: newDevices))
    }

    /// Runs readings through the rules and returns what they said, for the caller to `publish`
    /// once the readings are stored (the ingest pipeline evaluates a batch before its commit, so
    /// a batch that fires is committed without waiting for others to share it).
    public func evaluate(_ readings: ArraySlice<Reading>, newDevices: [Device] = []) -> [AlertEvent] {
        metrics?.ruleEvaluations.increment(by: Int64(readings.count))
        return engine.withLock { engine in
            for device in newDevices { engine.register(device) }
            var events: [AlertEvent] = []
            // By index, taking the three fields the rules read: `for reading in` copied each
            // whole reading out (a retain of each of its fields).
            for index in readings.indices {
                let fired = engine.readingArrived(RuleReading(deviceID: readings[index].deviceID, atMs: readings[index].receivedAtMs,
                                                              values: readings[index].values))
                if !fired.isEmpty { events += fired }
            }
            return events
        }
    }

    /// Moves the rules clock to `nowMs` (only called while ingest is caught up, so a backlog
    /// being drained is judged by its own receive times, not by the wall clock).
    public func tick(nowMs: Int64) { publish(engine.withLock { $0.advance(to: nowMs) }) }

    public func linkChanged(up: Bool, atMs: Int64) {
        publish(engine.withLock { $0.linkChanged(up: up, at: atMs) })
    }

    public func register(_ device: Device) { engine.withLock { $0.register(device) } }

    /// Runs stored readings through the rules again, in order (a new owner's replay of what was
    /// stored after the checkpoint it loaded).
    public func replay(_ readings: [RuleReading]) {
        guard !readings.isEmpty else { return }
        publish(engine.withLock { engine in readings.flatMap { engine.readingArrived($0) } })
    }

    /// The engine's state now, for a checkpoint the caller stores itself.
    public func snapshot() -> RuleEngine.Snapshot { engine.withLock { $0.snapshot() } }

    /// Saves the rules' state, written as JSON under the engine's lock and stored outside it.
    /// At 100,000 devices (10.7 MB of JSON) the lock is held 40–57 ms a save; written as
    /// `String`s, with each track copied out of its map, it was 89–149 ms (`encode_ms` below,
    /// `bench/ingest --devices 100000` at `--log-level debug`).
    public func save() {
        let startedNs = DispatchTime.now().uptimeNanoseconds
        let encoded = engine.withLock { $0.encodedSnapshot() }
        let encodedNs = DispatchTime.now().uptimeNanoseconds
        do { try database.saveRuleState(encoded) } catch { logger.error("saving rule state failed", metadata: ["error": "\(error)"]) }
        logger.debug("rule state saved", metadata: ["bytes": "\(encoded.byteCount)", "encode_ms": "\((encodedNs - startedNs) / 1_000_000)",
                                                    "store_ms": "\((DispatchTime.now().uptimeNanoseconds - encodedNs) / 1_000_000)"])
    }

    /// Raises `broker_dropped_messages` when the broker's dropped counter rises (its queue limits
    /// threw away messages: data lost before it reached us), resolved after a quiet spell.
    /// `firstHeard`: the counter's first value since start, the baseline of the first sample.
    public func brokerDroppedCounter(_ count: Int, firstHeard: Int, nowMs: Int64) {
        let change: AlertEvent? = dropWatch.withLock { watch in
            defer { watch.last = count }
            if watch.last == nil, firstHeard >= 0 { watch.last = firstHeard }
            if let last = watch.last, count > last {
                let firing = watch.firingSinceRiseMs == nil
                watch.firingSinceRiseMs = nowMs
                return firing ? AlertEvent(atMs: nowMs, kind: .firing, ruleID: "broker_dropped_messages", deviceID: "broker", severity: "general",
                                           community: "", building: "",
                                           evidence: ["dropped_total": .int(Int64(count)), "dropped_now": .int(Int64(count - last))]) : nil
            }
            if let rise = watch.firingSinceRiseMs, nowMs - rise >= Self.dropQuietMs {
                watch.firingSinceRiseMs = nil
                return AlertEvent(atMs: nowMs, kind: .resolved, ruleID: "broker_dropped_messages", deviceID: "broker", severity: "general",
                                  community: "", building: "")
            }
            return nil
        }
        if let change {
            if change.kind == .firing {
                logger.error("the broker dropped messages (its queue limits): data lost before it reached gridwatch", metadata: ["dropped_total": "\(count)"])
            }
            publish([change])
        }
    }

    /// Why the last reload failed, while the previous rules keep running.
    public var lastReloadFailure: String? { reloadFailure.withLock { $0 } }

    /// Rules running and alerts firing now.
    public var counts: (rules: Int, firing: Int) { engine.withLock { ($0.ruleSet.rules.count, $0.firing.count) } }

    /// Re-reads the rule files. Any error rejects the whole new set: the running rules stay,
    /// the errors are logged, and the failure is raised as an alert of its own.
    @discardableResult
    public func reload(nowMs: Int64) -> Bool {
        var diagnostics = DiagnosticList()
        let newSet = RuleFileParser.load(directory: rulesPath, catalog: catalog, tiers: tiers, diagnostics: &diagnostics)
        if diagnostics.hasErrors {
            let summary = diagnostics.errors.map(\.description).joined(separator: "\n")
            logger.error("rule reload rejected; the previous rules keep running", metadata: ["errors": "\(diagnostics.errors.count)", "first": "\(diagnostics.errors[0])"])
            let firstTime = reloadFailure.withLock { failure -> Bool in
                defer { failure = summary }
                return failure == nil
            }
            if firstTime {
                publish([AlertEvent(atMs: nowMs, kind: .firing, ruleID: "rules_reload_failed", deviceID: "gateway", severity: "general",
                                    community: "", building: "", evidence: ["errors": .string(summary)])])
            }
            return false
        }
        engine.withLock { $0.reload(newSet) }
        let wasFailing = reloadFailure.withLock { failure -> Bool in
            defer { failure = nil }
            return failure != nil
        }
        if wasFailing {
            publish([AlertEvent(atMs: nowMs, kind: .resolved, ruleID: "rules_reload_failed", deviceID: "gateway", severity: "general", community: "", building: "")])
        }
        logger.notice("rules reloaded", metadata: ["rules": "\(newSet.rules.count)"])
        return true
    }

    /// The events kept in `alert_events`. Pending is not an alert yet (a door just opened):
    /// counted in the metrics, not kept as history; storing it cost a write transaction per
    /// batch on busy doors.
    static func history(_ events: [AlertEvent]) -> [AlertEvent] { events.filter { $0.kind != .pending } }

    /// Logs, stores and hands on to the tickets what the rules said. `storedWithReadings`: the
    /// ingest pipeline committed the history with the batch that caused it.
    public func publish(_ events: [AlertEvent], storedWithReadings: Bool = false) {
        guard !events.isEmpty else { return }
        for event in events {
            metrics?.alertEvent(event.kind.rawValue)
            let metadata: Logger.Metadata = ["rule": "\(event.ruleID)", "device": "\(event.deviceID)", "severity": "\(event.severity)",
                                             "inhibited_by": "\(event.inhibitedBy ?? "-")"]
            if event.kind == .firing && event.severity == "emergency" && event.inhibitedBy == nil {
                logger.warning("\(event.kind.rawValue)", metadata: metadata)
            } else if event.kind == .pending {
                // Every door that opens starts a pending `door_left_open`: stored, but not worth a log line.
                logger.debug("\(event.kind.rawValue)", metadata: metadata)
            } else {
                logger.info("\(event.kind.rawValue)", metadata: metadata)
            }
        }
        if !storedWithReadings {
            do { try database.storeAlertEvents(Self.history(events)) } catch {
                logger.error("storing alert events failed", metadata: ["error": "\(error)", "events": "\(events.count)"])
            }
        }
        if let tickets {
            let firings = engine.withLock { engine in
                events.compactMap { event -> TicketOffice.Firing? in
                    guard event.kind != .pending, let rule = engine.rule(id: event.ruleID), let device = engine.device(id: event.deviceID) else { return nil }
                    return TicketOffice.Firing(event: event, rule: rule, device: device)
                }
            }
            tickets.alertsHappened(firings)
        }
    }
}
