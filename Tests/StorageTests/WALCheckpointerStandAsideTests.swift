import Dispatch
import Foundation
import GRDB
@testable import Storage
import Testing

/// The checkpointer's thread and an emergency's commits, on a real SQLite file: the thread
/// does not start a copy while they are under way, one they find under way is cut short and
/// made again once they are over, and nothing committed is lost either way. The race itself
/// (an emergency beginning just as a copy starts) is not reproduced here: both tests place
/// the emergency on one side of it.
@Suite struct WALCheckpointerStandAsideTests {
    /// Waits up to 30 s for `condition`, looking every millisecond.
    static func eventually(_ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(30)
        while !condition() {
            if Date() > deadline { return false }
            usleep(1000)
        }
        return true
    }

    /// An emergency held open on a thread of its own until `release` is signalled.
    static func holdEmergency(on database: GatewayDatabase, release: DispatchSemaphore) -> DispatchSemaphore {
        let (entered, left) = (DispatchSemaphore(value: 0), DispatchSemaphore(value: 0))
        Thread {
            database.urgently {
                entered.signal()
                release.wait()
            }
            left.signal()
        }.start()
        entered.wait()
        return left
    }

    /// The round is woken while an emergency is under way: the thread waits, copying nothing
    /// (its wait is far longer than the test), and copies the log once the emergency is over.
    @Test func theThreadCopiesOnlyOnceTheEmergencyIsOver() throws {
        let path = WALCheckpointerTests.temporaryPath()
        defer { WALCheckpointerTests.remove(path) }
        let settings = WALCheckpointer.Settings(threadPages: 200, writerPages: 100_000, maxStandAsideMs: 600_000)
        let database = try GatewayDatabase(path: path, checkpoints: settings)
        let checkpointer = try #require(database.checkpointer)
        let (copyStarting, roundEnded) = (DispatchSemaphore(value: 0), DispatchSemaphore(value: 0))
        checkpointer.copyStarting.withLock { $0 = copyStarting }
        checkpointer.roundEnded.withLock { $0 = roundEnded }
        let release = DispatchSemaphore(value: 0)
        let left = Self.holdEmergency(on: database, release: release)
        var released = false
        defer { if !released { release.signal() } }
        // Ordinary commits go on meanwhile, on this thread, until the round's wake-up.
        var commits = 0
        while !checkpointer.roundState.threadBusy, commits < 2000 {
            try WALCheckpointerTests.commitBatches(to: database, count: 1, honouringHolds: false)
            commits += 1
        }
        #expect(checkpointer.roundState.threadBusy, "no round began after \(commits) commits")
        #expect(Self.eventually { checkpointer.tally.threadStandAsides == 1 }, "the thread did not wait: \(checkpointer.tally)")
        // Signalled before any copy that starts while the thread may still be interrupted.
        #expect(copyStarting.wait(timeout: .now() + 0.2) == .timedOut, "the thread began a copy during the emergency")
        #expect(checkpointer.tally.threadRounds == 0, "the thread copied during the emergency")
        release.signal()
        released = true
        #expect(left.wait(timeout: .now() + 30) == .success)
        #expect(roundEnded.wait(timeout: .now() + 30) == .success, "the round did not end")
        #expect(checkpointer.tally.threadRounds == 1 && checkpointer.tally.threadCopiesInterrupted == 0, "\(checkpointer.tally)")
        #expect(try database.pool.read { try String.fetchAll($0, sql: "PRAGMA integrity_check") } == ["ok"])
    }

    /// A copy of ~8,000 pages is cut short by an emergency that began as it started (the
    /// thread is held at the copy's start until the emergency is under way), waits for the
    /// emergency to end, and is made again: the round still copies the whole log, which
    /// starts over, and every row is there.
    @Test func anEmergencyCutsTheThreadsCopyShortAndItIsMadeAgainAfterwards() throws {
        let path = WALCheckpointerTests.temporaryPath()
        defer { WALCheckpointerTests.remove(path) }
        let settings = WALCheckpointer.Settings(threadPages: 8000, writerPages: 1_000_000, maxStandAsideMs: 600_000)
        let database = try GatewayDatabase(path: path, checkpoints: settings)
        let checkpointer = try #require(database.checkpointer)
        try database.pool.write { db in try db.execute(sql: "CREATE TABLE filler (id INTEGER PRIMARY KEY, body BLOB NOT NULL)") }
        let (copyStarting, copyMayStart, roundEnded) = (DispatchSemaphore(value: 0), DispatchSemaphore(value: 0), DispatchSemaphore(value: 0))
        checkpointer.copyStarting.withLock { $0 = copyStarting }
        checkpointer.copyMayStart.withLock { $0 = copyMayStart }
        checkpointer.roundEnded.withLock { $0 = roundEnded }
        defer { copyMayStart.signal() }
        // A megabyte a commit (~257 pages) until the round is woken.
        var megabytes = 0
        while !checkpointer.roundState.threadBusy, megabytes < 100 {
            try database.pool.write { db in try db.execute(sql: "INSERT INTO filler (body) VALUES (randomblob(1048576))") }
            megabytes += 1
        }
        #expect(checkpointer.roundState.threadBusy, "no round began after \(megabytes) MB")
        #expect(copyStarting.wait(timeout: .now() + 30) == .success, "the thread did not start copying")
        let release = DispatchSemaphore(value: 0)
        let left = Self.holdEmergency(on: database, release: release)
        var released = false
        defer { if !released { release.signal() } }
        copyMayStart.signal()
        #expect(Self.eventually { checkpointer.tally.threadCopiesInterrupted == 1 && checkpointer.tally.threadStandAsides == 1 },
                "the copy was not cut short, or the thread did not wait: \(checkpointer.tally)")
        #expect(roundEnded.wait(timeout: .now() + 0.2) == .timedOut, "the round ended during the emergency")
        #expect(checkpointer.tally.threadRounds == 0)
        release.signal()
        released = true
        #expect(left.wait(timeout: .now() + 30) == .success)
        #expect(roundEnded.wait(timeout: .now() + 30) == .success, "the round did not end")
        let tally = checkpointer.tally
        #expect(tally.threadCopiesInterrupted == 1 && tally.threadRounds == 1 && tally.threadFinishAttempts == 0, "\(tally)")
        // The copy made again took all of the log: the next transaction starts it over.
        try database.pool.write { db in try db.execute(sql: "INSERT INTO filler (body) VALUES (x'00')") }
        #expect(checkpointer.roundState.restarts == 1, "\(checkpointer.roundState)")
        #expect(try database.pool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM filler") } == megabytes + 1)
        #expect(try database.pool.read { try String.fetchAll($0, sql: "PRAGMA integrity_check") } == ["ok"])
    }
}
