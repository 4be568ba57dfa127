import Devices
import Formats
import Foundation
@testable import Gateway
@testable import Journal
import Logging
import Rules
@testable import Storage
import Synchronization
import Testing
import TestServers

/// The pipeline over a real journal and a real SQLite file: ordinary readings wait to share a
/// commit, and a batch in which something fires is committed, with its alert's history, and
/// its alert handed on at once.
@Suite struct IngestPipelineTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// What the pipeline handed on once stored: the events of each committed batch; and what a
    /// test looks at in that moment, on the ingest thread, before the next commit.
    final class Published: Sendable {
        let batches = Mutex<[[AlertEvent]]>([])
        let whenStored = Mutex<(@Sendable ([AlertEvent]) -> Void)?>(nil)
    }

    static func pipeline(in directory: String, linger: Double, published: Published, checkpoints: WALCheckpointer.Settings? = nil,
                         maxHold: Double = 60, databaseFile: String = "gw.db", journalOptions: Journal.Options = Journal.Options(),
                         discardStepBytes: UInt64 = 16 << 20) throws -> (IngestPipeline, Journal, GatewayDatabase) {
        var diagnostics = DiagnosticList()
        let catalog = DeviceTypeCatalog.load(directory: repositoryRoot.appendingPathComponent("devices").path, diagnostics: &diagnostics)
        #expect(diagnostics.items.isEmpty, "\(diagnostics.items)")
        let devices = [Device(id: "door-1", type: "door", community: "demo"), Device(id: "smoke-1", type: "smoke", community: "demo")]
        let database = try GatewayDatabase(path: directory + "/" + databaseFile, checkpoints: checkpoints)
        _ = try database.upsertDevices(devices, source: "inventory", nowMs: 0)
        let journal = try Journal(directory: directory + "/journal", options: journalOptions)
        let decoder = PayloadDecoder(telemetry: try TopicLayout("gridwatch/{community}/{type}/{device}/telemetry"), status: nil, catalog: catalog)
        let pipeline = IngestPipeline(journal: journal, database: database, decoder: decoder, registry: DeviceRegistry(devices),
                                      statistics: IngestStatistics(), logger: Logger(label: "test"), batchSize: 100, batchLinger: linger, maxHold: maxHold,
                                      maxBacklogBytes: 1 << 30, onBackpressure: { _ in },
                                      onDecoded: { readings, _ in
                                          // A stand-in for the rules: the smoke detector fires, the door only starts a pending alert.
                                          readings.map { reading in
                                              AlertEvent(atMs: reading.receivedAtMs, kind: reading.deviceID == "smoke-1" ? .firing : .pending,
                                                         ruleID: "r", deviceID: reading.deviceID, severity: "emergency", community: "demo", building: "")
                                          }
                                      },
                                      onStored: { events in
                                          published.batches.withLock { $0.append(events) }
                                          published.whenStored.withLock { $0 }?(events)
                                      },
                                      discardStepBytes: discardStepBytes)
        return (pipeline, journal, database)
    }

    static func append(_ journal: Journal, device: String, type: String, seq: Int) {
        let payload = type == "smoke" ? #"{"ts":1795305599000,"seq":\#(seq),"alarm":true,"smoke":12.5}"#
            : #"{"ts":1795305599000,"seq":\#(seq),"open":true,"locked":false}"#
        let staged = Array(payload.utf8).withUnsafeBytes {
            journal.stage(topic: "gridwatch/demo/\(type)/\(device)/telemetry", payload: $0, receivedAtMs: 1_795_305_599_000 + Int64(seq))
        }
        #expect(staged)
        #expect(journal.flush())
    }

    @Test func ordinaryReadingsShareACommitAndAnAlarmEndsTheWait() throws {
        let directory = try TestPaths.temporaryDirectory("ingest-linger")
        defer { TestPaths.removeScratch(directory) }
        let published = Published()
        // A minute's linger: anything stored within the test's seconds was stored because it had to be.
        let (pipeline, journal, database) = try Self.pipeline(in: directory, linger: 60, published: published)
        try pipeline.start()
        for seq in 1...3 { Self.append(journal, device: "door-1", type: "door", seq: seq) }
        Thread.sleep(forTimeInterval: 0.3)
        Self.append(journal, device: "door-1", type: "door", seq: 4)
        Thread.sleep(forTimeInterval: 0.3)
        #expect(try database.readingCount() == 0, "ordinary readings wait for company")
        #expect(pipeline.statistics.batches.load(ordering: .relaxed) == 0)

        Self.append(journal, device: "smoke-1", type: "smoke", seq: 5)
        #expect(try eventually(timeout: 10) { try database.readingCount() == 5 }, "the alarm's batch is committed without the linger")
        // The firing is history in the alarm's commit (the stand-in `onStored` stores nothing);
        // the doors' pending alerts are not kept.
        #expect(try database.alertEvents().map { "\($0.kind) \($0.deviceID)" } == ["firing smoke-1"])
        // The counter moves just after the commit that made the rows visible: the alarm's,
        // then the waiting doors' (`IngestPipelineAlarmFirstTests`).
        #expect(eventually(timeout: 10) { pipeline.statistics.batches.load(ordering: .relaxed) == 2 })
        Thread.sleep(forTimeInterval: 0.1)
        #expect(pipeline.statistics.batches.load(ordering: .relaxed) == 2)
        #expect(eventually(timeout: 10) { published.batches.withLock { $0.count } == 2 })
        let events = published.batches.withLock { $0.map { $0.map(\.deviceID) } }
        #expect(events == [["smoke-1"], ["door-1", "door-1", "door-1", "door-1"]], "every event of the batch, the alarm's first")

        // At shutdown a lingering batch is committed, not left behind.
        Self.append(journal, device: "door-1", type: "door", seq: 6)
        #expect(pipeline.drainAndStop(timeout: 10))
        #expect(try database.readingCount() == 6)
        #expect(try database.ingestTotals().journalPosition == journal.endPosition)
    }

    /// After a busy spell one read brings a backlog; an alarm inside it commits with the
    /// entries up to the end of its slice, and what was journaled after it waits its turn.
    @Test func anAlarmInABacklogCommitsWithoutTheEntriesAfterItsSlice() throws {
        let directory = try TestPaths.temporaryDirectory("ingest-backlog-alarm")
        defer { TestPaths.removeScratch(directory) }
        let published = Published()
        let (pipeline, journal, database) = try Self.pipeline(in: directory, linger: 60, published: published)
        // 100 entries (the test's batch size) already journaled when the pipeline starts: one read.
        let alarmIndex = 40
        let slice = IngestPipeline.alarmSliceEntries
        let alarmBatch = (alarmIndex / slice + 1) * slice
        try #require(alarmBatch < 100, "the alarm's slice ends before the backlog does")
        var alarmBatchEnd: UInt64 = 0
        for index in 0..<100 {
            if index == alarmIndex { Self.append(journal, device: "smoke-1", type: "smoke", seq: index) } else {
                Self.append(journal, device: "door-1", type: "door", seq: index)
            }
            if index == alarmBatch - 1 { alarmBatchEnd = journal.endPosition }
        }
        try pipeline.start()
        #expect(try eventually(timeout: 10) { try database.ingestTotals().journalPosition > 0 })
        #expect(try database.readingCount() == alarmBatch)
        #expect(try database.ingestTotals().journalPosition == alarmBatchEnd, "stored up to the end of the alarm's slice, no further")
        // The alarm's commit first, then the doors decoded with it (`IngestPipelineAlarmFirstTests`).
        #expect(eventually(timeout: 10) { published.batches.withLock { $0.count } == 2 })
        let events = published.batches.withLock { $0 }
        #expect(events.first?.map(\.deviceID) == ["smoke-1"])
        #expect(events.last?.count == alarmBatch - 1)

        // The rest waits for company like any ordinary readings; at shutdown it is committed.
        Thread.sleep(forTimeInterval: 0.3)
        #expect(try database.readingCount() == alarmBatch)
        #expect(pipeline.drainAndStop(timeout: 10))
        #expect(try database.readingCount() == 100)
        #expect(try database.ingestTotals().journalPosition == journal.endPosition)
        #expect(try database.alertEvents().map { "\($0.kind) \($0.deviceID)" } == ["firing smoke-1"])
    }

    /// In an alarm storm every batch is urgent: each one cut short takes twice the slice of the
    /// one before, so a backlog of alarms drains in a few commits, not one per 32 entries.
    @Test func anAlarmStormTakesLargerSlicesBatchAfterBatch() throws {
        let directory = try TestPaths.temporaryDirectory("ingest-alarm-storm")
        defer { TestPaths.removeScratch(directory) }
        let published = Published()
        let (pipeline, journal, database) = try Self.pipeline(in: directory, linger: 60, published: published)
        for index in 0..<100 { Self.append(journal, device: "smoke-1", type: "smoke", seq: index) }
        let slice = IngestPipeline.alarmSliceEntries
        try #require(3 * slice < 100 && 7 * slice >= 100, "the storm is cut twice and then taken whole")
        try pipeline.start()
        #expect(try eventually(timeout: 10) { try database.readingCount() == 100 })
        #expect(eventually(timeout: 10) { published.batches.withLock { $0.count } == 3 })
        #expect(published.batches.withLock { $0.map(\.count) } == [slice, 2 * slice, 100 - 3 * slice])
        #expect(pipeline.drainAndStop(timeout: 10))
    }

    @Test func withoutALingerEveryReadCommits() throws {
        let directory = try TestPaths.temporaryDirectory("ingest-no-linger")
        defer { TestPaths.removeScratch(directory) }
        let published = Published()
        let (pipeline, journal, database) = try Self.pipeline(in: directory, linger: 0, published: published)
        try pipeline.start()
        Self.append(journal, device: "door-1", type: "door", seq: 1)
        #expect(try eventually(timeout: 10) { try database.readingCount() == 1 })
        Self.append(journal, device: "door-1", type: "door", seq: 2)
        #expect(try eventually(timeout: 10) { try database.readingCount() == 2 })
        #expect(eventually(timeout: 10) { pipeline.statistics.batches.load(ordering: .relaxed) == 2 })
        #expect(pipeline.drainAndStop(timeout: 10))
    }

    /// Segments wholly before the stored position are deleted (by the sweeping thread): a
    /// journal of small segments, asked after every commit, keeps only its active segment.
    @Test func spentSegmentsAreDeletedOnceStored() throws {
        let directory = try TestPaths.temporaryDirectory("ingest-discard")
        defer { TestPaths.removeScratch(directory) }
        let (pipeline, journal, database) = try Self.pipeline(in: directory, linger: 0, published: Published(),
                                                              journalOptions: Journal.Options(segmentBytes: 2048), discardStepBytes: 0)
        for seq in 0..<100 { Self.append(journal, device: "door-1", type: "door", seq: seq) }
        let segments = try JournalSegments.list(directory + "/journal")
        try #require(segments.count > 3)
        try pipeline.start()
        #expect(try eventually(timeout: 10) { try database.readingCount() == 100 })
        #expect(pipeline.drainAndStop(timeout: 10))
        #expect(try JournalSegments.list(directory + "/journal") == [segments.last!])
    }

    /// An alarm's batch runs `urgently` (the writer leaves the log's upkeep to the next
    /// commit), and while the checkpointer's thread finishes a round, ordinary batches wait
    /// for it and an alarm's does not.
    @Test func anAlarmsBatchIsUrgentAndOrdinaryOnesWaitWhileTheLogIsFinished() throws {
        let directory = try TestPaths.temporaryDirectory("ingest-hold")
        defer { TestPaths.removeScratch(directory) }
        let (pipeline, journal, database) = try Self.pipeline(in: directory, linger: 0, published: Published(),
                                                              checkpoints: WALCheckpointer.Settings())
        let checkpointer = try #require(database.checkpointer)
        try pipeline.start()
        Self.append(journal, device: "door-1", type: "door", seq: 1)
        #expect(try eventually(timeout: 10) { try database.readingCount() == 1 })
        #expect(checkpointer.tally.urgentSections == 0, "an ordinary batch is no emergency")

        // As the thread does while it copies what came in during its round.
        checkpointer.round.withLock { $0.holding = true }
        Self.append(journal, device: "door-1", type: "door", seq: 2)
        Thread.sleep(forTimeInterval: 0.3)
        #expect(try database.readingCount() == 1, "an ordinary batch waits for the copy")
        Self.append(journal, device: "smoke-1", type: "smoke", seq: 3)
        #expect(try eventually(timeout: 10) { try database.readingCount() == 3 }, "an alarm does not, and takes the waiting reading along")
        #expect(checkpointer.tally.urgentSections == 1)
        Self.append(journal, device: "door-1", type: "door", seq: 4)
        Thread.sleep(forTimeInterval: 0.3)
        #expect(try database.readingCount() == 3)
        checkpointer.round.withLock { $0.holding = false }
        #expect(try eventually(timeout: 10) { try database.readingCount() == 4 }, "stored once the copy is done")
        #expect(checkpointer.tally.urgentSections == 1)
        #expect(pipeline.drainAndStop(timeout: 10))
    }

    /// Upkeep that does not end in time (a slow card's syncs) holds an ordinary batch no
    /// longer than the pipeline's bound.
    @Test func aHoldThatLastsTooLongIsNotHonoured() throws {
        let directory = try TestPaths.temporaryDirectory("ingest-hold-bound")
        defer { TestPaths.removeScratch(directory) }
        let (pipeline, journal, database) = try Self.pipeline(in: directory, linger: 0, published: Published(),
                                                              checkpoints: WALCheckpointer.Settings(), maxHold: 0.5)
        let checkpointer = try #require(database.checkpointer)
        checkpointer.round.withLock { $0.holding = true }
        try pipeline.start()
        let appended = Date()
        Self.append(journal, device: "door-1", type: "door", seq: 1)
        Thread.sleep(forTimeInterval: 0.2)
        // Stored already only if this thread woke past the bound (a loaded machine).
        let heldCount = try database.readingCount()
        #expect(heldCount == 0 || Date().timeIntervalSince(appended) >= 0.5, "held within the bound")
        #expect(try eventually(timeout: 10) { try database.readingCount() == 1 }, "stored past the bound, the hold still on")
        #expect(checkpointer.holdingCommits)
        checkpointer.round.withLock { $0.holding = false }
        #expect(pipeline.drainAndStop(timeout: 10))
    }
}
