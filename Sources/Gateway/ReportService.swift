import Devices
import Foundation
import Indicators
import Logging
import ServiceLifecycle
import Storage
import Synchronization

/// The indicators' clock: samples each community's device health every `sample_interval`
/// (a day keeps its latest sample, the health of past periods is their days' mean) and, once
/// a period has ended in the calendar's zone, publishes it (`ReportPublisher`). A gateway
/// that was down at a period's end publishes the latest finished period of each kind when it
/// starts; older missed ones are not caught up. The wall clock is read in `run` only: `tick`
/// takes the time, so tests step through month ends in virtual time.
public final class ReportService: Service, Sendable {
    let publisher: ReportPublisher
    let settings: ReportsConfig
    let nowMs: @Sendable () -> Int64
    /// In cluster mode only the owner of the cluster's services samples and publishes.
    let isActive: @Sendable () -> Bool
    /// When health was last sampled, and the periods found published (or too old) already:
    /// most ticks then cost no query.
    let state = Mutex<(lastSampleMs: Int64?, settled: Set<ReportPeriod>)>((nil, []))
    let metrics: GatewayMetrics?

    public init(publisher: ReportPublisher, settings: ReportsConfig, nowMs: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) },
                isActive: @escaping @Sendable () -> Bool = { true }, metrics: GatewayMetrics? = nil) {
        self.publisher = publisher
        self.settings = settings
        self.nowMs = nowMs
        self.isActive = isActive
        self.metrics = metrics
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            if isActive() { tick(nowMs: nowMs()) }
            let interval = settings.checkIntervalSeconds
            // Graceful shutdown does not cancel a sleep by itself.
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(interval)) }
        }
    }

    /// One look at `nowMs`: samples health when due, then publishes every finished period not
    /// yet published. Returns what was published. Failures are logged and retried next tick.
    /// The look's time goes to `gridwatch_reports_last_look_time_seconds` once it is over, so
    /// whoever reads it knows every publication of this look is committed.
    @discardableResult
    public func tick(nowMs: Int64) -> [ReportPeriod] {
        defer { metrics?.reportsLastLookTime.set(Double(nowMs) / 1000) }
        sampleIfDue(nowMs: nowMs)
        guard settings.enabled else { return [] }
        var published: [ReportPeriod] = []
        for kind in settings.periods {
            let period = ReportPeriod.containing(nowMs, kind: kind, zone: publisher.zone).advanced(by: -1)
            guard !state.withLock({ $0.settled.contains(period) }) else { continue }
            do {
                let outcome = try publisher.publish(period, nowMs: nowMs)
                state.withLock { _ = $0.settled.insert(period) }
                switch outcome {
                case let .published(files, alarmTickets):
                    published.append(period)
                    publisher.logger.info("report published", metadata: ["period": "\(period)", "files": "\(files.count)",
                                                                          "alarm_tickets": "\(alarmTickets.joined(separator: ","))"])
                case .predatesSampling:
                    publisher.logger.info("report not published: the period ended before this gateway sampled device health", metadata: ["period": "\(period)"])
                case .alreadyPublished: break
                }
            } catch {
                publisher.logger.error("report not published; retried next tick", metadata: ["period": "\(period)", "error": "\(error)"])
            }
        }
        return published
    }

    func sampleIfDue(nowMs: Int64) {
        let intervalMs = Int64(settings.sampleIntervalSeconds * 1000)
        guard state.withLock({ state in state.lastSampleMs.map { nowMs - $0 >= intervalMs || nowMs < $0 } ?? true }) else { return }
        do {
            try publisher.database.sampleDeviceHealth(catalog: publisher.catalog, zone: publisher.zone, nowMs: nowMs)
            state.withLock { $0.lastSampleMs = nowMs }
        } catch {
            publisher.logger.error("device health not sampled; retried next tick", metadata: ["error": "\(error)"])
        }
    }
}
