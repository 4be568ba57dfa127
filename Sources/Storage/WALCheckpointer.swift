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
/// commits follow each other too closely for another connection's checkpoint to leave that
/// moment. So the writer finishes each round: at its first commit after the thread has copied
/// the log, it copies the few pages committed meanwhile (in its commit hook, where SQLite's own
/// checkpoint runs), and its next transaction starts the log over.
public final class WALCheckpointer: Sendable {
    /// When each side copies, in log pages (SQLite's default page is 4 KiB).
    public struct Settings: Sendable, Equatable {
        /// The log's length at which the thread copies it. Longer than SQLite's 1,000: a hot
        /// page (the reading index's end for a device) is logged by commit after commit but
        /// copied once per round.
        public var threadPages: Int32
        /// The length at which the writer copies the log itself at every commit, as SQLite's
        /// own checkpoint does: the thread has fallen behind, or a long read holds the log.
        public var writerPages: Int32

        public init(threadPages: Int32 = 4096, writerPages: Int32 = 16384) {
            self.threadPages = threadPages
            self.writerPages = writerPages
        }
    }

    /// Rounds so far, by who copied: the thread, the writer finishing a round, the writer
    /// past `writerPages`.
    public struct Tally: Sendable, Equatable {
        public var threadRounds = 0
        public var writerFinishes = 0
        public var writerFallbacks = 0
    }

    let settings: Settings
    private let connection: DatabaseQueue
    private let round: Mutex<CheckpointRound>
    private let tallied = Mutex(Tally())
    private let wake = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private let stopping = Atomic<Bool>(false)
    /// Callers inside `urgently`: while there are any, the writer does not finish a round.
    private let urgentCallers = Atomic<Int>(0)
    /// Signalled at the end of each round once a test has set it: waits on the thread without
    /// polling.
    let roundEnded = Mutex<DispatchSemaphore?>(nil)

    /// Opens the thread's connection to the database at `path` (already in WAL mode) and
    /// starts the thread; `install(on:)` then hands the writer's commits to it.
    public init(path: String, settings: Settings) throws {
        self.settings = settings
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
            copyRounds()
            finished.signal()
        }
        thread.name = "wal-checkpoint"
        thread.start()
    }

    public var tally: Tally { tallied.withLock { $0 } }

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
    /// first ordinary commit after it does that instead.
    public func urgently<T>(_ body: () throws -> T) rethrows -> T {
        urgentCallers.add(1, ordering: .relaxed)
        defer { urgentCallers.subtract(1, ordering: .relaxed) }
        return try body()
    }

    /// Ends the thread (after the round in progress, if any); once.
    func stop() {
        guard !stopping.exchange(true, ordering: .acquiringAndReleasing) else { return }
        wake.signal()
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
            var backfilledPages = 0
            do {
                backfilledPages = try connection.inDatabase { db in try db.checkpoint(.passive).checkpointedFrameCount }
            } catch {
                // Busy: the writer is copying (past `writerPages`); the next round tries again.
            }
            if backfilledPages > 0 { tallied.withLock { $0.threadRounds += 1 } }
            round.withLock { $0.threadFinished(backfilledPages: backfilledPages) }
            roundEnded.withLock { $0 }?.signal()
        }
    }
}

/// SQLite's WAL hook: runs on the writer inside each commit. Returns OK whatever the
/// checkpoint did: an error here would fail a statement whose commit has happened.
private func walCommitted(_ context: UnsafeMutableRawPointer?, _ connection: OpaquePointer?, _ schema: UnsafePointer<CChar>?,
                          _ logPages: Int32) -> Int32 {
    guard let context else { return SQLITE_OK }
    Unmanaged<WALCheckpointer>.fromOpaque(context).takeUnretainedValue().committed(connection: connection, schema: schema, logPages: logPages)
    return SQLITE_OK
}

/// Who copies the write-ahead log next (see `WALCheckpointer`), fed by the writer's commits
/// and the thread's rounds. Pure, so the hand-over is tested without a database.
struct CheckpointRound: Sendable {
    /// What the writer's hook does after a commit.
    enum Action: Equatable {
        case none
        /// The log passed the thread's length: the thread copies it.
        case wakeThread
        /// The thread has copied the log: the writer copies what was committed meanwhile, so
        /// that its next transaction starts the log over.
        case finishRound
        /// The log passed the writer's length: the writer copies it now, as SQLite would.
        case copyOnWriter
    }

    let settings: WALCheckpointer.Settings
    /// Woken, and not yet done.
    private(set) var threadBusy = false
    /// The thread has copied; the writer's next commit finishes the round.
    private(set) var finishWanted = false
    /// The log's length at which the thread is woken next: after a finish that did not start
    /// the log over (a reader still on it), only once it has grown as much again, so a held
    /// log does not cost the writer two syncs every other commit.
    private(set) var wakeAtPages: Int32
    /// The log's length after the last commit: a shorter one means the log started over.
    private(set) var lastLogPages: Int32 = 0
    /// Times the log started over (for tests).
    private(set) var restarts = 0

    init(settings: WALCheckpointer.Settings) {
        self.settings = settings
        wakeAtPages = settings.threadPages
    }

    /// A commit happened; the log now holds `logPages` pages. `urgent`: an emergency's, which
    /// leaves finishing a round to the next commit.
    mutating func commitHappened(logPages: Int32, urgent: Bool = false) -> Action {
        if logPages < lastLogPages {
            // Started over: the thread's round sufficed (nothing came in between), or a finish did.
            restarts += 1
            finishWanted = false
            wakeAtPages = settings.threadPages
        }
        lastLogPages = logPages
        if logPages >= settings.writerPages {
            // Copying on the writer finishes a round as well.
            finishWanted = false
            return .copyOnWriter
        }
        if finishWanted && !urgent {
            finishWanted = false
            wakeAtPages = logPages + settings.threadPages
            return .finishRound
        }
        if logPages >= wakeAtPages && !threadBusy && !finishWanted {
            threadBusy = true
            return .wakeThread
        }
        return .none
    }

    /// The thread's round ended with `backfilledPages` of the log in the file (SQLite's count;
    /// 0: busy, nothing done).
    mutating func threadFinished(backfilledPages: Int) {
        threadBusy = false
        // All of the log as the last commit left it: the next transaction starts it over by
        // itself. Commits during the round (or a reader holding some back): the writer copies
        // the rest.
        if backfilledPages > 0 && backfilledPages < Int(lastLogPages) { finishWanted = true }
    }
}
