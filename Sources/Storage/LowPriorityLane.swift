import Dispatch
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A thread of its own at the lowest CPU priority (nice 19), for work that is heavy on the CPU
/// and holds no transaction or lock of ours. A retention round's roll-up folds (parsing
/// thousands of payloads a step) took a core for 1.5–2 s a minute at 16,800 msg/s, and alarms
/// arriving meanwhile waited for the CPU. On Linux a nice value belongs to the thread that sets
/// it, and raising it needs no privilege; the thread never lowers it again (that would), so it
/// serves nothing else. Nice weighs threads within one scheduling group: the gateway's own
/// threads, and other processes of the same session (as in `bench/alert-latency`); a broker in a
/// cgroup of its own competes at the group's level. What the thread does share with ingest is
/// malloc's one arena (`HeapSettings`): preempted while holding its lock, the thread would hold
/// ingest up. The measurements that kept this lane (README, "Ingest cost", session 22) include
/// that risk; they do not show it apart.
final class LowPriorityLane: Sendable {
    /// One lane for the process: folds are short and rare, and a thread per database would be
    /// one per test.
    static let shared = LowPriorityLane(name: "gridwatch-low")

    /// Set in the lane thread's dictionary: a job that called `run` would wait for itself.
    private static let laneKey = "gridwatch.low-priority-lane"
    private let jobs = Mutex<[@Sendable () -> Void]>([])
    private let available = DispatchSemaphore(value: 0)

    private init(name: String) {
        let thread = Thread { [self] in
            SystemThreadName.set(name)
            Thread.current.threadDictionary[Self.laneKey] = true
            // Should it fail, the jobs run at the ordinary priority: as they did before the lane.
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 19)
            while true {
                available.wait()
                let job = jobs.withLock { $0.removeFirst() }
                job()
            }
        }
        thread.start()
    }

    /// What a job left for the caller waiting on it.
    private final class Outcome<T: Sendable>: Sendable {
        let result = Mutex<Result<T, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
    }

    /// Runs `body` on the lane and waits for it (the caller is a thread for blocking work, not
    /// the cooperative pool).
    func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) throws -> T {
        precondition(Thread.current.threadDictionary[Self.laneKey] == nil, "a lane job waited for another job on the same lane")
        let outcome = Outcome<T>()
        jobs.withLock {
            $0.append {
                let result = Result { try body() }
                outcome.result.withLock { $0 = result }
                outcome.done.signal()
            }
        }
        available.signal()
        outcome.done.wait()
        guard let result = outcome.result.withLock({ $0 }) else { preconditionFailure("a lane job signalled before leaving its result") }
        return try result.get()
    }
}
