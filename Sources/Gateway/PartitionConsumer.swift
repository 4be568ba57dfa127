import Devices
import Dispatch
import Foundation
import Logging
import MQTT
import PostgresStorage
import Rules
import Storage
import Synchronization

/// One owned partition (a community) in cluster mode: its own MQTT client
/// (`{mqtt.client_id}-{community}`, persistent session, that community's topics only) and its
/// own rules engine. Each burst the network loop reads is decoded and committed to PostgreSQL
/// in one fenced transaction before its PUBACKs may leave; a burst that cannot commit (the
/// store is down, or a newer owner fenced us off) cuts the connection instead, so the broker
/// keeps the messages for whoever consumes next.
final class PartitionConsumer: Sendable {
    let fence: PartitionFence
    let store: PostgresStore
    let rules: RuleEvaluation
    let statistics: IngestStatistics
    let logger: Logger
    private let decoder: PayloadDecoder
    private let staff: StaffIntake
    private let requests: RequestIntake
    private let registry: Mutex<DeviceRegistry>
    private let staged = Mutex<[(topic: String, payload: [UInt8], receivedAtMs: Int64)]>([])
    /// Held across store-then-evaluate and across a checkpoint, so a checkpoint's watermark
    /// never covers a reading the rules have not seen.
    private let processing = Mutex<Void>(())
    private let failure = Mutex<String?>(nil)
    private let client = Mutex<MQTTClient?>(nil)

    /// Builds the partition's rules from its checkpoint and replays what was stored after it.
    init(fence: PartitionFence, setup: GatewaySetup, store: PostgresStore, devices: [Device], tickets: TicketOffice, staff: StaffIntake,
         statistics: IngestStatistics, logger: Logger, nowMs: Int64) throws {
        self.fence = fence
        self.store = store
        self.statistics = statistics
        var logger = logger
        logger[metadataKey: "partition"] = "\(fence.partition)"
        self.logger = logger
        decoder = try setup.makeDecoder()
        self.staff = staff
        requests = try RequestIntake(setup: setup, tickets: tickets)
        registry = Mutex(DeviceRegistry(devices, autoRegister: setup.config.autoRegister))
        let partitionDevices = devices.filter { $0.community == fence.partition }
        let saved = try store.loadRuleState(partition: fence.partition)
        let snapshot = try saved.map { try RuleEngine.Snapshot(jsonData: $0.snapshot) }
        rules = try RuleEvaluation(setup: setup, database: store, devices: partitionDevices, nowMs: nowMs, logger: logger,
                                   metrics: statistics.metrics, tickets: tickets, initialState: .given(snapshot))
        let replayed = try replay(after: saved?.watermark ?? 0)
        logger.notice("partition taken", metadata: ["epoch": "\(fence.epoch)", "devices": "\(partitionDevices.count)",
                                                     "checkpoint": "\(saved != nil)", "replayed": "\(replayed)"])
    }

    /// Readings stored after the checkpoint go through the rules again, so holds, windows and
    /// absence timers continue where the last owner's checkpoint left them.
    private func replay(after watermark: Int64) throws -> Int {
        // A fresh partition has no checkpoint: its history is not replayed (the rules warm
        // their windows from recent readings instead).
        guard watermark > 0 else { return 0 }
        var after = watermark
        var count = 0
        while true {
            let page = try store.ruleReadings(community: fence.partition, afterID: after, limit: 5000)
            rules.replay(page.map(\.reading))
            count += page.count
            guard let last = page.last, page.count == 5000 else { return count }
            after = last.id
        }
    }

    /// Connects and starts consuming.
    func start(setup: GatewaySetup) throws {
        let config = setup.config
        let layout = try TopicLayout(config.telemetryPattern)
        var subscriptions = [layout.subscriptionFilter(community: fence.partition)]
        if let status = config.statusPattern { subscriptions.append(try TopicLayout(status).subscriptionFilter(community: fence.partition)) }
        subscriptions.append(staff.layout.subscriptionFilter(community: fence.partition))
        subscriptions.append(requests.layout.subscriptionFilter(community: fence.partition))
        var options = try config.mqttOptions(subscriptions: subscriptions)
        options.clientID = "\(config.clientID)-\(fence.partition)"
        // The gateway's availability is the instance's, not a partition's.
        options.availability = nil
        let newClient = try MQTTClient(options: options, logger: logger) { [self] message in
            let payload = Array(message.payload)
            staged.withLock { $0.append((message.topic, payload, Int64(Date().timeIntervalSince1970 * 1000))) }
            statistics.received.add(1, ordering: .relaxed)
            statistics.metrics.received.increment()
        } beforeAcknowledging: { [self] in flush() }
        client.withLock { $0 = newClient }
        newClient.start { SystemThreadName.set("mqtt-partition") }
    }

