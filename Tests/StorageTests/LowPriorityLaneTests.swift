import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif
@testable import Storage
import Testing

/// The lane runs its jobs at nice 19 on a thread of its own, hands back what they return or
/// throw, and leaves the caller's priority alone.
@Suite struct LowPriorityLaneTests {
    /// What the throwing job throws.
    struct Refused: Error, Equatable {}

    static func niceOfThisThread() -> Int32 {
        errno = 0
        return getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
    }

    @Test func aJobRunsAtTheLowestPriorityAndTheCallerKeepsItsOwn() throws {
        let before = Self.niceOfThisThread()
        let inside = try LowPriorityLane.shared.run { Self.niceOfThisThread() }
        #expect(inside == 19)
        #expect(Self.niceOfThisThread() == before)
        #expect(before < 19, "the test runs at an ordinary priority, or it shows nothing")
    }

    @Test func whatAJobReturnsOrThrowsReachesTheCaller() throws {
        #expect(try LowPriorityLane.shared.run { (1...1000).reduce(0, +) } == 500_500)
        #expect(throws: Refused.self) { try LowPriorityLane.shared.run { () throws -> Int in throw Refused() } }
    }

    @Test func jobsFromManyThreadsEachGetTheirOwnResult() {
        let results = Mutex<[Int: Int]>([:])
        // Plain threads, not the cooperative pool: `run` waits for its job.
        DispatchQueue.concurrentPerform(iterations: 16) { index in
            let square = try? LowPriorityLane.shared.run { index * index }
            results.withLock { $0[index] = square }
        }
        #expect(results.withLock { $0 } == Dictionary(uniqueKeysWithValues: (0..<16).map { ($0, $0 * $0) }))
    }
}
