import Dispatch
import Foundation
import GRDB
import GRDBSQLite
import Synchronization

/// Copies SQLite's write-ahead log back into the database file on a thread and connection of
/// its own, so the writer's commits (an emergency's among them) do not wait for the copy and
/// its flushes. SQLite's own checkpoint runs inside the commit that passes 1,000 log pages: at
/// ~11k readings a second that was about 15 commits a second stalled 5–15 ms each (strace: an
/// `fdatasync` of the log, ~350 page writes, an `fdatasync` of the file), and an alarm arriving
/// meanwhile waited for it.
///
/// The log starts over only when a write transaction begins with every page copied, and
/// commits follow each other too closely for a copy to end between two of them by chance. So
/// each round is finished: the thread copies the pages committed during its round again while
/// the ingest pipeline holds its ordinary commits back (`holdingCommits`; an emergency's go
/// ahead), and should commits still land meanwhile, the writer's next ordinary commit copies
/// the rest in its commit hook, where SQLite's own checkpoint runs (`CheckpointRound`).
public final class WALCheckpointer: Sendable {
    let settings: Settings
    private let path: String
    private let connection: DatabaseQueue
    let round: Mutex<CheckpointRound>
    private let tallied = Mutex(Tally())
    private let wake = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private let stopping = Atomic<Bool>(false)
    /// Callers inside `urgently`: while there are any, the writer does not finish a round and
    /// the thread starts no copy (until `maxStandAsideMs` into its round).
    private let urgentCallers = Atomic<Int>(0)
    /// Whether the copy under way may be cut short, and whether it was: one lock for both, so
    /// an interrupt that came too late is known and cleared before the next copy.
    private let interruption = Mutex(CopyInterruption())
    /// Set while the thread waits for an emergency to end, so that only then does the last
    /// urgent caller to leave signal `emergencyOver`.
    private let threadStandingAside = Atomic<Bool>(false)
    private let emergencyOver = DispatchSemaphore(value: 0)
    /// Signalled at the end of each round once a test has set it: waits on the thread without
    /// polling.
    let roundEnded = Mutex<DispatchSemaphore?>(nil)
    /// Signalled just before each copy an emergency may cut short, once a test has set it.
    let copyStarting = Mutex<DispatchSemaphore?>(nil)
    /// Waited on (once, then dropped) just after `copyStarting` is signalled: a test begins
    /// its emergency while the copy is certainly under way.
    let copyMayStart = Mutex<DispatchSemaphore?>(nil)

