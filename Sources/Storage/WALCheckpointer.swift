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
    /// When each side copies, in log pages (SQLite's default page is 4 KiB).
    public struct Settings: Sendable, Equatable {
        /// The log's length at which the thread copies it. Longer than SQLite's 1,000: a hot
        /// page (the reading index's end for a device) is logged by commit after commit but
        /// copied once per round.
        public var threadPages: Int32
        /// The length at which the writer copies the log itself at every commit, as SQLite's
        /// own checkpoint does: the thread has fallen behind, or a long read holds the log.
        public var writerPages: Int32
        /// How many times the thread copies what was committed during its round before the
        /// writer does it (0: the writer always finishes the round).
        public var finishAttempts: Int

        public init(threadPages: Int32 = 4096, writerPages: Int32 = 16384, finishAttempts: Int = 3) {
            self.threadPages = threadPages
            self.writerPages = writerPages
            self.finishAttempts = finishAttempts
        }
    }

    /// Copies so far, by who made them: the thread's rounds, its finishing copies (and those
    /// that took everything), the writer finishing a round, the writer past `writerPages`;
    /// and the emergencies' sections (`urgently`).
    public struct Tally: Sendable, Equatable {
        public var threadRounds = 0
        public var threadFinishAttempts = 0
        public var threadFinishes = 0
        public var writerFinishes = 0
        public var writerFallbacks = 0
        public var urgentSections = 0

        public init() {}
    }

    let settings: Settings
    private let path: String
    private let connection: DatabaseQueue
    let round: Mutex<CheckpointRound>
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
    /// first ordinary commit after it does that instead.
    public func urgently<T>(_ body: () throws -> T) rethrows -> T {
        tallied.withLock { $0.urgentSections += 1 }
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
            copyRound()
            roundEnded.withLock { $0 }?.signal()
        }
    }

    /// One round: the log copied, then (ordinary commits held) what came in meanwhile.
    private func copyRound() {
        for attempt in 0... {
            var backfilledPages = 0
            do {
                backfilledPages = try connection.inDatabase { db in try db.checkpoint(.passive).checkpointedFrameCount }
            } catch {
                // Busy: the writer is copying (past `writerPages`). The round ends; the next
                // commit past `wakeAtPages` starts another.
            }
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
