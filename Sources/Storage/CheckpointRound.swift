/// Who copies the write-ahead log next (see `WALCheckpointer`), fed by the writer's commits
/// and the thread's copies. Pure, so the hand-over is tested without a database.
///
/// A round: past `threadPages` the thread copies the log while commits go on. Whatever was
/// committed meanwhile is left over; the log starts over only once a write transaction begins
/// with none left. The thread copies the rest itself while ordinary commits wait for it
/// (`holding`), up to `finishAttempts` times, since an emergency's commit or another writer
/// may still land during a copy; after that the writer's next ordinary commit copies it.
struct CheckpointRound: Sendable {
    /// What the writer's hook does after a commit.
    enum Action: Equatable {
        case none
        /// The log passed the thread's length: the thread copies it.
        case wakeThread
        /// The thread left some of the log over: the writer copies what was committed
        /// meanwhile, so that its next transaction starts the log over.
        case finishRound
        /// The log passed the writer's length: the writer copies it now, as SQLite would.
        case copyOnWriter
    }

    /// What one of the thread's copies achieved, and what follows it.
    enum Copied: Equatable {
        /// All of the log as the last commit left it: the next transaction starts it over,
        /// unless it began before the copy ended (or a reader is on the log); then a later
        /// commit still finds the log past `wakeAtPages` and wakes the thread again.
        case everything
        /// Some was committed during the copy: the thread copies again, ordinary commits held.
        case someLeftCopyAgain
        /// Still some left after the thread's last attempt: the writer's next ordinary commit copies it.
        case someLeftForTheWriter
        /// Nothing (busy: the writer is copying past its length; or a reader that began with
        /// the log all copied keeps it from copying more): the round ends, and a later commit
        /// past `wakeAtPages` starts another.
        case nothing
    }

    let settings: WALCheckpointer.Settings
    /// Woken, and not yet done (copying or finishing).
    private(set) var threadBusy = false
    /// The thread is finishing a round: ordinary commits wait, so that none lands during the
    /// copy. Set by `threadCopied` (tests set it by hand to see the pipeline wait).
    var holding = false
    /// The thread gave up finishing; the writer's next ordinary commit finishes the round.
    private(set) var finishWanted = false
    /// The log's length at which the thread is woken next: after a round that did not start
    /// the log over (a reader still on it), only once it has grown as much again, so a held
    /// log does not cost a copy and its two syncs at every other commit.
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
            // Started over: a copy (the thread's or the writer's) took all of it.
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

    /// The thread's copy number `attempt` of this round (0: the round's first) ended with
    /// `backfilledPages` of the log in the file (SQLite's count; 0: busy, nothing done).
    mutating func threadCopied(backfilledPages: Int, attempt: Int) -> Copied {
        let copied: Copied
        if backfilledPages == 0 {
            copied = .nothing
        } else if backfilledPages >= Int(lastLogPages) {
            // `wakeAtPages` stays: should the log not start over (a transaction begun before
            // the copy ended, a reader), the next commit wakes the thread for the rest.
            copied = .everything
        } else if attempt < settings.finishAttempts {
            copied = .someLeftCopyAgain
        } else {
            copied = .someLeftForTheWriter
            finishWanted = true
        }
        holding = copied == .someLeftCopyAgain
        threadBusy = holding
        return copied
    }

    /// The thread stops: nothing is held any more.
    mutating func threadStopped() {
        holding = false
        threadBusy = false
    }
}