    /// Opens the thread's connection to the database at `path` (already in WAL mode) and
    /// starts the thread; `install(on:)` then hands the writer's commits to it.
    public init(path: String, settings: Settings) throws {
        self.settings = settings
        self.path = path
        var configuration = Configuration()
        // Not OFF: a checkpoint syncs the log before copying it and the file before the log may
        // start over, and without those syncs a power cut could corrupt the file.
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
        connection = try DatabaseQueue(path: path, configuration: configuration)
        // A fresh connection learns that the file is in WAL mode only once it has read it;
        // until then a checkpoint copies nothing and still succeeds. Once is enough.
        _ = try connection.inDatabase { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") }
        round = Mutex(CheckpointRound(settings: settings))
        let thread = Thread { [self] in
            SystemThreadName.set("wal-checkpoint")
            copyRounds()
            finished.signal()
        }
        thread.start()
    }

    public var tally: Tally { tallied.withLock { $0 } }

    /// The size of the log file (`-wal`) now: SQLite reuses it from the start rather than
    /// shrinking it, so this is its largest length since the file was opened.
    public var logFileBytes: Int64 {
        ((try? FileManager.default.attributesOfItem(atPath: path + "-wal"))?[.size] as? NSNumber)?.int64Value ?? 0
    }

    /// The thread is finishing a round: an ordinary commit now would likely land during its
    /// copy and leave it unfinished, so the ingest pipeline holds its batch a little longer.
    public var holdingCommits: Bool { round.withLock { $0.holding } }

    /// Where the hand-over stands (for tests).
    var roundState: CheckpointRound { round.withLock { $0 } }

    /// Takes over the writer connection's checkpoints (SQLite's own automatic one included:
    /// a WAL hook replaces it).
    func install(on db: Database) {
        sqlite3_wal_hook(db.sqliteConnection, walCommitted, Unmanaged.passUnretained(self).toOpaque())
    }

    /// Gives the writer back SQLite's automatic checkpoint at its default 1,000 pages (which
    /// replaces the hook); to be called before the checkpointer goes away, since the hook
    /// holds it unretained.
    func uninstall(from db: Database) {
        sqlite3_wal_autocheckpoint(db.sqliteConnection, 1000)
    }

    /// Runs `body` (an emergency's batch, its alert events and its ticket) without the writer
    /// finishing a round inside it: a finish syncs the log and the file, 6–12 ms here, and the
    /// first ordinary commit after it does that instead. Nor does the thread start a copy
    /// meanwhile, and one under way is cut short and made again afterwards: a round copies
    /// ~4,000 pages (16 MB read and written, 10–30 ms with its syncs), and on two cores the
    /// alarm's own threads need the CPU it takes.
    public func urgently<T>(_ body: () throws -> T) rethrows -> T {
        tallied.withLock { $0.urgentSections += 1 }
        // The thread marks its copy interruptible under the lock and then loads the callers:
        // either it sees this one and does not start, or this one sees its copy and cuts it.
        urgentCallers.add(1, ordering: .sequentiallyConsistent)
        interruption.withLock { state in
            guard state.interruptible else { return }
            connection.interrupt()
            state.sent = true
        }
        defer {
            let left = urgentCallers.subtract(1, ordering: .sequentiallyConsistent).newValue
            if left == 0 && threadStandingAside.load(ordering: .sequentiallyConsistent) { emergencyOver.signal() }
        }
        return try body()
    }

    /// Ends the thread (after the round in progress, if any, without waiting out an
    /// emergency); once.
    func stop() {
        guard !stopping.exchange(true, ordering: .acquiringAndReleasing) else { return }
        wake.signal()
        emergencyOver.signal()
        finished.wait()
    }

    /// On the writer, after each commit, with the log's length.
    fileprivate func committed(connection: OpaquePointer?, schema: UnsafePointer<CChar>?, logPages: Int32) {
        let urgent = urgentCallers.load(ordering: .relaxed) > 0
        switch round.withLock({ $0.commitHappened(logPages: logPages, urgent: urgent) }) {
        case .none:
            return
        case .wakeThread:
            wake.signal()
        case .finishRound:
            sqlite3_wal_checkpoint_v2(connection, schema, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
            tallied.withLock { $0.writerFinishes += 1 }
        case .copyOnWriter:
            sqlite3_wal_checkpoint_v2(connection, schema, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
            tallied.withLock { $0.writerFallbacks += 1 }
        }
    }

    private func copyRounds() {
        while true {
            wake.wait()
            if stopping.load(ordering: .acquiring) { return }
            copyRound()
            roundEnded.withLock { $0 }?.signal()
        }
    }

    /// One round: the log copied, then (ordinary commits held) what came in meanwhile. Until
    /// `maxStandAsideMs` after the round began, each copy waits while an emergency's commits
    /// are under way, and one they cut short is made again; after that the copies go ahead.
    private func copyRound() {
        let standAsideMs = UInt64(min(max(settings.maxStandAsideMs, 0), 86_400_000))
        let standAsideEndsNs = DispatchTime.now().uptimeNanoseconds + standAsideMs * 1_000_000
        var attempt = 0
        while true {
            let interruptible = waitForEmergencies(untilNs: standAsideEndsNs)
            let backfilledPages = copy(interruptible: interruptible)
            if stopping.load(ordering: .acquiring) && backfilledPages == nil {
                round.withLock { $0.threadStopped() }
                return
            }
            guard let backfilledPages else { continue }
            let copied = round.withLock { $0.threadCopied(backfilledPages: backfilledPages, attempt: attempt) }
            tallied.withLock { tally in
                if attempt == 0 && backfilledPages > 0 { tally.threadRounds += 1 }
                if attempt > 0 { tally.threadFinishAttempts += 1 }
                if attempt > 0 && copied == .everything { tally.threadFinishes += 1 }
            }
            guard copied == .someLeftCopyAgain else { return }
            if stopping.load(ordering: .acquiring) {
                round.withLock { $0.threadStopped() }
                return
            }
            attempt += 1
        }
    }

    /// Waits while an emergency's commits are under way, until `untilNs` at most (or the
    /// thread stops). Returns whether the next copy may still be cut short: false once
    /// `untilNs` has passed, when it goes ahead whatever comes.
    private func waitForEmergencies(untilNs: UInt64) -> Bool {
        threadStandingAside.store(true, ordering: .sequentiallyConsistent)
        defer { threadStandingAside.store(false, ordering: .sequentiallyConsistent) }
        var counted = false
        while urgentCallers.load(ordering: .sequentiallyConsistent) > 0, !stopping.load(ordering: .acquiring) {
            let nowNs = DispatchTime.now().uptimeNanoseconds
            guard nowNs < untilNs else { return false }
            if !counted {
                tallied.withLock { $0.threadStandAsides += 1 }
                counted = true
            }
            // A signal left over from an earlier wait only makes the loop look again.
            _ = emergencyOver.wait(timeout: .now() + .nanoseconds(Int(untilNs - nowNs)))
        }
        return DispatchTime.now().uptimeNanoseconds < untilNs
    }

    /// One copy of the log: the pages it holds in the file afterwards (0: busy, the writer
    /// copying past `writerPages`, or another error), or nil when it was not made whole: an
    /// emergency began before it started or cut it short (SQLite then leaves its count of
    /// copied pages as it was, so the next copy does those pages again).
    private func copy(interruptible: Bool) -> Int? {
        if interruptible {
            interruption.withLock { $0 = CopyInterruption(interruptible: true, sent: false) }
            if urgentCallers.load(ordering: .sequentiallyConsistent) > 0 {
                endInterruptible()
                return nil
            }
            copyStarting.withLock { $0 }?.signal()
            copyMayStart.withLock { gate in defer { gate = nil }; return gate }?.wait()
        }
        defer { if interruptible { endInterruptible() } }
        do {
            return try connection.inDatabase { db in try db.checkpoint(.passive).checkpointedFrameCount }
        } catch let error as DatabaseError where error.resultCode == .SQLITE_INTERRUPT {
            tallied.withLock { $0.threadCopiesInterrupted += 1 }
            return nil
        } catch {
            return 0
        }
    }

    /// No more interrupts from now on; one sent too late for the copy (it had ended) is still
    /// set on the connection and would cut the next copy short: a statement clears it.
    private func endInterruptible() {
        let sent = interruption.withLock { state in
            defer { state = CopyInterruption() }
            return state.sent
        }
        if sent { _ = try? connection.inDatabase { db in try Int.fetchOne(db, sql: "SELECT 1") } }
    }
}

/// Whether the thread's copy under way may be cut short, and whether an emergency did so.
struct CopyInterruption {
    var interruptible = false
    var sent = false
}

/// SQLite's WAL hook: runs on the writer inside each commit. Returns OK whatever the
/// checkpoint did: an error here would fail a statement whose commit has happened.
private func walCommitted(_ context: UnsafeMutableRawPointer?, _ connection: OpaquePointer?, _ schema: UnsafePointer<CChar>?,
                          _ logPages: Int32) -> Int32 {
    guard let context else { return SQLITE_OK }
    Unmanaged<WALCheckpointer>.fromOpaque(context).takeUnretainedValue().committed(connection: connection, schema: schema, logPages: logPages)
    return SQLITE_OK
}
