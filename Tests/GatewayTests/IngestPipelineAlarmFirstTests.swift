import Devices
import Foundation
@testable import Gateway
import Journal
import Rules
@testable import Storage
import Synchronization
import Testing
import TestServers

/// An urgent batch stored alarm first, over a real journal and real SQLite files: the devices
/// whose alerts fired commit alone, with the journal position left where it was, and the
/// readings that were waiting for company follow; a process that dies between the two
/// commits loses and stores twice nothing.
@Suite struct IngestPipelineAlarmFirstTests {
    /// What the database held when the alarm's events were handed on.
    struct Moment: Sendable {
        var devices: [String]
        var position: UInt64
    }

    /// What the ingest thread saw at each hand-over (a class: a closure cannot capture a mutex).
    final class Seen: Sendable {
        let moments = Mutex<[Moment?]>([])
        let copied = Mutex(false)
    }

    static func moment(_ database: GatewayDatabase) -> Moment? {
        guard let rows = try? database.pool.read({ db in try String.fetchAll(db, sql: "SELECT device_id FROM readings ORDER BY id") }),
              let position = try? database.ingestTotals().journalPosition else { return nil }
        return Moment(devices: rows, position: position)
    }

    /// The pipeline tests' set-up, with a minute's linger, noting what the database holds at each hand-over.
    static func watchedPipeline(in directory: String) throws -> (IngestPipeline, Journal, GatewayDatabase, IngestPipelineTests.Published, Seen) {
        let published = IngestPipelineTests.Published()
        let (pipeline, journal, database) = try IngestPipelineTests.pipeline(in: directory, linger: 60, published: published)
        let seen = Seen()
        published.whenStored.withLock { $0 = { _ in seen.moments.withLock { $0.append(Self.moment(database)) } } }
        return (pipeline, journal, database, published, seen)
    }

    @Test func theAlarmCommitsAheadOfTheReadingsWaitingForCompany() throws {
        let directory = try TestPaths.temporaryDirectory("ingest-alarm-first")
        defer { TestPaths.removeScratch(directory) }
        let (pipeline, journal, database, published, seen) = try Self.watchedPipeline(in: directory)
        try pipeline.start()
        for seq in 1...3 { IngestPipelineTests.append(journal, device: "door-1", type: "door", seq: seq) }
        Thread.sleep(forTimeInterval: 0.3)
        #expect(try database.readingCount() == 0, "ordinary readings wait for company")
        IngestPipelineTests.append(journal, device: "smoke-1", type: "smoke", seq: 4)
        #expect(try eventually(timeout: 10) { try database.readingCount() == 4 })
        #expect(eventually(timeout: 10) { seen.moments.withLock { $0.count } == 2 })
        let moments = seen.moments.withLock { $0 }
        #expect(moments.first??.devices == ["smoke-1"], "the alarm's reading alone when its alert is handed on")
        #expect(moments.first??.position == 0, "its commit leaves the journal position where it was")
        #expect(moments.last??.devices == ["smoke-1", "door-1", "door-1", "door-1"])
        #expect(moments.last??.position == journal.endPosition)
        #expect(published.batches.withLock { $0.map { $0.map(\.deviceID) } } == [["smoke-1"], ["door-1", "door-1", "door-1"]])
        #expect(try database.alertEvents().map { "\($0.kind) \($0.deviceID)" } == ["firing smoke-1"])
        #expect(pipeline.drainAndStop(timeout: 10))
    }

    /// By device: an alerting device's other readings go first with it, in the order they
    /// came, and its slice's other devices go with the readings waiting before it.
    @Test func everyReadingOfAnAlertingDeviceGoesFirstInOrder() throws {
        let directory = try TestPaths.temporaryDirectory("ingest-alarm-first-device")
        defer { TestPaths.removeScratch(directory) }
        let (pipeline, journal, database, _, seen) = try Self.watchedPipeline(in: directory)
        // One read of 100 entries (the test's batch size): the smoke detector twice in the second slice.
        let slice = IngestPipeline.alarmSliceEntries
        let alarms = [slice + 3, slice + 9]
        for index in 0..<100 {
            if alarms.contains(index) { IngestPipelineTests.append(journal, device: "smoke-1", type: "smoke", seq: index) } else {
                IngestPipelineTests.append(journal, device: "door-1", type: "door", seq: index)
            }
        }
        try pipeline.start()
        #expect(eventually(timeout: 10) { seen.moments.withLock { $0.count } == 2 })
        let moments = seen.moments.withLock { $0 }
        #expect(moments.first??.devices == ["smoke-1", "smoke-1"])
        #expect(moments.last??.devices.count == 2 * slice)
        let seqs = try database.pool.read { db in
            try Int.fetchAll(db, sql: "SELECT json_extract(payload, '$.seq') FROM readings WHERE device_id = 'smoke-1' ORDER BY id")
        }
        #expect(seqs == alarms, "the device's readings in the order they came")
        #expect(pipeline.drainAndStop(timeout: 10))
        #expect(try database.readingCount() == 100)
    }

