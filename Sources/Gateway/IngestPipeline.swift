import Devices
import Dispatch
import Foundation
import Journal
import Logging
import Storage
import Synchronization

/// The consumer side of the journal: reads raw messages in bulk, decodes and validates them,
/// and stores each slice in one transaction together with the journal position it reached.
/// Runs on a thread of its own so the network thread only ever appends.
public final class IngestPipeline: Sendable {
    let journal: Journal
    let database: any GatewayStore
    let decoder: PayloadDecoder
    let statistics: IngestStatistics
    let logger: Logger
    let batchSize: Int
    let maxBacklogBytes: Int
    /// Called with true when the backlog passes its bound and false once it has halved.
    let onBackpressure: @Sendable (Bool) -> Void
    /// Called on the ingest thread with each committed batch's readings, in receive order:
    /// rules see a reading only once it is durable in the database.
    let onStored: @Sendable ([Reading], [Device]) -> Void
    /// Live staff positions: checked here, recorded on the board once committed.
    let staff: StaffIntake?
    /// Residents' requests: checked here, stored with the batch, then given their tickets.
    let requests: RequestIntake?
    private let registry: Mutex<DeviceRegistry>
    private let stopRequested = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)

    public init(journal: Journal, database: any GatewayStore, decoder: PayloadDecoder, registry: DeviceRegistry,
                statistics: IngestStatistics, logger: Logger, batchSize: Int, maxBacklogBytes: Int,
                onBackpressure: @escaping @Sendable (Bool) -> Void, onStored: @escaping @Sendable ([Reading], [Device]) -> Void = { _, _ in },
                staff: StaffIntake? = nil, requests: RequestIntake? = nil) {
        self.journal = journal
        self.database = database
        self.decoder = decoder
        self.registry = Mutex(registry)
        self.statistics = statistics
        self.logger = logger
        self.batchSize = batchSize
        self.maxBacklogBytes = maxBacklogBytes
        self.onBackpressure = onBackpressure
        self.onStored = onStored
        self.staff = staff
        self.requests = requests
    }

    /// Starts consuming from the position the database last committed.
    public func start() throws {
        let position = try database.ingestTotals().journalPosition
        let end = journal.endPosition
        if end > position {
            // Journaled (and acknowledged) before a crash but not yet stored: stored now.
            logger.notice("replaying journal after restart", metadata: ["from": "\(position)", "bytes": "\(end - position)"])
        }
        let thread = Thread { [self] in
            consume(from: position)
            finished.signal()
        }
        thread.name = "ingest"
        thread.start()
    }

    /// Asks the pipeline to finish: it drains the journal up to its current end, commits, and
    /// returns once done (or after `timeout`).
    public func drainAndStop(timeout: Double) -> Bool {
        stopRequested.store(true, ordering: .releasing)
        journal.wakeConsumer()
        return finished.wait(timeout: .now() + timeout) == .success
    }

    /// Replaces the device registry (inventory reload, `devices import`).
    public func updateRegistry(_ update: @Sendable (inout DeviceRegistry) -> Void) {
        registry.withLock { update(&$0) }
    }

    private func consume(from start: UInt64) {
        var reader = JournalReader(journal: journal, from: start)
        var paused = false
        var lastDiscard = start
        while true {
            statistics.pipelineHeartbeatMs.store(Int64(Date().timeIntervalSince1970 * 1000), ordering: .relaxed)
            let entries: [JournalEntry]
            do {
                entries = try reader.read(maxCount: batchSize)
            } catch {
                fail("journal read failed: \(error)")
                return
            }
            if entries.isEmpty {
                if stopRequested.load(ordering: .acquiring), reader.position >= journal.endPosition {
                    // The mean batch says how much each commit was shared (bench/ingest reads it).
                    logger.info("ingest drained", metadata: ["stored": "\(statistics.stored.load(ordering: .relaxed))",
                                                             "batches": "\(statistics.batches.load(ordering: .relaxed))"])
                    return
                }
                journal.waitForData(after: reader.position, timeout: .milliseconds(100))
                continue
            }
            var batch = IngestBatch(journalPosition: reader.position)
            registry.withLock { registry in
                for entry in entries { decode(entry, into: &batch, registry: &registry) }
            }
            if !commit(batch) { return }
            if !batch.readings.isEmpty { onStored(batch.readings, batch.newDevices) }
            staff?.board.record(batch.staffPositions)
            requests?.stored(batch)
            let backlog = Int(journal.endPosition - reader.position)
            statistics.backlogBytes.store(backlog, ordering: .relaxed)
            if !paused, backlog > maxBacklogBytes {
                paused = true
                logger.warning("ingest backlog over its bound: pausing MQTT reads", metadata: ["backlog_bytes": "\(backlog)"])
                onBackpressure(true)
            } else if paused, backlog < maxBacklogBytes / 2 {
                paused = false
                logger.info("ingest backlog drained: resuming MQTT reads")
                onBackpressure(false)
            }
            if reader.position - lastDiscard > 16 << 20 {
                journal.discard(before: reader.position)
                lastDiscard = reader.position
            }
        }
    }

    private func decode(_ entry: JournalEntry, into batch: inout IngestBatch, registry: inout DeviceRegistry) {
        if let staff, staff.append(topic: entry.topic, payload: entry.payload, receivedAtMs: entry.receivedAtMs, to: &batch, statistics: statistics) {
            return
        }
        if let requests, requests.append(topic: entry.topic, payload: entry.payload, receivedAtMs: entry.receivedAtMs, registry: registry,
                                         to: &batch, statistics: statistics) {
            return
        }
        let outcome = entry.payload.withUnsafeBufferPointer {
            decoder.decode(topic: entry.topic, payload: $0, receivedAtMs: entry.receivedAtMs, registry: registry)
        }
        if let newDevice = batch.append(outcome, registry: &registry, statistics: statistics) {
            logger.info("auto-registered device", metadata: ["device": "\(newDevice.id)", "type": "\(newDevice.type)"])
        }
    }

    /// Stores a batch, retrying while the database is busy or briefly unwritable: the journal
    /// keeps everything meanwhile, so waiting loses nothing.
    private func commit(_ batch: IngestBatch) -> Bool {
        var delay = 0.05
        while true {
            let started = DispatchTime.now().uptimeNanoseconds
            do {
                let result = try database.store(batch)
                statistics.stored.add(result.stored, ordering: .relaxed)
                statistics.duplicates.add(result.duplicates, ordering: .relaxed)
                statistics.rejected.add(result.rejected, ordering: .relaxed)
                statistics.batches.add(1, ordering: .relaxed)
                let elapsed = DispatchTime.now().uptimeNanoseconds - started
                statistics.lastCommitMicroseconds.store(Int(elapsed / 1000), ordering: .relaxed)
                statistics.metrics.stored.increment(by: Int64(result.stored))
                statistics.metrics.duplicates.increment(by: Int64(result.duplicates))
                statistics.metrics.commitDuration.recordNanoseconds(Int64(elapsed))
                statistics.pipelineFailure = nil
                return true
            } catch {
                statistics.pipelineFailure = "database write failed: \(error)"
                logger.error("storing a batch failed; retrying", metadata: ["error": "\(error)", "retry_in_s": "\(delay)"])
                if stopRequested.load(ordering: .acquiring) && delay > 2 { return false }
                Thread.sleep(forTimeInterval: delay)
                delay = min(delay * 2, 5)
            }
        }
    }

    private func fail(_ message: String) {
        statistics.pipelineFailure = message
        logger.critical("\(message)")
    }
}
