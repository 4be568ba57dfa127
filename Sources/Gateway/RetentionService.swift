import Devices
import Foundation
import Logging
import NIOPosix
import ServiceLifecycle
import Storage

/// Runs a retention round every `retention.interval`: roll up new readings, then prune and
/// scrub, each in short write transactions with a pause between them so ingest's batches
/// never wait behind more than one step. The wall clock is read here and nowhere below.
public final class RetentionService: Service, Sendable {
    let database: any GatewayStore
    let plan: RetentionPlan
    let intervalSeconds: Double
    let metrics: GatewayMetrics?
    let logger: Logger
    /// In cluster mode only the owner of the cluster's services runs rounds.
    let isActive: @Sendable () -> Bool

    public init(database: any GatewayStore, setup: GatewaySetup, metrics: GatewayMetrics?, logger: Logger,
                isActive: @escaping @Sendable () -> Bool = { true }) {
        self.database = database
        self.isActive = isActive
        plan = setup.config.retention.plan(catalog: setup.catalog)
        intervalSeconds = setup.config.retention.intervalSeconds
        self.metrics = metrics
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            // Graceful shutdown does not cancel a sleep by itself: without this the gateway
            // would wait up to an interval to stop after SIGTERM.
            let interval = intervalSeconds
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(interval)) }
            if Task.isShuttingDownGracefully || Task.isCancelled { break }
            guard isActive() else { continue }
            await runRound(nowMs: Int64(Date().timeIntervalSince1970 * 1000))
        }
    }

    /// One round; a failure is logged and the next round starts over from the cursors.
    func runRound(nowMs: Int64) async {
        var round = RetentionRound(database: database, plan: plan, nowMs: nowMs)
        let started = Date()
        do {
            while true {
                // A step reads or writes thousands of rows (a roll-up's 5,000 readings took 30-70 ms
                // here): on NIO's threads for blocking work, not one of the cooperative pool's few.
                let (next, more) = try await NIOThreadPool.singleton.runIfActive { [round] in
                    var stepping = round
                    let more = try stepping.step()
                    return (stepping, more)
                }
                round = next
                guard more else { break }
                // A step is one short write transaction; between steps ingest's batches go first.
                try? await Task.sleep(for: .milliseconds(2))
                if Task.isShuttingDownGracefully { break }
            }
        } catch {
            logger.error("retention round failed; the next round resumes from the cursors", metadata: ["error": "\(error)"])
        }
        metrics?.retentionRoundStartTime.set(started.timeIntervalSince1970)
        report(round.summary, seconds: Date().timeIntervalSince(started))
    }

    /// Counts only: never a value, which may be personal data.
    func report(_ summary: RetentionRound.Summary, seconds: Double) {
        metrics?.retentionRolledUp.increment(by: Int64(summary.readingsRolledUp))
        metrics?.retentionPruned.increment(by: Int64(summary.readingsPruned))
        metrics?.retentionRollupsPruned.increment(by: Int64(summary.rollupsPruned))
        metrics?.retentionScrubbed.increment(by: Int64(summary.payloadsScrubbed))
        metrics?.retentionRoundSeconds.set(seconds)
        metrics?.retentionLongestStepSeconds.set(summary.longestStepSeconds)
        let changed = summary.readingsRolledUp + summary.readingsPruned + summary.rollupsPruned + summary.payloadsScrubbed
            + summary.alertEventsScrubbed + summary.ticketsScrubbed + summary.rejectedPruned + summary.rejectedScrubbed
            + summary.staffPositionsPruned
        let metadata: Logger.Metadata = [
            "rolled_up": "\(summary.readingsRolledUp)", "pruned": "\(summary.readingsPruned)", "rollups_pruned": "\(summary.rollupsPruned)",
            "payloads_scrubbed": "\(summary.payloadsScrubbed)", "alerts_scrubbed": "\(summary.alertEventsScrubbed)",
            "tickets_scrubbed": "\(summary.ticketsScrubbed)", "rejected_pruned": "\(summary.rejectedPruned)",
            "staff_positions_pruned": "\(summary.staffPositionsPruned)",
            "steps": "\(summary.steps)", "longest_step_ms": "\(Int(summary.longestStepSeconds * 1000))", "round_ms": "\(Int(seconds * 1000))"]
        // A round every minute that only rolls up a minute of readings is not news.
        if summary.readingsPruned + summary.rollupsPruned + summary.payloadsScrubbed + summary.ticketsScrubbed + summary.staffPositionsPruned > 0 {
            logger.info("retention round", metadata: metadata)
        } else if changed > 0 {
            logger.debug("retention round", metadata: metadata)
        }
    }
}