    /// Killed between the two commits: the copy taken at that moment is what a SIGKILL would
    /// leave. Read again from its position, every reading is stored once; the alarm's reading
    /// is a duplicate the key drops. The rules hear it once: the warm-up before the replay
    /// leaves it out. Its alert, judged again, fires again (the stand-in rules hold no state;
    /// the real ones fire again only from a rule state saved before it).
    @Test func killedBetweenTheTwoCommitsNothingIsLostOrStoredTwice() throws {
        let directory = try TestPaths.temporaryDirectory("ingest-alarm-first-crash")
        defer { TestPaths.removeScratch(directory) }
        let published = IngestPipelineTests.Published()
        let (pipeline, journal, database) = try IngestPipelineTests.pipeline(in: directory, linger: 60, published: published)
        let seen = Seen()
        published.whenStored.withLock {
            $0 = { _ in
                guard !seen.copied.withLock({ $0 }) else { return }
                let copied = (try? database.backup(to: directory + "/killed.db")) != nil
                seen.copied.withLock { $0 = copied }
            }
        }
        try pipeline.start()
        for seq in 1...3 { IngestPipelineTests.append(journal, device: "door-1", type: "door", seq: seq) }
        IngestPipelineTests.append(journal, device: "smoke-1", type: "smoke", seq: 4)
        #expect(try eventually(timeout: 10) { try database.readingCount() == 4 })
        #expect(pipeline.drainAndStop(timeout: 10))
        try #require(seen.copied.withLock { $0 })

        let (restarted, _, killed) = try IngestPipelineTests.pipeline(in: directory, linger: 0, published: IngestPipelineTests.Published(),
                                                                      databaseFile: "killed.db")
        #expect(try killed.readingCount() == 1)
        #expect(try killed.ingestTotals().journalPosition == 0)
        #expect(try killed.ruleReadings(sinceMs: 0).isEmpty, "the warm-up leaves out what the replay brings")
        try restarted.start()
        #expect(try eventually(timeout: 10) { try killed.ingestTotals().journalPosition == journal.endPosition })
        #expect(restarted.drainAndStop(timeout: 10))
        let totals = try killed.ingestTotals()
        #expect(try killed.readingCount() == 4)
        #expect(totals.stored == 4 && totals.duplicates == 1)
        #expect(try killed.alertEvents().map { "\($0.kind) \($0.deviceID)" } == ["firing smoke-1", "firing smoke-1"])
        #expect(try killed.ruleReadings(sinceMs: 0).map(\.deviceID) == ["smoke-1", "door-1", "door-1", "door-1"])
    }

    /// Only an urgent batch with an alerting device and something besides it splits; a batch
    /// with a new device's row (no key against a second store) does not.
    @Test func theSplitNeedsAlertingDevicesAndSomethingToFollow() {
        var open = IngestPipeline.OpenBatch(batch: IngestBatch(journalPosition: 90), openedNs: 0)
        open.batch.readings = [Self.reading("door-1"), Self.reading("smoke-1")]
        open.events = [Self.event(.pending, "door-1"), Self.event(.firing, "smoke-1")]
        #expect(IngestPipeline.alarmFirst(open, storedPosition: 40) == nil, "not urgent")
        open.urgent = true
        let split = IngestPipeline.alarmFirst(open, storedPosition: 40)
        #expect(split?.alarm.readings.map(\.deviceID) == ["smoke-1"])
        #expect(split?.alarm.journalPosition == 40)
        #expect(split?.alarm.alertEvents.map(\.deviceID) == ["smoke-1"])
        #expect(split?.rest.readings.map(\.deviceID) == ["door-1"])
        #expect(split?.rest.journalPosition == 90)
        #expect(split?.restEvents.map(\.kind) == [.pending])

        var alone = open
        alone.batch.readings = [Self.reading("smoke-1")]
        #expect(IngestPipeline.alarmFirst(alone, storedPosition: 40) == nil, "nothing to follow")
        var newcomer = open
        newcomer.batch.newDevices = [Device(id: "smoke-2", type: "smoke", community: "demo")]
        #expect(IngestPipeline.alarmFirst(newcomer, storedPosition: 40) == nil, "a new device's row has no key against a second store")
        var pendingOnly = open
        pendingOnly.events = [Self.event(.pending, "door-1")]
        #expect(IngestPipeline.alarmFirst(pendingOnly, storedPosition: 40) == nil)
    }

    static func reading(_ device: String) -> Reading {
        Reading(deviceID: device, deviceType: device.hasPrefix("smoke") ? "smoke" : "door", community: "demo", receivedAtMs: 1, deviceTimeMs: 1,
                deviceTimeTrusted: true, seq: nil, values: [:], payloadText: "{}", flags: [], contentHash: 1)
    }

    static func event(_ kind: AlertEvent.Kind, _ device: String) -> AlertEvent {
        AlertEvent(atMs: 1, kind: kind, ruleID: "r", deviceID: device, severity: "emergency", community: "demo", building: "")
    }
}
