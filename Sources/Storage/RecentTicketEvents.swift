/// The newest ticket events this process committed, in `seq` order, kept by the event bell so
/// an event stream can send what was just rung without reading it back from the store (under
/// load that read was a hop to a thread of the blocking pool and back, on a busy machine).
///
/// It answers only what it can prove complete: the events right after a cursor, `seq` by `seq`
/// with no number missing. Any gap (an event committed by another process or instance, one that
/// aged out, a number PostgreSQL's sequence skipped) and the caller reads the store instead.
///
/// And only while they are fresh (rung within `freshNs`): the store may rewrite an event's body
/// later (personal data scrubbed after its period, a forgotten device, a follow-up comment), and
/// a client resuming from an older cursor must get the rewritten copy. An event sent from here
/// within seconds of its commit is what a stream reading the store at that moment would send.
struct RecentTicketEvents: Sendable {
    struct Rung: Sendable {
        var event: StoredTicketEvent
        var rungAtNs: UInt64
    }

    /// Sorted by `seq`, oldest first, at most `capacity` of them.
    private(set) var held: [Rung] = []
    let capacity: Int
    /// How long after its ring an event may be answered from here.
    let freshNs: UInt64

    init(capacity: Int, freshNs: UInt64) {
        precondition(capacity > 0, "a memory of no events")
        self.capacity = capacity
        self.freshNs = freshNs
    }

    /// The events held, in `seq` order (for tests).
    var events: [StoredTicketEvent] { held.map(\.event) }

    /// Adds what one commit recorded, rung at `nowNs`. Two threads may commit events (the
    /// ingest pipeline and an API request) and ring in either order, so an event older than
    /// the newest kept is put in its place.
    mutating func add(_ committed: [StoredTicketEvent], nowNs: UInt64) {
        for event in committed {
            let rung = Rung(event: event, rungAtNs: nowNs)
            if let last = held.last, event.seq <= last.event.seq {
                let index = firstIndex(after: event.seq - 1)
                if index < held.endIndex, held[index].event.seq == event.seq { continue }
                held.insert(rung, at: index)
            } else {
                held.append(rung)
            }
        }
        if held.count > capacity { held.removeFirst(held.count - capacity) }
    }

    /// The events with the `seq`s right after `cursor`, consecutive and fresh at `nowNs`, at
    /// most `limit`; nil when the next one (`cursor + 1`) is not held or no longer fresh, since
    /// then something may lie between, or the store may hold a rewritten copy.
    func events(after cursor: Int64, limit: Int, nowNs: UInt64) -> [StoredTicketEvent]? {
        let start = firstIndex(after: cursor)
        guard limit > 0, start < held.endIndex, held[start].event.seq == cursor &+ 1, isFresh(held[start], nowNs: nowNs) else { return nil }
        var end = start + 1
        while end < held.endIndex, end - start < limit, held[end].event.seq == held[end - 1].event.seq &+ 1,
              isFresh(held[end], nowNs: nowNs) {
            end += 1
        }
        return held[start..<end].map(\.event)
    }

    private func isFresh(_ rung: Rung, nowNs: UInt64) -> Bool {
        nowNs < rung.rungAtNs || nowNs - rung.rungAtNs <= freshNs
    }

    /// The position of the first event whose `seq` is greater than `seq` (halving: sorted).
    private func firstIndex(after seq: Int64) -> Int {
        var low = held.startIndex, high = held.endIndex
        while low < high {
            let middle = (low + high) / 2
            if held[middle].event.seq <= seq { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
