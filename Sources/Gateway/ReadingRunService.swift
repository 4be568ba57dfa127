import Foundation
import Logging
import NIOPosix
import ServiceLifecycle
import Storage

/// Keeps SQLite's per-device order of readings (`reading_runs`) close behind ingest: a step of
/// `stepRows` readings as soon as that many wait, and whatever waits once it has waited
/// `ticksBeforeShortStep` ticks (ten minutes). Per-device reads scan the readings not yet
/// folded, so that tail stays about a step long at any rate.
///
/// Folding in steps instead of indexing at each commit is what keeps a commit from dirtying a
/// page per device, and a run per device per step instead of an entry per reading is what makes
/// the step itself cheap: 16,000 readings over 300 devices are 300 rows. Waiting long at low
/// rates lets a run gather several readings of a device that reports once a minute.
public final class ReadingRunService: Service, Sendable {
    let database: GatewayDatabase
    let stepRows: Int
    let tickMilliseconds: Int
    /// Ticks with fewer than a step waiting before what waits is folded anyway.
    let ticksBeforeShortStep: Int
    let logger: Logger

    public init(database: GatewayDatabase, stepRows: Int = 16_000, tickMilliseconds: Int = 200, ticksBeforeShortStep: Int = 3_000, logger: Logger) {
        self.database = database
        self.stepRows = max(1, stepRows)
        self.tickMilliseconds = max(1, tickMilliseconds)
        self.ticksBeforeShortStep = max(1, ticksBeforeShortStep)
        self.logger = logger
    }

    public func run() async throws {
        var quietTicks = 0
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let tick = tickMilliseconds
            // Graceful shutdown does not cancel a sleep by itself (see RetentionService).
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .milliseconds(tick)) }
            if Task.isShuttingDownGracefully || Task.isCancelled { break }
            quietTicks += 1
            do {
                if try await catchUp(minRows: quietTicks >= ticksBeforeShortStep ? 1 : stepRows) > 0 || quietTicks >= ticksBeforeShortStep {
                    quietTicks = 0
                }
            } catch {
                // Nothing is lost: per-device reads scan the longer tail until a step succeeds.
                logger.warning("folding readings into per-device runs failed; retrying", metadata: ["error": "\(error)"])
            }
        }
    }

    /// Steps while at least `minRows` wait, then while a whole step waits; returns the readings
    /// folded. The grouping runs in read transactions of a slice of the step each, on the thread
    /// pool; the writer is held only to insert the runs, with a pause between steps so ingest's
    /// commits go first.
    func catchUp(minRows: Int) async throws -> Int {
        var folded = 0
        var least = minRows
        while true {
            let rows = stepRows
            let step = try await NIOThreadPool.singleton.runIfActive { [database, least] in
                try database.foldReadingRuns(minRows: least, maxRows: rows)
            }
            folded += step.folded
            guard step.folded > 0, step.behind >= Int64(stepRows), !Task.isShuttingDownGracefully else { return folded }
            least = stepRows
            try? await Task.sleep(for: .milliseconds(2))
        }
    }
}
