import Dispatch
import Synchronization

/// Rung when ticket events are committed, so the SSE streams and the MQTT alert publisher
/// send them at once instead of at their next poll. Waiters read `generation` before they
/// look in the database, so a ring between the look and the wait is never missed.
public final class EventBell: Sendable {
    private struct State {
        var generation: UInt64 = 0
        var nextWaiter = 0
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
    }

    private let state = Mutex(State())
    /// Called at every ring, for consumers that have a wake-up of their own (webhooks).
    private let observers = Mutex<[@Sendable () -> Void]>([])
    /// Called with what a ring's commit recorded, before anyone wakes: a consumer that can send
    /// it at once (the MQTT alert publisher) need not wait for its task nor read it back.
    private let committedObservers = Mutex<[@Sendable ([StoredTicketEvent]) -> Void]>([])
    /// What the latest rings' commits recorded, for the event streams (`recentEvents`).
    private let recent: Mutex<RecentTicketEvents>
    /// Events kept for the streams: a ring's worth many times over (an alarm's commit records a
    /// handful), ~1 MB of bodies at most.
    static let recentCapacity = 256
    /// How long a rung event is answered from memory: a woken stream looks within
    /// milliseconds; after that the store answers, with any rewrite of the body since.
    public static let recentFreshNs: UInt64 = 2_000_000_000

    /// `recentFreshNs`: how long a rung event is answered from memory (tests that read it back
    /// after slow store work give it longer, so a busy machine cannot make their look stale).
    public init(recentFreshNs: UInt64 = EventBell.recentFreshNs) {
        recent = Mutex(RecentTicketEvents(capacity: Self.recentCapacity, freshNs: recentFreshNs))
    }

    public func onRing(_ observer: @escaping @Sendable () -> Void) {
        observers.withLock { $0.append(observer) }
    }

    public func onCommitted(_ observer: @escaping @Sendable ([StoredTicketEvent]) -> Void) {
        committedObservers.withLock { $0.append(observer) }
    }

    public var generation: UInt64 { state.withLock { $0.generation } }

    /// The committed events right after `cursor`, when the latest rings hold them all and rang
    /// within `recentFreshNs` (nil: read the store, which has them, any a ring did not bring,
    /// and any rewrite since).
    public func recentEvents(after cursor: Int64, limit: Int) -> [StoredTicketEvent]? {
        let nowNs = DispatchTime.now().uptimeNanoseconds
        return recent.withLock { $0.events(after: cursor, limit: limit, nowNs: nowNs) }
    }

    /// Waiters registered now (tests ring only once one waits).
    var waiterCount: Int { state.withLock { $0.waiters.count } }

    /// Wakes the waiters; `committed`: the events the commit that rings recorded, as stored.
    public func ring(committed: [StoredTicketEvent] = []) {
        if !committed.isEmpty {
            // Kept before anyone wakes: a stream that read the generation before this ring
            // either finds them here or is woken by it.
            let nowNs = DispatchTime.now().uptimeNanoseconds
            recent.withLock { $0.add(committed, nowNs: nowNs) }
            for observer in committedObservers.withLock({ $0 }) { observer(committed) }
        }
        let waiters = state.withLock { state in
            state.generation &+= 1
            defer { state.waiters.removeAll() }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
        for observer in observers.withLock({ $0 }) { observer() }
    }

    /// Returns once the bell rang after `generation` was read, or after `timeout`.
    public func wait(after generation: UInt64, timeout: Duration) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.waitForRing(after: generation) }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
        }
    }

    private func waitForRing(after generation: UInt64) async {
        let id = state.withLock { state in
            defer { state.nextWaiter += 1 }
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state in
                    // Cancelled before registering (isCancelled is set before onCancel runs), or rung already.
                    if state.generation != generation || Task.isCancelled { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
        }
    }
}
