#if canImport(Glibc)
import Glibc
#endif
#if canImport(CMalloc)
import CMalloc
#endif
import Devices
import Foundation
import HTTPAPI
import Journal
import Logging
import MQTT
import ServiceLifecycle
import Storage

/// The long-running ingest: the MQTT client appends every message to the journal on its
/// network thread, the pipeline stores them. On graceful shutdown (SIGTERM) it stops reading,
/// disconnects, drains the journal into the database and returns.
public final class IngestService: Service, Sendable {
    public let client: MQTTClient
    /// The alerts' own broker connection (`{client_id}-alerts`): it only publishes, and writes
    /// each alert on the thread that committed its ticket (`MQTTOptions.writesOnPublishingThread`).
    /// On `client` an alert waited for the loop to wake, or to finish journaling the burst it
    /// was reading, and that loop's queue may hold PUBACKs no other thread may write.
    public let alertClient: MQTTClient
    public let pipeline: IngestPipeline
    public let database: any GatewayStore
    public let journal: Journal
    public let statistics: IngestStatistics
    public let rules: RuleEvaluation
    /// The roster, shifts and newest live positions (fed by this service's ingest).
    public let staff: StaffBoard
    let logger: Logger
    let notifier: SystemdNotifier

    /// mosquitto's counter of messages dropped for full queues (published every `sys_interval`).
    static let droppedTopic = "$SYS/broker/publish/messages/dropped"

    public init(setup: GatewaySetup, logger: Logger, notifier: SystemdNotifier = SystemdNotifier(environment: [:]), bell: EventBell = EventBell()) throws {
        let config = setup.config
        self.logger = logger
        self.notifier = notifier
        statistics = IngestStatistics()
        database = try config.openStore(running: true, logger: logger)
        let nowMs = Int64(Date().timeIntervalSince1970 * 1000)
        let (inserted, updated, devices) = try database.loadInventory(setup.inventory, nowMs: nowMs)
        logger.info("inventory loaded", metadata: ["devices": "\(setup.inventory.count)", "new": "\(inserted)", "updated": "\(updated)"])
        journal = try Journal(directory: config.resolvedJournalPath,
                              options: Journal.Options(syncEveryAppend: config.journalSyncEveryAppend))
        let registry = DeviceRegistry(devices, autoRegister: config.autoRegister)
        staff = try StaffBoard(setup: setup, store: database)
        let tickets = TicketOffice(desk: setup.ticketDesk(staff: staff), database: database, logger: logger, metrics: statistics.metrics, bell: bell)
        staff.onRecorded { reports in tickets.positionsReported(reports, nowMs: Int64(Date().timeIntervalSince1970 * 1000)) }
        // Warnings that fell due while the gateway was down fire now, before new alerts arrive.
        tickets.resume(nowMs: nowMs)
        rules = try RuleEvaluation(setup: setup, database: database, devices: devices, nowMs: nowMs, logger: logger, metrics: statistics.metrics,
                                   tickets: tickets)
        let rules = rules
        let decoder = try setup.makeDecoder()
        let staffIntake = try StaffIntake(setup: setup, board: staff)
        var subscriptions = [decoder.telemetry.subscriptionFilter]
        if let status = decoder.status { subscriptions.append(status.subscriptionFilter) }
        subscriptions.append(staffIntake.layout.subscriptionFilter)
        let requestIntake = try RequestIntake(setup: setup, tickets: tickets)
        subscriptions.append(requestIntake.layout.subscriptionFilter)
        // The broker's own count of messages it dropped (queue limits): watched, not stored.
        subscriptions.append(Self.droppedTopic)
        client = try Self.makeClient(config: config, subscriptions: subscriptions, journal: journal, statistics: statistics, logger: logger)
        let client = client
        alertClient = try MQTTClient(options: try Self.alertOptions(config: config), logger: logger)
        pipeline = IngestPipeline(journal: journal, database: database, decoder: decoder, registry: registry, statistics: statistics,
                                  logger: logger, batchSize: config.batchSize, batchLinger: config.batchLingerSeconds,
                                  maxBacklogBytes: config.journalMaxBacklogBytes,
                                  onBackpressure: { paused in client.setPaused(paused) },
                                  onDecoded: { readings, newDevices in rules.evaluate(readings, newDevices: newDevices) },
                                  onStored: { events in rules.publish(events, storedWithReadings: true) },
                                  staff: staffIntake, requests: requestIntake)
    }

    /// The broker session: each message is journaled before anything else, and the burst's
    /// acknowledgements wait until the journal has it on disk.
    private static func makeClient(config: GatewayConfig, subscriptions: [String], journal: Journal, statistics: IngestStatistics,
                                   logger: Logger) throws -> MQTTClient {
        return try MQTTClient(options: try config.mqttOptions(subscriptions: subscriptions), logger: logger) { message in
            if message.topic == Self.droppedTopic {
                // QoS 0 from the broker itself: nothing to journal or acknowledge.
                if let count = Int(String(decoding: message.payload, as: UTF8.self).trimmingCharacters(in: .whitespaces)) {
                    statistics.brokerDropped.store(count, ordering: .relaxed)
                    _ = statistics.brokerDroppedFirst.compareExchange(expected: -1, desired: count, ordering: .relaxed)
                }
                return
            }
            let receivedAtMs = Int64(Date().timeIntervalSince1970 * 1000)
            guard journal.stage(topic: message.topic, payload: message.payload, receivedAtMs: receivedAtMs) else {
                logger.critical("journal refused a message; exiting so the broker redelivers", metadata: ["error": "\(journal.failure ?? "?")"])
                _exit(75)
            }
            statistics.received.add(1, ordering: .relaxed)
            statistics.metrics.received.increment()
        } beforeAcknowledging: {
            guard journal.flush() else {
                // The PUBACKs of this burst are queued and would go out next: end the process
                // now so the broker redelivers instead of us acknowledging what is not on disk.
                logger.critical("journal write failed; exiting so the broker redelivers", metadata: ["error": "\(journal.failure ?? "?")"])
                _exit(75)
            }
            return true
        }
    }

