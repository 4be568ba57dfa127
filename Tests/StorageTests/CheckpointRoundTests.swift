import Testing
@testable import Storage

/// Who copies SQLite's write-ahead log next (`CheckpointRound`), without a database: the
/// thread woken past its length, its finishing copies with ordinary commits held, the
/// writer's finish when those fail (never inside an emergency's commits), and the writer's
/// own copies past its length.
@Suite struct CheckpointRoundTests {
    static let settings = WALCheckpointer.Settings(threadPages: 100, writerPages: 400)

    @Test func theThreadIsWokenOnceAndFinishesItsOwnRound() {
        var round = CheckpointRound(settings: Self.settings)
        #expect(round.commitHappened(logPages: 99) == .none)
        #expect(round.commitHappened(logPages: 100) == .wakeThread)
        // Still copying: not woken twice.
        #expect(round.commitHappened(logPages: 150) == .none)
        // Commits came in during the copy: the thread copies again, ordinary commits held.
        #expect(round.threadCopied(backfilledPages: 100, attempt: 0) == .someLeftCopyAgain)
        #expect(round.holding && round.threadBusy)
        // An emergency's commit went ahead meanwhile; the copy after it took all.
        #expect(round.commitHappened(logPages: 160, urgent: true) == .none)
        #expect(round.threadCopied(backfilledPages: 160, attempt: 1) == .everything)
        #expect(!round.holding && !round.threadBusy && !round.finishWanted)
        // The next transaction started the log over.
        #expect(round.commitHappened(logPages: 10) == .none)
        #expect(round.restarts == 1)
        #expect(round.commitHappened(logPages: 120) == .wakeThread)
    }

    @Test func whatTheThreadCouldNotFinishTheWritersNextOrdinaryCommitDoes() {
        var settings = Self.settings
        settings.finishAttempts = 2
        var round = CheckpointRound(settings: settings)
        #expect(round.commitHappened(logPages: 100) == .wakeThread)
        #expect(round.commitHappened(logPages: 150) == .none)
        #expect(round.threadCopied(backfilledPages: 100, attempt: 0) == .someLeftCopyAgain)
        #expect(round.commitHappened(logPages: 170, urgent: true) == .none)
        #expect(round.threadCopied(backfilledPages: 150, attempt: 1) == .someLeftCopyAgain)
        #expect(round.commitHappened(logPages: 180, urgent: true) == .none)
        #expect(round.threadCopied(backfilledPages: 170, attempt: 2) == .someLeftForTheWriter)
        #expect(!round.holding && !round.threadBusy && round.finishWanted)
        // An emergency's commit leaves it to the next ordinary one.
        #expect(round.commitHappened(logPages: 190, urgent: true) == .none)
        #expect(round.commitHappened(logPages: 200) == .finishRound)
        #expect(round.commitHappened(logPages: 3) == .none)
        #expect(round.restarts == 1)
    }

    @Test func aRoundThatCopiedEverythingLeavesTheStartOverToTheNextTransaction() {
        var round = CheckpointRound(settings: Self.settings)
        #expect(round.commitHappened(logPages: 100) == .wakeThread)
        #expect(round.threadCopied(backfilledPages: 100, attempt: 0) == .everything)
        #expect(!round.holding)
        #expect(round.commitHappened(logPages: 4) == .none)
        #expect(round.restarts == 1)
    }

    @Test func aRoundThatCopiedNothingLeavesTheWriterAlone() {
        var round = CheckpointRound(settings: Self.settings)
        #expect(round.commitHappened(logPages: 100) == .wakeThread)
        #expect(round.threadCopied(backfilledPages: 0, attempt: 0) == .nothing)
        #expect(!round.holding && !round.finishWanted)
        #expect(round.commitHappened(logPages: 130) == .wakeThread)
    }

    @Test func aLogHeldByAReaderIsCopiedAgainOnlyOnceItHasGrownAsMuchAgain() {
        var settings = Self.settings
        settings.finishAttempts = 0
        var round = CheckpointRound(settings: settings)
        #expect(round.commitHappened(logPages: 100) == .wakeThread)
        #expect(round.commitHappened(logPages: 150) == .none)
        #expect(round.threadCopied(backfilledPages: 120, attempt: 0) == .someLeftForTheWriter)
        #expect(round.commitHappened(logPages: 160) == .finishRound)
        // The reader kept the log from starting over: no round per commit meanwhile.
        #expect(round.commitHappened(logPages: 170) == .none)
        #expect(round.commitHappened(logPages: 259) == .none)
        #expect(round.commitHappened(logPages: 260) == .wakeThread)
        #expect(round.restarts == 0)
    }

    @Test func pastItsOwnLengthTheWriterCopiesAtEveryCommit() {
        var round = CheckpointRound(settings: Self.settings)
        #expect(round.commitHappened(logPages: 100) == .wakeThread)
        #expect(round.commitHappened(logPages: 400, urgent: true) == .copyOnWriter)
        #expect(round.commitHappened(logPages: 420) == .copyOnWriter)
        #expect(round.commitHappened(logPages: 5) == .none)
        #expect(round.restarts == 1)
    }

    @Test func anEmergencysCommitsLeaveTheWritersFinishToTheNextOrdinaryOne() {
        var settings = Self.settings
        settings.finishAttempts = 0
        var round = CheckpointRound(settings: settings)
        #expect(round.commitHappened(logPages: 100) == .wakeThread)
        #expect(round.commitHappened(logPages: 110) == .none)
        #expect(round.threadCopied(backfilledPages: 100, attempt: 0) == .someLeftForTheWriter)
        #expect(round.commitHappened(logPages: 120, urgent: true) == .none)
        // Nor is the thread woken again for pages it has just copied.
        #expect(round.commitHappened(logPages: 130, urgent: true) == .none)
        #expect(round.commitHappened(logPages: 140) == .finishRound)
    }

    @Test func theThreadStoppingMidRoundHoldsNothing() {
        var round = CheckpointRound(settings: Self.settings)
        #expect(round.commitHappened(logPages: 100) == .wakeThread)
        #expect(round.commitHappened(logPages: 110) == .none)
        #expect(round.threadCopied(backfilledPages: 100, attempt: 0) == .someLeftCopyAgain)
        round.threadStopped()
        #expect(!round.holding && !round.threadBusy)
    }

    /// A transaction begun before the copy ended (or a reader) kept the log from starting
    /// over although the copy took all of it: the next commit wakes the thread for the rest.
    @Test func aCopyOfEverythingThatDidNotStartTheLogOverIsFollowedByAnother() {
        var round = CheckpointRound(settings: Self.settings)
        #expect(round.commitHappened(logPages: 100) == .wakeThread)
        #expect(round.threadCopied(backfilledPages: 100, attempt: 0) == .everything)
        #expect(round.commitHappened(logPages: 112) == .wakeThread)
        #expect(round.threadCopied(backfilledPages: 112, attempt: 0) == .everything)
        #expect(round.commitHappened(logPages: 2) == .none)
        #expect(round.restarts == 1)
    }
}
