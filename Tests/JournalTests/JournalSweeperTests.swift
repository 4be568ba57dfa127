import Dispatch
import Foundation
@testable import Journal
import Testing
import TestServers

/// The sweeper deletes spent segments on its own thread: the caller only asks, and what was
/// asked for is done by the time `stop` returns.
@Suite struct JournalSweeperTests {
    /// A journal of more than five 4 KiB segments, and their first positions.
    private static func segmentedJournal(_ directory: String) throws -> (Journal, [UInt64]) {
        let journal = try Journal(directory: directory, options: Journal.Options(segmentBytes: 4096))
        let payload = String(repeating: "x", count: 200)
        for _ in 0..<200 { _ = JournalTests.append(journal, "topic", payload, at: 1) }
        let segments = try JournalSegments.list(directory)
        try #require(segments.count > 5)
        return (journal, segments)
    }

    @Test func theCallerDoesNotDeleteAndStopFinishesWhatWasAsked() throws {
        let directory = JournalTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (journal, segments) = try Self.segmentedJournal(directory)
        // The sweeping thread is held before its loop, so whatever is deleted before the release
        // was deleted by the caller.
        let release = DispatchSemaphore(value: 0)
        let sweeper = JournalSweeper(journal: journal) { release.wait() }
        // Should a `try` below throw, the held thread is still let go and ended.
        defer { release.signal(); sweeper.stop() }
        sweeper.discard(before: segments[3])
        #expect(try JournalSegments.list(directory) == segments)
        release.signal()
        sweeper.stop()
        #expect(try JournalSegments.list(directory) == Array(segments[3...]))
    }

    @Test func aLaterRequestForLessDeletesNothingBack() throws {
        let directory = JournalTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (journal, segments) = try Self.segmentedJournal(directory)
        let release = DispatchSemaphore(value: 0)
        let sweeper = JournalSweeper(journal: journal) { release.wait() }
        defer { release.signal(); sweeper.stop() }
        sweeper.discard(before: segments[4])
        sweeper.discard(before: segments[2])
        release.signal()
        sweeper.stop()
        #expect(try JournalSegments.list(directory) == Array(segments[4...]))
    }

    @Test func requestsAreSweptWhileTheThreadRuns() throws {
        let directory = JournalTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (journal, segments) = try Self.segmentedJournal(directory)
        let sweeper = JournalSweeper(journal: journal)
        defer { sweeper.stop() }
        sweeper.discard(before: segments[2])
        #expect(try eventually(timeout: 10) { try JournalSegments.list(directory).first == segments[2] })
        // The active segment is never deleted, however far the request goes.
        sweeper.discard(before: journal.endPosition)
        #expect(try eventually(timeout: 10) { try JournalSegments.list(directory) == [segments.last!] })
    }

    @Test func aSecondStopReturnsAtOnce() throws {
        let directory = JournalTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (journal, segments) = try Self.segmentedJournal(directory)
        let sweeper = JournalSweeper(journal: journal)
        sweeper.discard(before: segments[1])
        sweeper.stop()
        let returned = DispatchSemaphore(value: 0)
        Thread { sweeper.stop(); returned.signal() }.start()
        #expect(returned.wait(timeout: .now() + 10) == .success, "a second stop waits for nothing")
        #expect(try JournalSegments.list(directory) == Array(segments[1...]))
    }
}