    /// The alerts' connection: the gateway's broker and credentials, no subscriptions, no last
    /// will (the ingest session's availability speaks for the gateway), and a clean session,
    /// since the broker keeps nothing for a client that only publishes: what was in flight at a
    /// disconnect libmosquitto sends again, and what was never handed over the store still has.
    static func alertOptions(config: GatewayConfig) throws -> MQTTOptions {
        var options = try config.mqttOptions(subscriptions: [])
        options.clientID = "\(config.clientID)-alerts"
        options.cleanSession = true
        options.availability = nil
        options.writesOnPublishingThread = true
        return options
    }

    public func run() async throws {
        #if canImport(CMalloc)
        // The start (inventory parsed and upserted, rule state loaded and warmed) leaves freed
        // heap pages behind in glibc's arenas: hand them back before ingest begins.
        malloc_trim(0)
        #endif
        try pipeline.start()
        client.start { SystemThreadName.set("mqtt-loop") }
        alertClient.start { SystemThreadName.set("mqtt-alerts") }
        logger.info("gridwatch ingest running", metadata: ["journal": "\(journal.directory)", "store": "\(database.location)"])
        notifier.notify("READY=1\nSTATUS=ingesting")
        try? await gracefulShutdown()
        notifier.notify("STOPPING=1\nSTATUS=draining the journal")
        logger.info("shutting down: disconnecting from the broker and draining the journal")
        client.stop()
        alertClient.stop()
        let drained = pipeline.drainAndStop(timeout: 120)
        // The drained readings went through the rules too: save their state last. Not when a
        // batch the rules saw could not be stored: the journal gives it to them again at the
        // next start, and a saved state holding it would count it twice.
        if statistics.pipelineFailure == nil { rules.save() }
        let totals = try? database.ingestTotals()
        logger.info("ingest stopped", metadata: ["drained": "\(drained)", "stored_total": "\(totals?.stored ?? -1)",
                                                  "duplicates_total": "\(totals?.duplicates ?? -1)", "rejected_total": "\(totals?.rejected ?? -1)"])
    }

    /// The Prometheus exposition, gauges refreshed at scrape time.
    public func metricsText() -> String {
        let metrics = statistics.metrics
        metrics.backlogBytes.set(Int64(statistics.backlogBytes.load(ordering: .relaxed)))
        metrics.brokerConnected.set(Int64(client.isConnected ? 1 : 0))
        let (loaded, firing) = rules.counts
        metrics.rulesLoaded.set(Int64(loaded))
        metrics.alertsFiring.set(Int64(firing))
        metrics.rulesReloadFailed.set(Int64(rules.lastReloadFailure == nil ? 0 : 1))
        rules.tickets?.refreshGauges()
        metrics.brokerDropped.set(Int64(statistics.brokerDropped.load(ordering: .relaxed)))
        if let newest = try? database.newestReadingByType() {
            let nowMs = Int64(Date().timeIntervalSince1970 * 1000)
            metrics.setNewestReadingAge(newest.mapValues { Double(max(nowMs - $0, 0)) / 1000 })
        }
        metrics.setSocketCalls { client.socketCounts }
        if let checkpointer = (database as? GatewayDatabase)?.checkpointer {
            metrics.setLogCopies({ checkpointer.tally }, fileBytes: checkpointer.logFileBytes)
        }
        return metrics.render()
    }

    /// What `/readyz` reports: broker connected, database writable, pipeline healthy.
    public func readiness() -> ReadinessReport {
        var checks: [String: String] = [:]
        switch (client.state, alertClient.state) {
        case (.connected, .connected): checks["broker"] = "ok"
        case (.connected, .connecting): checks["broker"] = "alerts connection connecting"
        case let (.connected, .disconnected(reason)): checks["broker"] = "alerts connection: \(reason)"
        case (.connecting, _): checks["broker"] = "connecting"
        case let (.disconnected(reason), _): checks["broker"] = reason
        }
        checks["database"] = database.checkWritable() ?? "ok"
        checks["pipeline"] = statistics.pipelineFailure ?? "ok"
        checks["journal"] = journal.failure ?? "ok"
        var warnings: [String: String] = [:]
        // A rejected reload leaves the previous rules running: degraded, not unready.
        if let failure = rules.lastReloadFailure { warnings["rules_reload"] = "previous rules running; reload failed: \(failure.prefix(500))" }
        return ReadinessReport(checks: checks, stats: [
            "received": statistics.received.load(ordering: .relaxed),
            "stored": statistics.stored.load(ordering: .relaxed),
            "duplicates": statistics.duplicates.load(ordering: .relaxed),
            "rejected": statistics.rejected.load(ordering: .relaxed),
            "backlog_bytes": statistics.backlogBytes.load(ordering: .relaxed),
            "last_commit_us": statistics.lastCommitMicroseconds.load(ordering: .relaxed),
            // Commits so far: with `stored`, how many readings each commit shared (bench/alert-latency).
            "batches": statistics.batches.load(ordering: .relaxed),
        ], warnings: warnings)
    }
}
