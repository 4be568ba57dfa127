import Dispatch
import Foundation
import GRDB
@testable import Storage
import Synchronization
import Testing

/// A fold step holds the writer only briefly: its runs go in transactions of at most
/// `runsPerWrite` runs and about `writeHoldNs`, one run a transaction while an emergency's
/// commits are under way, and each transaction first waits for those to end. However a step is
/// cut, it folds exactly what one written whole does.
@Suite struct ReadingRunStepWriteTests {
    /// Counts the writer's commits that changed something.
    final class CommitCounter: TransactionObserver, Sendable {
        let commits = Mutex(0)

        func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool { true }
        func databaseDidChange(with event: DatabaseEvent) {}
        func databaseDidCommit(_ db: Database) { commits.withLock { $0 += 1 } }
        func databaseDidRollback(_ db: Database) {}
        var count: Int { commits.withLock { $0 } }
    }

    /// What a step on another thread returned.
    final class Outcome: Sendable {
        let step = Mutex<Result<ReadingRunStep, any Error>?>(nil)
    }

    /// Holds an emergency's section open on a thread of its own until the semaphore returned is signalled.
    static func holdEmergency(_ database: GatewayDatabase) -> DispatchSemaphore {
        let entered = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        Thread {
            database.urgently {
                entered.signal()
                release.wait()
            }
        }.start()
        entered.wait()
        return release
    }

    /// Everything a step leaves behind, for comparing two databases.
    static func folded(_ database: GatewayDatabase) throws -> [String] {
        try database.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM reading_runs ORDER BY device_id, last_id").map(\.description)
                + Row.fetchAll(db, sql: "SELECT * FROM readings_off_clock ORDER BY reading_id").map(\.description)
                + [String(try GatewayDatabase.cursor(GatewayDatabase.readingRunsCursor, db))]
        }
    }

    /// Two stores holding the same 301 readings of three devices, the second one's commits counted.
    static func twoStores() throws -> (TestStore, GatewayDatabase, TestStore, GatewayDatabase, CommitCounter) {
        let whole = try TestStore(.sqlite, name: "whole")
        let cut = try TestStore(.sqlite, name: "cut")
        let wholeDatabase = try #require(whole.store as? GatewayDatabase)
        let cutDatabase = try #require(cut.store as? GatewayDatabase)
        _ = try ReadingRunsTests.fill(wholeDatabase)
        _ = try ReadingRunsTests.fill(cutDatabase)
        let counter = CommitCounter()
        cutDatabase.pool.add(transactionObserver: counter, extent: .databaseLifetime)
        return (whole, wholeDatabase, cut, cutDatabase, counter)
    }

    @Test func aStepCutAtEveryRunFoldsWhatOneWriteDoes() throws {
        let (whole, wholeDatabase, cut, cutDatabase, counter) = try Self.twoStores()
        defer { whole.remove(); cut.remove() }
        let expected = try wholeDatabase.foldReadingRuns(maxRows: 200)
        #expect(try cutDatabase.foldReadingRuns(maxRows: 200, writeHoldNs: 0) == expected)
        // Three devices, three runs: one transaction each.
        #expect(counter.count == 3)
        #expect(try Self.folded(cutDatabase) == Self.folded(wholeDatabase))
        #expect(try wholeDatabase.foldReadingRuns(maxRows: 200) == cutDatabase.foldReadingRuns(maxRows: 200, runsPerWrite: 2, writeHoldNs: .max))
        #expect(counter.count == 5)
        #expect(try Self.folded(cutDatabase) == Self.folded(wholeDatabase))
        try ReadingRunsTests.expectRunsExact(cutDatabase)
    }

    @Test func anEmergencyUnderWayCutsEachWriteToOneRun() throws {
        let (whole, wholeDatabase, cut, cutDatabase, counter) = try Self.twoStores()
        defer { whole.remove(); cut.remove() }
        let expected = try wholeDatabase.foldReadingRuns(maxRows: 4_000)
        // Inside the emergency's own section, so the wait between writes ends at once (0 ns).
        let step = try cutDatabase.urgently { try cutDatabase.foldReadingRuns(maxRows: 4_000, writeHoldNs: .max, maxHoldNs: 0) }
        #expect(step == expected)
        #expect(counter.count == 3)
        #expect(try Self.folded(cutDatabase) == Self.folded(wholeDatabase))
    }

    @Test func aStepWaitsUntilTheEmergencyIsOver() throws {
        let (whole, wholeDatabase, cut, cutDatabase, counter) = try Self.twoStores()
        defer { whole.remove(); cut.remove() }
        let expected = try wholeDatabase.foldReadingRuns(maxRows: 4_000)
        let release = Self.holdEmergency(cutDatabase)
        // On a thread of its own: the step sleeps while it waits, and the pool has two threads.
        let folded = DispatchSemaphore(value: 0)
        let outcome = Outcome()
        Thread {
            let result = Result { try cutDatabase.foldReadingRuns(maxRows: 4_000, writeHoldNs: .max, maxHoldNs: 60_000_000_000) }
            outcome.step.withLock { $0 = result }
            folded.signal()
        }.start()
        // Nothing is written however long the emergency lasts (a step takes a few ms otherwise).
        #expect(folded.wait(timeout: .now() + 0.3) == .timedOut)
        #expect(counter.count == 0)
        release.signal()
        #expect(folded.wait(timeout: .now() + 30) == .success)
        #expect(try outcome.step.withLock { try $0?.get() } == expected)
        // All three runs in one write: nothing cut it short once the emergency was over.
        #expect(counter.count == 1)
        #expect(try Self.folded(cutDatabase) == Self.folded(wholeDatabase))
    }
}
