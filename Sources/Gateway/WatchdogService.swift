import Foundation
import Logging
import ServiceLifecycle

/// Feeds systemd's watchdog only while the gateway is really working: the ingest pipeline
/// and the MQTT loop both stamp a heartbeat every round (at least every 100 ms when idle).
/// If either stops, `WATCHDOG=1` stops too and systemd kills and restarts the service; the
/// journal and the broker's persistent session mean nothing acknowledged is lost by that.
public struct WatchdogService: Service {
    let ingest: IngestService
    let notifier: SystemdNotifier
    let logger: Logger

    public init(ingest: IngestService, notifier: SystemdNotifier, logger: Logger) {
        self.ingest = ingest
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
            let pipelineAge = nowMs - ingest.statistics.pipelineHeartbeatMs.load(ordering: .relaxed)
            let loopAge = nowMs - ingest.client.loopHeartbeatMs
            if pipelineAge < staleAfterMs, loopAge < staleAfterMs {
                notifier.notify("WATCHDOG=1")
                complained = false
            } else if !complained {
                complained = true
                logger.critical("ingest stuck: not feeding the systemd watchdog", metadata: [
                    "pipeline_idle_ms": "\(pipelineAge)", "mqtt_loop_idle_ms": "\(loopAge)"])
            }
        }
    }
}
