import Foundation
import HTTPAPI
import Logging
import ServiceLifecycle

/// Wires the ingest service, the rules clock, the HTTP server and the systemd watchdog into
/// one service group that stops cleanly on SIGTERM or SIGINT.
public enum GatewayRunner {
    public static func run(setup: GatewaySetup, logger: Logger) async throws {
        let notifier = SystemdNotifier()
        let ingest = try IngestService(setup: setup, logger: logger, notifier: notifier)
        guard let (host, port) = setup.config.httpHostPort else { throw GatewayError("invalid http listen address \(setup.config.httpListen)") }
        let http = GatewayHTTPServer.make(host: host, port: port, logger: logger, readiness: { ingest.readiness() },
                                          metrics: { ingest.metricsText() })
        let group = ServiceGroup(configuration: .init(
            services: [.init(service: ingest), .init(service: RuleService(ingest: ingest, logger: logger)), .init(service: http),
                       .init(service: WatchdogService(ingest: ingest, notifier: notifier, logger: logger)),
                       .init(service: RetentionService(database: ingest.database, setup: setup, metrics: ingest.statistics.metrics, logger: logger))],
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
