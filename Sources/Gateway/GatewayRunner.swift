import Foundation
import Storage
import HTTPAPI
import Logging
import Notifications
import ServiceLifecycle

/// Wires the ingest service, the rules clock, the HTTP server and the systemd watchdog into
/// one service group that stops cleanly on SIGTERM or SIGINT.
public enum GatewayRunner {
    public static func run(setup: consuming GatewaySetup, logger: Logger) async throws {
        // Moved out of the parameter so it is an ordinary variable the inventory can be cleared in.
        var setup = setup
        if setup.config.usesPostgres { return try await runCluster(setup: setup, logger: logger) }
        let notifier = SystemdNotifier()
        let bell = EventBell()
        let ingest = try IngestService(setup: setup, logger: logger, notifier: notifier, bell: bell)
        // The parsed inventory file is in the store now and the registry holds its devices:
        // nothing below reads it, and at 100,000 devices the copy held 21 MB (heaptrack).
        setup.inventory = []
        guard let (host, port) = setup.config.httpHostPort else { throw GatewayError("invalid http listen address \(setup.config.httpListen)") }
        var dashboardPath = setup.config.dashboardPath
        if let path = dashboardPath, !FileManager.default.fileExists(atPath: path + "/index.html") {
            logger.warning("no dashboard at \(path); serving the API only")
            dashboardPath = nil
        }
        let api = ingest.rules.tickets.map { office in
            var api = APIEnvironment(database: ingest.database, catalog: setup.catalog, timeZone: setup.calendar.timeZone,
                                     ticketSettings: office.desk.settings, desk: office, bell: bell,
                                     nowMs: { Int64(Date().timeIntervalSince1970 * 1000) }, dashboardPath: dashboardPath, staff: ingest.staff)
            api.rules = ingest.rules
            api.indicators = setup.config.indicators
            api.batterySettings = setup.config.maintenance.batterySettings
            return api
        }
        let http = GatewayHTTPServer.make(host: host, port: port, logger: logger, readiness: { ingest.readiness() },
                                          metrics: { ingest.metricsText() }, api: api)
        let alerts = AlertPublisher(database: ingest.database, client: ingest.alertClient, bell: bell, topicPattern: setup.config.alertTopicPattern,
                                    requestStatusPattern: setup.config.requestStatusTopicPattern, logger: logger,
                                    metrics: ingest.statistics.metrics)
        // Runs even with no webhook configured: it keeps its cursor current, so a webhook added
        // later does not replay months of old events.
        let webhooks = WebhookDispatcher(database: ingest.database, webhooks: setup.config.webhooks, logger: logger,
                                         observer: ingest.statistics.metrics)
        bell.onRing { webhooks.wake() }
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: ingest), .init(service: RuleService(ingest: ingest, config: setup.config, logger: logger)), .init(service: http),
            .init(service: alerts), .init(service: webhooks), .init(service: WatchdogService(ingest: ingest, notifier: notifier, logger: logger)),
            .init(service: RetentionService(database: ingest.database, setup: setup, metrics: ingest.statistics.metrics, logger: logger))]
        if let database = ingest.database as? GatewayDatabase {
            services.append(.init(service: ReadingRunService(database: database, logger: logger)))
        }
        // Maintenance tickets need the ticket desk (no desk: no tickets of any kind).
        if let office = ingest.rules.tickets {
            services.append(.init(service: MaintenanceService(database: ingest.database, setup: setup, office: office, logger: logger)))
            services.append(.init(service: ReportService(publisher: ReportPublisher(office: office, setup: setup, logger: logger), settings: setup.config.reports,
                                                         metrics: ingest.statistics.metrics)))
        }
        let group = ServiceGroup(configuration: .init(
            services: services,
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger))
        try await group.run()
    }
}

extension GatewayRunner {
    /// A cluster instance on PostgreSQL: the cluster service (membership, partitions, their
    /// ingest and rules, ticket clocks), the same HTTP API on every instance, and the
    /// once-per-cluster services gated on owning `~services`.
    static func runCluster(setup: GatewaySetup, logger: Logger) async throws {
        let notifier = SystemdNotifier()
        let bell = EventBell()
        let cluster = try ClusterService(setup: setup, logger: logger, notifier: notifier, bell: bell)
        guard let (host, port) = setup.config.httpHostPort else { throw GatewayError("invalid http listen address \(setup.config.httpListen)") }
        var dashboardPath = setup.config.dashboardPath
        if let path = dashboardPath, !FileManager.default.fileExists(atPath: path + "/index.html") { dashboardPath = nil }
        var api = APIEnvironment(database: cluster.store, catalog: setup.catalog, timeZone: setup.calendar.timeZone,
                                 ticketSettings: cluster.tickets.desk.settings, desk: cluster.tickets, bell: bell,
                                 nowMs: { Int64(Date().timeIntervalSince1970 * 1000) }, dashboardPath: dashboardPath, staff: cluster.staff)
        api.rules = StoredRuleExplanations(explainer: RuleExplainer(rules: setup.rules, catalog: setup.catalog, inventory: setup.inventory),
                                           store: cluster.store, nowMs: { Int64(Date().timeIntervalSince1970 * 1000) })
        api.indicators = setup.config.indicators
        api.batterySettings = setup.config.maintenance.batterySettings
        let http = GatewayHTTPServer.make(host: host, port: port, logger: logger, readiness: { cluster.readiness() },
                                          metrics: { cluster.metricsText() }, api: api)
        let active: @Sendable () -> Bool = { cluster.ownsClusterServices }
        let alerts = AlertPublisher(database: cluster.store, client: cluster.publisher, bell: bell, topicPattern: setup.config.alertTopicPattern,
                                    requestStatusPattern: setup.config.requestStatusTopicPattern, logger: logger,
                                    metrics: cluster.statistics.metrics, isActive: active)
        let webhooks = WebhookDispatcher(database: cluster.store, webhooks: setup.config.webhooks, logger: logger,
                                         observer: cluster.statistics.metrics, isActive: active)
        bell.onRing { webhooks.wake() }
        let retention = RetentionService(database: cluster.store, setup: setup, metrics: cluster.statistics.metrics, logger: logger, isActive: active)
        let maintenance = MaintenanceService(database: cluster.store, setup: setup, office: cluster.tickets, logger: logger, isActive: active)
        let reports = ReportService(publisher: ReportPublisher(office: cluster.tickets, setup: setup, logger: logger), settings: setup.config.reports,
                                    isActive: active, metrics: cluster.statistics.metrics)
        let group = ServiceGroup(configuration: .init(
            services: [.init(service: cluster), .init(service: http), .init(service: alerts), .init(service: webhooks), .init(service: retention),
                       .init(service: maintenance), .init(service: reports),
                       .init(service: WatchdogService(notifier: notifier, logger: logger) { cluster.heartbeats() })],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger))
        try await group.run()
    }
}

/// A startup failure with a message for the operator.
public struct GatewayError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
