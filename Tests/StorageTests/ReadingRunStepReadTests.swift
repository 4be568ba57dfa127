import Dispatch
import Foundation
import GRDB
@testable import Storage
import Synchronization
import Testing

/// A fold step reads its readings in slices of `rowsPerRead` ids, each in a read transaction of
/// its own, and stands aside for an emergency before each slice after the first. However the
/// read is sliced, the step folds exactly what one read whole does.
@Suite struct ReadingRunStepReadTests {
    @Test(arguments: [1, 7, 100, 300, 301, Int.max])
    func aStepReadInSlicesFoldsWhatOneReadDoes(rowsPerRead: Int) throws {
        let (whole, wholeDatabase, sliced, slicedDatabase, _) = try ReadingRunStepWriteTests.twoStores()
        defer { whole.remove(); sliced.remove() }
        // Two steps, the first ending mid-way through a slice for most slice lengths.
        for maxRows in [150, 4_000] {
            let expected = try wholeDatabase.foldReadingRuns(maxRows: maxRows)
            #expect(try slicedDatabase.foldReadingRuns(maxRows: maxRows, rowsPerRead: rowsPerRead) == expected)
        }
        #expect(try ReadingRunStepWriteTests.folded(slicedDatabase) == ReadingRunStepWriteTests.folded(wholeDatabase))
        try ReadingRunsTests.expectRunsExact(slicedDatabase)
    }

    @Test func tooFewWaitingOrNoneLeftFoldNothingWhateverTheSlices() throws {
        let (whole, wholeDatabase, sliced, slicedDatabase, _) = try ReadingRunStepWriteTests.twoStores()
        defer { whole.remove(); sliced.remove() }
        #expect(try slicedDatabase.foldReadingRuns(minRows: 302, maxRows: 4_000, rowsPerRead: 1) == ReadingRunStep(folded: 0, behind: 301))
        #expect(try wholeDatabase.foldReadingRuns(maxRows: 4_000) == slicedDatabase.foldReadingRuns(maxRows: 4_000, rowsPerRead: 1))
        #expect(try slicedDatabase.foldReadingRuns(maxRows: 4_000, rowsPerRead: 1) == ReadingRunStep(folded: 0, behind: 0))
    }

    /// Ids missing after the cursor (pruned before v17, or forgotten) are skipped at once: the
    /// slices start at the first reading, and fold what one read does.
    @Test func aGapAfterTheCursorFoldsWhatOneReadDoes() throws {
        let (whole, wholeDatabase, sliced, slicedDatabase, _) = try ReadingRunStepWriteTests.twoStores()
        defer { whole.remove(); sliced.remove() }
        for database in [wholeDatabase, slicedDatabase] {
            try database.pool.write { db in try db.execute(sql: "DELETE FROM readings WHERE id <= 120") }
        }
        let expected = try wholeDatabase.foldReadingRuns(maxRows: 100)
        #expect(expected.folded == 100)
        #expect(try slicedDatabase.foldReadingRuns(maxRows: 100, rowsPerRead: 7) == expected)
        #expect(try wholeDatabase.foldReadingRuns(maxRows: 4_000) == slicedDatabase.foldReadingRuns(maxRows: 4_000, rowsPerRead: 7))
        #expect(try ReadingRunStepWriteTests.folded(slicedDatabase) == ReadingRunStepWriteTests.folded(wholeDatabase))
        try ReadingRunsTests.expectRunsExact(slicedDatabase)
    }

    /// The second slice is read only once the emergency is over: a reading deleted while the
    /// step waits is not in its runs, as if deleted before the step. Read whole before waiting,
    /// the step would have kept its id (a stale one, which readers skip).
    @Test func aStepReadsItsNextSliceOnlyOnceTheEmergencyIsOver() throws {
        let (whole, wholeDatabase, sliced, slicedDatabase, _) = try ReadingRunStepWriteTests.twoStores()
        defer { whole.remove(); sliced.remove() }
        let deletedID: Int64 = 150
        try wholeDatabase.pool.write { db in try db.execute(sql: "DELETE FROM readings WHERE id = ?", arguments: [deletedID]) }
        let expected = try wholeDatabase.foldReadingRuns(maxRows: 4_000)
        let release = ReadingRunStepWriteTests.holdEmergency(slicedDatabase)
        let folded = DispatchSemaphore(value: 0)
        let outcome = ReadingRunStepWriteTests.Outcome()
        Thread {
            let result = Result { try slicedDatabase.foldReadingRuns(maxRows: 4_000, rowsPerRead: 100, maxHoldNs: 60_000_000_000) }
            outcome.step.withLock { $0 = result }
            folded.signal()
        }.start()
        // The first slice, ids 1...100, takes a few ms; the step then waits for the emergency.
        #expect(folded.wait(timeout: .now() + 0.3) == .timedOut)
        try slicedDatabase.pool.write { db in try db.execute(sql: "DELETE FROM readings WHERE id = ?", arguments: [deletedID]) }
        release.signal()
        #expect(folded.wait(timeout: .now() + 30) == .success)
        #expect(try outcome.step.withLock { try $0?.get() } == expected)
        #expect(try ReadingRunStepWriteTests.folded(slicedDatabase) == ReadingRunStepWriteTests.folded(wholeDatabase))
        let ids = try slicedDatabase.pool.read { db in try String.fetchAll(db, sql: "SELECT ids FROM reading_runs") }
        #expect(!ids.joined(separator: ",").split(whereSeparator: { !$0.isNumber }).contains { $0 == "\(deletedID)" })
    }
}
