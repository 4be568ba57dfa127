import Foundation
import Logging
import ServiceLifecycle

/// Feeds systemd's watchdog only while the gateway is really working: the ingest pipeline
/// and the MQTT loops (ingest and alerts) stamp a heartbeat every round (at least every 100 ms
/// when idle).
/// If either stops, `WATCHDOG=1` stops too and systemd kills and restarts the service; the
/// journal and the broker's persistent session mean nothing acknowledged is lost by that.
public struct WatchdogService: Service {
    /// The heartbeats that must all be fresh, by name, in epoch ms (read every quarter interval).
    let heartbeats: @Sendable () -> [String: Int64]
    let notifier: SystemdNotifier
    let logger: Logger

    /// The single node: the ingest pipeline and both MQTT loops (a wedged alerts loop would stop
    /// reading acknowledgements, and past the in-flight limit alerts would only queue).
    public init(ingest: IngestService, notifier: SystemdNotifier, logger: Logger) {
        self.init(notifier: notifier, logger: logger) {
            ["pipeline_idle_ms": ingest.statistics.pipelineHeartbeatMs.load(ordering: .relaxed), "mqtt_loop_idle_ms": ingest.client.loopHeartbeatMs,
             "alerts_loop_idle_ms": ingest.alertClient.loopHeartbeatMs]
        }
    }

    public init(notifier: SystemdNotifier, logger: Logger, heartbeats: @escaping @Sendable () -> [String: Int64]) {
        self.heartbeats = heartbeats
        self.notifier = notifier
        self.logger = logger
    }

    public func run() async throws {
        guard let interval = notifier.watchdogIntervalSeconds, interval > 0 else {
            try? await gracefulShutdown()
            return
        }
        let staleAfterMs = Int64(interval * 1000 / 2)
        var complained = false
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            try? await Task.sleep(for: .seconds(interval / 4))
            let nowMs = Int64(Date().timeIntervalSince1970 * 1000)
            let ages = heartbeats().mapValues { nowMs - $0 }
            if ages.values.allSatisfy({ $0 < staleAfterMs }) {
                notifier.notify("WATCHDOG=1")
                complained = false
            } else if !complained {
                complained = true
                logger.critical("stuck: not feeding the systemd watchdog", metadata: ages.mapValues { "\($0)" })
            }
        }
    }
}