    /// Decodes and commits the staged burst, then runs the rules over it. False: nothing of the
    /// burst is acknowledged (the loop cuts the connection and ends).
    private func flush() -> Bool {
        let messages = staged.withLock { staged in defer { staged = [] }; return staged }
        guard !messages.isEmpty else { return true }
        return processing.withLock { _ in
            var batch = IngestBatch(journalPosition: 0)
            registry.withLock { registry in
                for message in messages { decode(message, into: &batch, registry: &registry) }
            }
            let started = DispatchTime.now().uptimeNanoseconds
            do {
                let result = try store.store(batch, fence: fence)
                statistics.stored.add(result.stored, ordering: .relaxed)
                statistics.duplicates.add(result.duplicates, ordering: .relaxed)
                statistics.rejected.add(result.rejected, ordering: .relaxed)
                statistics.metrics.stored.increment(by: Int64(result.stored))
                statistics.lastCommitMicroseconds.store(Int((DispatchTime.now().uptimeNanoseconds - started) / 1000), ordering: .relaxed)
            } catch {
                let reason = PostgresStore.describe(error)
                failure.withLock { $0 = reason }
                logger.error("a burst could not be committed; not acknowledging it", metadata: ["error": "\(reason)", "messages": "\(messages.count)"])
                return false
            }
            if !batch.readings.isEmpty { rules.readingsStored(batch.readings, newDevices: batch.newDevices) }
            staff.board.record(batch.staffPositions)
            requests.stored(batch)
            return true
        }
    }

    private func decode(_ message: (topic: String, payload: [UInt8], receivedAtMs: Int64), into batch: inout IngestBatch, registry: inout DeviceRegistry) {
        if staff.append(topic: message.topic, payload: message.payload, receivedAtMs: message.receivedAtMs, to: &batch, statistics: statistics) { return }
        if requests.append(topic: message.topic, payload: message.payload, receivedAtMs: message.receivedAtMs, registry: registry, to: &batch,
                           statistics: statistics) { return }
        let outcome = decoder.decode(topic: message.topic, payload: message.payload, receivedAtMs: message.receivedAtMs, registry: registry)
        batch.append(outcome, registry: &registry, statistics: statistics)
    }

    /// Saves the rules' state with the newest readings id it covers, fenced.
    func checkpoint() throws {
        try processing.withLock { _ in
            let watermark = try store.newestReadingID()
            let snapshot = rules.snapshot()
            try store.saveRuleState(try snapshot.jsonData(), savedAtMs: snapshot.savedAtMs, watermark: watermark, fence: fence)
        }
    }

    /// Why the last burst failed, while the consumer is cut off (nil while healthy).
    var lastFailure: String? { failure.withLock { $0 } }

    /// The loop ended by itself: a burst could not be committed.
    var hasFailed: Bool { client.withLock { $0?.hasStopped ?? false } && lastFailure != nil }

    var isConnected: Bool { client.withLock { $0?.isConnected ?? false } }
    /// The broker link as the rules last heard of it: absence timers are held back while it is
    /// down, so an outage of our own link does not judge a whole community absent.
    private let linkUp = Mutex<Bool>(true)

    /// Moves the partition's rule clock, telling the rules first when the link went up or down.
    func tick(nowMs: Int64) {
        let connected = isConnected
        let changed = linkUp.withLock { up -> Bool in defer { up = connected }; return up != connected }
        if changed { rules.linkChanged(up: connected, atMs: nowMs) }
        if connected { rules.tick(nowMs: nowMs) }
    }
    var loopHeartbeatMs: Int64 { client.withLock { $0?.loopHeartbeatMs ?? 0 } }

    /// Disconnects (the broker keeps queueing in the persistent session); with `checkpoint`,
    /// saves the rules' state first so the next owner has nothing to replay.
    func stop(checkpoint saveState: Bool) {
        let current = client.withLock { client in defer { client = nil }; return client }
        current?.stop()
        if saveState {
            do { try checkpoint() } catch { logger.warning("final checkpoint failed", metadata: ["error": "\(error)"]) }
        }
    }
}
