import Devices
import Dispatch
import Foundation
import Journal
import Storage

/// Each journal entry decoded into the batch, and the batch's commit with its retries.
extension IngestPipeline {
    /// How many entries are decoded and judged together before the pipeline looks whether one
    /// of them raised an alarm. After a busy spell one read brings hundreds of entries; an alarm
    /// among them commits with its slice, and the entries journaled after it wait for the next
    /// batch instead of adding their decoding and writes to the alarm's commit.
    static let alarmSliceEntries = 32

    /// Decodes entries into the open batch, `sliceEntries` at a time, and runs their readings through
    /// the rules, which decide whether the batch may wait: anything beyond a pending alert makes
    /// it urgent, and then no further slice is taken. Returns how many entries it took.
    func add(_ entries: ArraySlice<JournalEntry>, to open: inout OpenBatch, sliceEntries: Int) -> Int {
        var taken = entries.startIndex
        while taken < entries.endIndex, !open.urgent {
            let slice = entries[taken..<min(taken + sliceEntries, entries.endIndex)]
            addSlice(slice, to: &open)
            taken = slice.endIndex
        }
        // A batch starts at the reader's position and takes its place from its last entry: one
        // that took nothing would commit a position past entries not stored.
        precondition(entries.isEmpty || taken > entries.startIndex, "a batch took no entry")
        return taken - entries.startIndex
    }

    /// One slice decoded into the batch and judged by the rules.
    private func addSlice(_ entries: ArraySlice<JournalEntry>, to open: inout OpenBatch) {
        let readingsBefore = open.batch.readings.count
        let devicesBefore = open.batch.newDevices.count
        let requestsBefore = open.batch.residentRequests.count
        registry.withLock { registry in
            for entry in entries { decode(entry, into: &open.batch, registry: &registry) }
        }
        open.entryCount += entries.count
        if let last = entries.last { open.batch.journalPosition = last.endPosition }
        if open.batch.readings.count > readingsBefore {
            // The slice shares the batch's storage: an `Array` of it copied every reading (a
            // retain of each of its fields) only to be read once.
            let events = onDecoded(open.batch.readings[readingsBefore...], Array(open.batch.newDevices[devicesBefore...]))
            if events.contains(where: { $0.kind != .pending }) { open.urgent = true }
            open.events += events
        }
        if open.batch.residentRequests.count > requestsBefore { open.urgent = true }
    }

    func decode(_ entry: JournalEntry, into batch: inout IngestBatch, registry: inout DeviceRegistry) {
        // Called through the optionals in place: `if let` copied each intake (its layout's
        // arrays, retained and released) for every message.
        if staff?.append(topic: entry.topic, payload: entry.payload, receivedAtMs: entry.receivedAtMs, to: &batch, statistics: statistics) == true {
            return
        }
        if requests?.append(topic: entry.topic, payload: entry.payload, receivedAtMs: entry.receivedAtMs, registry: registry,
                            to: &batch, statistics: statistics) == true {
            return
        }
        let outcome = decoder.decode(topic: entry.topic, payload: entry.payload, receivedAtMs: entry.receivedAtMs, registry: registry)
        if let newDevice = batch.append(outcome, registry: &registry, statistics: statistics) {
            logger.info("auto-registered device", metadata: ["device": "\(newDevice.id)", "type": "\(newDevice.type)"])
        }
    }

    /// Stores a batch, retrying while the database is busy or briefly unwritable: the journal
    /// keeps everything meanwhile, so waiting loses nothing.
    func commit(_ batch: IngestBatch) -> Bool {
        var delay = 0.05
        var batch = batch
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
                batch.isRetry = true
            }
        }
    }
}
