import Foundation
@testable import Storage
import Testing

/// A roll-up step's buckets are written in transactions of at most `writeRows` and about
/// `writeHoldNs`, the cursor moving with the last, and one bucket a transaction while an
/// emergency's commits are under way.
/// A step the process left part-written is finished by the next step over the same readings at
/// the same time, and each bucket takes each reading once.
@Suite struct RollupStepWriteTests {
    static let devices = ["band-1", "door-1", "water-1"]
    static let later = RetentionFixture.t0 + 10 * RetentionFixture.day

    /// Every stored bucket of the fixture's devices, in key order.
    static func buckets(_ database: GatewayDatabase) throws -> [RollupBucket] {
        try devices.flatMap { try database.rollups(device: $0) }
    }

    /// A fixture holding two hours of the three devices' readings, and its SQLite database.
    static func twoHoursStored() throws -> (RetentionFixture, GatewayDatabase) {
        var fixture = try RetentionFixture(.sqlite)
        try fixture.storeSpan(from: RetentionFixture.t0, span: 2 * RetentionFixture.hour, every: 60_000)
        return (fixture, try #require(fixture.database as? GatewayDatabase))
    }

    /// Two hours of readings, then one more hour stored after the first step: what both sides of
    /// a comparison hold.
    static func storeHours(_ fixture: inout RetentionFixture, beforeSecondHour: () throws -> Void = {}) throws {
        try fixture.storeSpan(from: RetentionFixture.t0, span: 2 * RetentionFixture.hour, every: 60_000)
        try beforeSecondHour()
        try fixture.storeSpan(from: RetentionFixture.t0 + 2 * RetentionFixture.hour, span: RetentionFixture.hour, every: 60_000)
    }

    @Test func aStepWrittenInManySmallTransactionsAddsUpLikeOneWrittenWhole() throws {
        var small = try RetentionFixture(.sqlite)
        var whole = try RetentionFixture(.sqlite)
        defer { small.remove(); whole.remove() }
        try Self.storeHours(&small)
        try Self.storeHours(&whole)
        let smallDatabase = try #require(small.database as? GatewayDatabase)
        let wholeDatabase = try #require(whole.database as? GatewayDatabase)

        let first = try smallDatabase.rollUpStep(RetentionFixture.plan(stepRows: 500, writeRows: 7), nowMs: RetentionFixture.t0)
        #expect(first.readings == 500 && first.buckets > 7 * 10, "the step's buckets took more than ten transactions")
        _ = try small.round(RetentionFixture.plan(stepRows: 500, writeRows: 7), at: RetentionFixture.t0)
        _ = try whole.round(RetentionFixture.plan(stepRows: 500, writeRows: 100_000), at: RetentionFixture.t0)

        #expect(try !smallDatabase.hasPendingRollupStep())
        #expect(try smallDatabase.rolledUpReadingID() == wholeDatabase.rolledUpReadingID())
        let buckets = try Self.buckets(smallDatabase)
        #expect(!buckets.isEmpty)
        #expect(buckets == (try Self.buckets(wholeDatabase)))
    }

    /// A roll-up step folds `foldRows` readings whatever `stepRows` (which bounds pruning's
    /// transactions), and fewer, larger steps make the same buckets with fewer upserts.
    @Test func aStepFoldsItsFoldRowsAndLargerStepsUpsertLess() throws {
        let (large, largeDatabase) = try Self.twoHoursStored()
        let (small, smallDatabase) = try Self.twoHoursStored()
        defer { large.remove(); small.remove() }
        let plan = RetentionFixture.plan(stepRows: 100, writeRows: 100, foldRows: 300)
        let first = try largeDatabase.rollUpStep(plan, nowMs: RetentionFixture.t0)
        #expect(first.readings == 300 && !first.caughtUp)
        let second = try largeDatabase.rollUpStep(plan, nowMs: RetentionFixture.t0)
        #expect(second.readings == 60 && second.caughtUp)
        var round = RetentionRound(database: smallDatabase, plan: RetentionFixture.plan(stepRows: 100, writeRows: 100), nowMs: RetentionFixture.t0)
        let smallSteps = try round.runToEnd()
        #expect(smallSteps.readingsRolledUp == 360)
        #expect(first.buckets + second.buckets < smallSteps.bucketsWritten, "each bucket upserted once a step")
        // The same buckets; a sum taken in other groupings may differ in its last bits.
        let largeBuckets = try Self.buckets(largeDatabase)
        let smallBuckets = try Self.buckets(smallDatabase)
        #expect(!largeBuckets.isEmpty && largeBuckets.count == smallBuckets.count)
        for (a, b) in zip(largeBuckets, smallBuckets) {
            var rounded = a
            rounded.sum = b.sum
            #expect(rounded == b && abs(a.sum - b.sum) <= 1e-9 * abs(b.sum), "\(a) against \(b)")
        }
    }

    @Test func aStepLeftPartWrittenIsFinishedOverItsOwnReadingsAtItsOwnTimeAndAddsOnce() throws {
        var crashed = try RetentionFixture(.sqlite)
        var reference = try RetentionFixture(.sqlite)
        defer { crashed.remove(); reference.remove() }
        let database = try #require(crashed.database as? GatewayDatabase)
        let referenceDatabase = try #require(reference.database as? GatewayDatabase)
        let plan = RetentionFixture.plan(stepRows: 50, writeRows: 7)

        var fold: RollupFold?
        try Self.storeHours(&crashed) {
            let step = try database.foldRollupStep(plan, nowMs: RetentionFixture.t0)
            // Two of its transactions commit, then the process stops.
            let result = try database.writeRollupStep(step, writeRows: plan.writeRows, stopAfterTransactions: 2)
            #expect(result.readings == 0 && step.buckets.count > 3 * plan.writeRows)
            fold = step
        }
        let stopped = try #require(fold)
        #expect(try database.hasPendingRollupStep())
        #expect(try database.rolledUpReadingID() == 0, "the cursor moves only with the step's last transaction")
        #expect(throws: ExportPage.Failure.self, "a copy would roll those readings up twice") { try database.checkExportable() }

        // The next step, ten days on (the band's personal buckets would be past the cutoff by
        // now) and with longer steps configured, finishes the stopped one: the same readings.
        let longer = RetentionFixture.plan(stepRows: 80, writeRows: 7)
        let finished = try database.rollUpStep(longer, nowMs: Self.later)
        #expect(finished.readings == stopped.readings && finished.buckets == stopped.buckets.count && !finished.caughtUp)
        #expect(try database.rolledUpReadingID() == stopped.lastID)
        #expect(try !database.hasPendingRollupStep())
        try database.checkExportable()
        _ = try crashed.round(longer, at: Self.later)

        // The same readings, the first step at t0 and the rest later, never interrupted.
        try Self.storeHours(&reference) {
            _ = try referenceDatabase.rollUpStep(plan, nowMs: RetentionFixture.t0)
        }
        _ = try reference.round(plan, at: Self.later)
        #expect(try database.rolledUpReadingID() == referenceDatabase.rolledUpReadingID())
        // The round's scrub has taken the band's personal buckets by now; its steps are not personal.
        let hourly = try database.rollups(device: "band-1", field: "steps", widthSeconds: 3600)
        let bandReadings = try database.readings(device: "band-1", limit: 100_000).count
        #expect(hourly.map(\.count).reduce(0, +) == bandReadings, "each reading counted once")
        #expect(try Self.buckets(database) == Self.buckets(referenceDatabase))
    }

    @Test func aFoldTakenBeforeAnotherStepWasRecordedPendingWritesNothing() throws {
        let (fixture, database) = try Self.twoHoursStored()
        let (reference, referenceDatabase) = try Self.twoHoursStored()
        defer { fixture.remove(); reference.remove() }
        let plan = RetentionFixture.plan(stepRows: 50, writeRows: 7)

        let mine = try database.foldRollupStep(plan, nowMs: RetentionFixture.t0)
        // Another process folds the same readings a minute later and stops after one transaction.
        let other = try database.foldRollupStep(plan, nowMs: RetentionFixture.t0 + RetentionFixture.minute)
        _ = try database.writeRollupStep(other, writeRows: plan.writeRows, stopAfterTransactions: 1)
        let before = try Self.buckets(database)

        let result = try database.writeRollupStep(mine, writeRows: plan.writeRows)
        #expect(result.readings == 0 && !result.caughtUp, "the round reads again, and finishes the other's step")
        #expect(try Self.buckets(database) == before)
        _ = try fixture.round(plan, at: RetentionFixture.t0)
        #expect(try !database.hasPendingRollupStep())
        // Every bucket as a round never interrupted makes it: the other's first transaction counted once.
        _ = try reference.round(plan, at: RetentionFixture.t0)
        #expect(try Self.buckets(database) == Self.buckets(referenceDatabase))
    }

    @Test func aDeviceForgottenBetweenTheFoldAndTheWritesGetsNoBucketBack() throws {
        let (fixture, database) = try Self.twoHoursStored()
        defer { fixture.remove() }
        let plan = RetentionFixture.plan(stepRows: 500, writeRows: 7)

        let fold = try database.foldRollupStep(plan, nowMs: RetentionFixture.t0)
        #expect(fold.buckets.keys.contains { $0.deviceID == "band-1" })
        _ = try database.forgetDevice("band-1", personalFields: ["hr_bpm", "lat", "lon"])
        let result = try database.writeRollupStep(fold, writeRows: plan.writeRows)
        #expect(result.readings == fold.readings)
        _ = try fixture.round(plan, at: RetentionFixture.t0)
        #expect(try database.rollups(device: "band-1").isEmpty, "an erasure stays erased")
        #expect(try !database.rollups(device: "door-1").isEmpty)
    }

    @Test func aPendingMarkerAtOrBelowTheCursorIsStaleAndNeverMovesTheCursorBack() throws {
        let (fixture, database) = try Self.twoHoursStored()
        defer { fixture.remove() }
        let plan = RetentionFixture.plan(stepRows: 50, writeRows: 7)
        _ = try fixture.round(plan, at: RetentionFixture.t0)
        let cursor = try database.rolledUpReadingID()
        let buckets = try Self.buckets(database)
        // Left by a crash, then the step finished by a gridwatch that knows no pending steps.
        try database.pool.write { db in try GatewayDatabase.setPendingRollupStep(PendingRollupStep(lastID: 40, nowMs: RetentionFixture.t0), db) }

        #expect(try !database.hasPendingRollupStep())
        try database.checkExportable()
        let step = try database.rollUpStep(plan, nowMs: RetentionFixture.t0)
        #expect(step.readings == 0 && step.caughtUp)
        #expect(try database.rolledUpReadingID() == cursor)
        #expect(try Self.buckets(database) == buckets)
    }

    @Test func anEmergencyUnderWayCutsEachTransactionToOneBucket() throws {
        let (cut, cutDatabase) = try Self.twoHoursStored()
        let (whole, wholeDatabase) = try Self.twoHoursStored()
        defer { cut.remove(); whole.remove() }
        let plan = RetentionFixture.plan(stepRows: 500, writeRows: 100_000)
        let counter = ReadingRunStepWriteTests.CommitCounter()
        cutDatabase.pool.add(transactionObserver: counter, extent: .databaseLifetime)
        let expected = try wholeDatabase.rollUpStep(plan, nowMs: RetentionFixture.t0)
        // Inside the emergency's own section, so the wait between transactions ends at once (0 ns).
        let step = try cutDatabase.urgently {
            try cutDatabase.writeRollupStep(cutDatabase.foldRollupStep(plan, nowMs: RetentionFixture.t0), writeRows: plan.writeRows,
                                            writeHoldNs: .max, maxHoldNs: 0)
        }
        #expect(step.readings == expected.readings && step.buckets == expected.buckets && expected.buckets > 10)
        #expect(counter.count == expected.buckets)
        #expect(try cutDatabase.rolledUpReadingID() == wholeDatabase.rolledUpReadingID())
        #expect(try !cutDatabase.hasPendingRollupStep())
        #expect(try Self.buckets(cutDatabase) == Self.buckets(wholeDatabase))
    }

    /// With no time to spare (`writeHoldNs: 0`) each transaction takes one bucket, and the step
    /// still adds up to the same buckets as one written in a single transaction.
    @Test func theWriteHoldCutsEachTransactionAfterItsTime() throws {
        let (cut, cutDatabase) = try Self.twoHoursStored()
        let (whole, wholeDatabase) = try Self.twoHoursStored()
        defer { cut.remove(); whole.remove() }
        let plan = RetentionFixture.plan(stepRows: 500, writeRows: 100_000)
        let cutCommits = ReadingRunStepWriteTests.CommitCounter()
        let wholeCommits = ReadingRunStepWriteTests.CommitCounter()
        cutDatabase.pool.add(transactionObserver: cutCommits, extent: .databaseLifetime)
        wholeDatabase.pool.add(transactionObserver: wholeCommits, extent: .databaseLifetime)
        let expected = try wholeDatabase.writeRollupStep(wholeDatabase.foldRollupStep(plan, nowMs: RetentionFixture.t0),
                                                         writeRows: plan.writeRows, writeHoldNs: .max)
        let step = try cutDatabase.writeRollupStep(cutDatabase.foldRollupStep(plan, nowMs: RetentionFixture.t0),
                                                   writeRows: plan.writeRows, writeHoldNs: 0)
        #expect(wholeCommits.count == 1)
        #expect(step.readings == expected.readings && step.buckets == expected.buckets && expected.buckets > 10)
        #expect(cutCommits.count == expected.buckets)
        #expect(try cutDatabase.rolledUpReadingID() == wholeDatabase.rolledUpReadingID())
        #expect(try !cutDatabase.hasPendingRollupStep())
        #expect(try Self.buckets(cutDatabase) == Self.buckets(wholeDatabase))
    }
}
