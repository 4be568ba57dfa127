import Devices
import Dispatch
import Foundation
import Journal
import Logging
import Rules
import Storage
import Synchronization

/// The consumer side of the journal: reads raw messages in bulk, decodes and validates them,
/// and stores each batch in one transaction together with the journal position it reached.
/// Runs on a thread of its own so the network thread only ever appends.
public final class IngestPipeline: Sendable {
    let journal: Journal
    let database: any GatewayStore
    let decoder: PayloadDecoder
    let statistics: IngestStatistics
    let logger: Logger
    let batchSize: Int
    /// How long ordinary readings may wait, once the journal is read to its end, for more to
    /// share their commit: at a moderate rate the thread otherwise commits a handful of readings
    /// each time round, stays busy, and an alarm queues behind those commits.
    let batchLingerNs: UInt64
    let maxBacklogBytes: Int
    /// The longest an ordinary batch waits past its linger for the store's upkeep
    /// (`GatewayStore.commitsOnHold`): a copy's syncs take a few ms here, but on a slow card
    /// they can take hundreds, and then the writer finishes the copy as SQLite would.
    let maxHoldNs: UInt64
    /// Called with true when the backlog passes its bound and false once it has halved.
    let onBackpressure: @Sendable (Bool) -> Void
    /// Called on the ingest thread with each decoded slice of readings, in receive order, before
    /// its commit: the rules' verdict decides whether the batch may wait for company.
    let onDecoded: @Sendable (ArraySlice<Reading>, [Device]) -> [AlertEvent]
    /// Called on the ingest thread with a batch's alert events once the batch is committed (its
    /// firings and resolutions stored with it): no alert goes out about a reading the database
    /// does not have.
    let onStored: @Sendable ([AlertEvent]) -> Void
    /// Live staff positions: checked here, recorded on the board once committed.
    let staff: StaffIntake?
    /// Residents' requests: checked here, stored with the batch, then given their tickets.
    let requests: RequestIntake?
    let registry: Mutex<DeviceRegistry>
    /// Journal progress between requests to delete spent segments (`JournalSweeper`).
    let discardStepBytes: UInt64
    let stopRequested = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)

    public init(journal: Journal, database: any GatewayStore, decoder: PayloadDecoder, registry: DeviceRegistry,
                statistics: IngestStatistics, logger: Logger, batchSize: Int, batchLinger: Double = 0, maxHold: Double = 0.05,
                maxBacklogBytes: Int,
                onBackpressure: @escaping @Sendable (Bool) -> Void,
                onDecoded: @escaping @Sendable (ArraySlice<Reading>, [Device]) -> [AlertEvent] = { _, _ in [] },
                onStored: @escaping @Sendable ([AlertEvent]) -> Void = { _ in },
                staff: StaffIntake? = nil, requests: RequestIntake? = nil, discardStepBytes: UInt64 = 16 << 20) {
        self.journal = journal
        self.database = database
        self.decoder = decoder
        self.registry = Mutex(registry)
        self.statistics = statistics
        self.logger = logger
        self.batchSize = batchSize
        batchLingerNs = UInt64(max(batchLinger, 0) * 1e9)
        maxHoldNs = UInt64(max(maxHold, 0) * 1e9)
        self.maxBacklogBytes = maxBacklogBytes
        self.onBackpressure = onBackpressure
        self.onDecoded = onDecoded
        self.onStored = onStored
        self.staff = staff
        self.requests = requests
        self.discardStepBytes = discardStepBytes
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
            SystemThreadName.set("ingest")
            let sweeper = JournalSweeper(journal: journal) { SystemThreadName.set("journal-sweep") }
            consume(from: position, sweeper: sweeper)
            sweeper.stop()
            finished.signal()
        }
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

    /// A batch being filled: its entries, what its readings made the rules say (published once
    /// it is stored), and since when it has waited for company.
    struct OpenBatch {
        var batch: IngestBatch
        var entryCount = 0
        var events: [AlertEvent] = []
        /// Something fired or resolved, or a resident asked for something: committed at once.
        var urgent = false
        let openedNs: UInt64
    }

    /// Where the loop stands between commits: the position the store holds, backpressure and
    /// the journal's discarded prefix.
    private struct Progress {
        var storedPosition: UInt64
        var paused = false
        var lastDiscard: UInt64
        /// The slice an urgent batch ends with: `alarmSliceEntries`, doubled after each batch
        /// cut short, back to it after an ordinary batch. In an alarm storm every batch would
        /// otherwise be cut after 32 entries and cost a commit and a ticket transaction each.
        var sliceEntries = IngestPipeline.alarmSliceEntries

        mutating func batchFilled(urgent: Bool, cutShort: Bool, batchSize: Int) {
            if !urgent {
                sliceEntries = IngestPipeline.alarmSliceEntries
            } else if cutShort {
                sliceEntries = min(sliceEntries * 2, batchSize)
            }
        }
    }

    private func consume(from start: UInt64, sweeper: JournalSweeper) {
        var reader = JournalReader(journal: journal, from: start)
        var progress = Progress(storedPosition: start, lastDiscard: start)
        var open: OpenBatch?
        // Read but not yet in a batch: what followed an alarm in its read (`add` stops there).
        var unread: ArraySlice<JournalEntry> = []
        while true {
            statistics.pipelineHeartbeatMs.store(Int64(Date().timeIntervalSince1970 * 1000), ordering: .relaxed)
            let room = batchSize - (open?.entryCount ?? 0)
            guard refill(&unread, from: &reader, room: room) else { return }
            let entries = unread.prefix(room)
            let stopping = stopRequested.load(ordering: .acquiring)
            if entries.isEmpty, let waiting = open {
                // Caught up with a batch of ordinary readings: wait a little for more to share its commit.
                let waitedNs = DispatchTime.now().uptimeNanoseconds - waiting.openedNs
                if !stopping, waitedNs < batchLingerNs {
                    journal.waitForData(after: reader.position, timeout: .nanoseconds(Int(batchLingerNs - waitedNs)))
                    continue
                }
                if !stopping, waitedNs < batchLingerNs + maxHoldNs, database.commitsOnHold {
                    // The store is finishing a copy of its log: a commit now would spoil it.
                    journal.waitForData(after: reader.position, timeout: .milliseconds(1))
                    continue
                }
                open = nil
                if !store(waiting, progress: &progress, sweeper: sweeper) { return }
                continue
            }
            if entries.isEmpty {
                if stopping, reader.position >= journal.endPosition {
                    // The mean batch says how much each commit was shared (bench/ingest reads it).
                    logger.info("ingest drained", metadata: ["stored": "\(statistics.stored.load(ordering: .relaxed))",
                                                             "batches": "\(statistics.batches.load(ordering: .relaxed))"])
                    return
                }
                journal.waitForData(after: reader.position, timeout: .milliseconds(100))
                continue
            }
            // `add` moves the batch's position to the end of the last entry it takes.
            var filling = open ?? OpenBatch(batch: IngestBatch(journalPosition: reader.position), openedNs: DispatchTime.now().uptimeNanoseconds)
            // Let go of the open batch first: a second owner would make each append copy its arrays.
            open = nil
            unread = unread.dropFirst(add(entries, to: &filling, sliceEntries: progress.sliceEntries))
            progress.batchFilled(urgent: filling.urgent, cutShort: !unread.isEmpty, batchSize: batchSize)
            let waitedNs = DispatchTime.now().uptimeNanoseconds - filling.openedNs
            // A full batch does not wait: at full speed holding it would stall reading. The hold
            // is asked about only once the linger is over (it takes the checkpointer's lock).
            let due = filling.entryCount >= batchSize
                || (waitedNs >= batchLingerNs && !(waitedNs < batchLingerNs + maxHoldNs && database.commitsOnHold))
            if filling.urgent || due || stopping {
                if !store(filling, progress: &progress, sweeper: sweeper) { return }
            } else {
                open = filling
            }
        }
    }

    /// Reads more from the journal once everything read before has gone into batches; false
    /// (the pipeline stops) when the journal cannot be read.
    private func refill(_ unread: inout ArraySlice<JournalEntry>, from reader: inout JournalReader, room: Int) -> Bool {
        guard unread.isEmpty else { return true }
        do {
            unread = try reader.read(maxCount: room)[...]
            return true
        } catch {
            fail("journal read failed: \(error)")
            return false
        }
    }

    /// Commits a batch, then lets its alerts, staff positions and requests go on, and does the
    /// bookkeeping that follows every commit. False when the pipeline has to stop.
    private func store(_ open: OpenBatch, progress: inout Progress, sweeper: JournalSweeper) -> Bool {
        let batch = open.batch
        // Everything before it is stored; what was read after it may not be yet.
        let newPosition = batch.journalPosition
        // An emergency's commits (batch, alert events, tickets) leave the store's upkeep to the next.
        let stored = open.urgent ? database.urgently({ commitAlarmFirst(open, storedPosition: progress.storedPosition) }) : commitAndAnnounce(open)
        guard stored else { return false }
        progress.storedPosition = newPosition
        staff?.board.record(batch.staffPositions)
        let backlog = Int(journal.endPosition - newPosition)
        statistics.backlogBytes.store(backlog, ordering: .relaxed)
        if !progress.paused, backlog > maxBacklogBytes {
            progress.paused = true
            logger.warning("ingest backlog over its bound: pausing MQTT reads", metadata: ["backlog_bytes": "\(backlog)"])
            onBackpressure(true)
        } else if progress.paused, backlog < maxBacklogBytes / 2 {
            progress.paused = false
            logger.info("ingest backlog drained: resuming MQTT reads")
            onBackpressure(false)
        }
        if newPosition - progress.lastDiscard > discardStepBytes {
            // Not here: deleting a spent segment held this thread up to 29 ms (`JournalSweeper`).
            sweeper.discard(before: newPosition)
            progress.lastDiscard = newPosition
        }
        return true
    }

    /// Commits the batch, then hands its alert events on (stored, then the tickets they open)
    /// and its residents' requests (their tickets).
    func commitAndAnnounce(_ open: OpenBatch) -> Bool {
        var batch = open.batch
        batch.alertEvents = RuleEvaluation.history(open.events)
        return commitAndAnnounce(batch, events: open.events)
    }

    func commitAndAnnounce(_ batch: IngestBatch, events: [AlertEvent]) -> Bool {
        if !commit(batch) { return false }
        if !events.isEmpty { onStored(events) }
        requests?.stored(batch)
        return true
    }

    private func fail(_ message: String) {
        statistics.pipelineFailure = message
        logger.critical("\(message)")
    }
}
