#if canImport(Glibc)
import Glibc
#endif
import Devices
import Dispatch
import Foundation
import HTTPAPI
import Logging
import MQTT
import PostgresStorage
import ServiceLifecycle
import Storage

/// `gridwatch run` on a PostgreSQL store: one instance of a cluster. It claims its name,
/// joins, and lets the coordinator own partitions; a message is acknowledged only once it is
/// committed to PostgreSQL (no local journal: a journal on a machine that died helps nobody).
/// Its own MQTT client (`{mqtt.client_id}-{instance}`) carries the instance's availability and,
/// on the services owner, the MQTT alerts.
public final class ClusterService: Service, Sendable {
    public let store: PostgresStore
    public let tickets: TicketOffice
    public let statistics: IngestStatistics
    public let publisher: MQTTClient
    public let instance: String
    /// Roster, shifts and the live positions this instance's partitions received.
    public let staff: StaffBoard
    let coordinator: ClusterCoordinator
    let logger: Logger
    let notifier: SystemdNotifier

    public init(setup: GatewaySetup, logger: Logger, notifier: SystemdNotifier = SystemdNotifier(environment: [:]), bell: EventBell = EventBell()) throws {
        let config = setup.config
        guard try TopicLayout(config.telemetryPattern).namesCommunity else {
            throw GatewayError("cluster mode partitions by community: topics.telemetry must name {community} (\(config.telemetryPattern))")
        }
        instance = config.resolvedInstanceName
        var logger = logger
        logger[metadataKey: "instance"] = "\(instance)"
        self.logger = logger
        self.notifier = notifier
        // Partition clients are `{client_id}-{community}`, the instance's own `{client_id}-{instance}`:
        // the same name would make the two take each other's broker session over.
        let name = instance
        if setup.inventory.contains(where: { $0.community == name }) {
            throw GatewayError("--instance '\(name)' is also a community's name; pick another (the MQTT client ids would collide)")
        }
        guard let store = try config.openStore(logger: logger) as? PostgresStore else { throw GatewayError("cluster mode needs a PostgreSQL store") }
        self.store = store
        try store.registerInstance(instance)
        statistics = IngestStatistics()
        let nowMs = Int64(Date().timeIntervalSince1970 * 1000)
        let (inserted, updated, devices) = try store.loadInventory(setup.inventory, nowMs: nowMs)
        logger.info("inventory loaded", metadata: ["devices": "\(setup.inventory.count)", "new": "\(inserted)", "updated": "\(updated)"])
        staff = try StaffBoard(setup: setup, store: store)
        let tickets = TicketOffice(desk: setup.ticketDesk(staff: staff), database: store, logger: logger, metrics: statistics.metrics, bell: bell)
        self.tickets = tickets
        tickets.resume(nowMs: nowMs)
        staff.onRecorded { reports in tickets.positionsReported(reports, nowMs: Int64(Date().timeIntervalSince1970 * 1000)) }
        coordinator = ClusterCoordinator(store: store, instance: instance, setup: setup, tickets: tickets,
                                         staff: try StaffIntake(setup: setup, board: staff), statistics: statistics,
                                         devices: devices, logger: logger)
        var options = try config.mqttOptions(subscriptions: [])
        options.clientID = "\(config.clientID)-\(instance)"
        options.availability = MQTTOptions.Availability(topic: config.availabilityTopic.replacingOccurrences(of: "{client_id}", with: options.clientID))
        // It only publishes (alerts, request statuses): each leaves on the committing thread.
        options.writesOnPublishingThread = true
        publisher = try MQTTClient(options: options, logger: logger)
    }

    /// What the systemd watchdog checks: both cluster loops and every owned community's MQTT
    /// loop went round recently. A store outage does not stop them (they go round failing), so
    /// systemd restarts only a wedged process, never one waiting for PostgreSQL.
    public func heartbeats() -> [String: Int64] {
        ["cluster_loop_idle_ms": coordinator.roundHeartbeatMs.load(ordering: .relaxed),
         "clock_loop_idle_ms": coordinator.clockHeartbeatMs.load(ordering: .relaxed),
         "partition_loop_idle_ms": coordinator.oldestLoopHeartbeatMs]
    }

    /// Whether this instance runs the once-per-cluster work now.
    public var ownsClusterServices: Bool { coordinator.ownsServices }

    public func run() async throws {
        signal(SIGHUP, SIG_IGN)
        let hangup = DispatchSource.makeSignalSource(signal: SIGHUP, queue: .global())
        hangup.setEventHandler { [coordinator] in coordinator.hangup.store(true, ordering: .releasing) }
        hangup.resume()
        defer { hangup.cancel() }
        publisher.start()
        try coordinator.start()
        logger.info("gridwatch cluster instance running", metadata: ["store": "\(store.location)"])
        notifier.notify("READY=1\nSTATUS=cluster instance \(instance)")
        try? await gracefulShutdown()
        notifier.notify("STOPPING=1\nSTATUS=handing partitions over")
        logger.info("shutting down: handing partitions over")
        coordinator.stop()
        publisher.stop()
        logger.info("cluster instance stopped", metadata: ["stored": "\(statistics.stored.load(ordering: .relaxed))"])
    }

    /// What `/readyz` reports: broker, store, and the cluster loop; `stats` gains
    /// `partitions_owned`.
    public func readiness() -> ReadinessReport {
        var checks: [String: String] = [:]
        switch publisher.state {
        case .connected: checks["broker"] = coordinator.allConnected ? "ok" : "partition clients connecting"
        case .connecting: checks["broker"] = "connecting"
        case let .disconnected(reason): checks["broker"] = reason
        }
        checks["database"] = store.checkWritable() ?? "ok"
        checks["cluster"] = coordinator.failure ?? "ok"
        return ReadinessReport(checks: checks, stats: [
            "received": statistics.received.load(ordering: .relaxed),
            "stored": statistics.stored.load(ordering: .relaxed),
            "duplicates": statistics.duplicates.load(ordering: .relaxed),
            "rejected": statistics.rejected.load(ordering: .relaxed),
            "partitions_owned": coordinator.ownedPartitions.count,
            "last_commit_us": statistics.lastCommitMicroseconds.load(ordering: .relaxed),
        ], warnings: [:])
    }

    /// The Prometheus exposition.
    public func metricsText() -> String {
        let metrics = statistics.metrics
        metrics.brokerConnected.set(Int64(publisher.isConnected ? 1 : 0))
        tickets.refreshGauges()
        return metrics.render()
    }
}
