/// The newest ticket events this process committed, in `seq` order, kept by the event bell so
/// an event stream can send what was just rung without reading it back from the store (under
/// load that read was a hop to a thread of the blocking pool and back, on a busy machine).
///
/// It answers only what it can prove complete: the events right after a cursor, `seq` by `seq`
/// with no number missing. Any gap (an event committed by another process or instance, one that
/// aged out, a number PostgreSQL's sequence skipped) and the caller reads the store instead.
public struct RecentTicketEvents: Sendable {
    /// Sorted by `seq`, oldest first, at most `capacity` of them.
    private(set) var events: [StoredTicketEvent] = []
    let capacity: Int

    public init(capacity: Int) {
        precondition(capacity > 0, "a memory of no events")
        self.capacity = capacity
    }

    /// Adds what one commit recorded. Two threads may commit events (the ingest pipeline and an
    /// API request) and ring in either order, so an event older than the newest kept is put in
    /// its place.
    public mutating func add(_ committed: [StoredTicketEvent]) {
        for event in committed {
            if let last = events.last, event.seq <= last.seq {
                let index = firstIndex(after: event.seq - 1)
                if index < events.endIndex, events[index].seq == event.seq { continue }
                events.insert(event, at: index)
            } else {
                events.append(event)
            }
        }
        if events.count > capacity { events.removeFirst(events.count - capacity) }
    }

    /// The events with the `seq`s right after `cursor`, consecutive, at most `limit`; nil when
    /// the next one (`cursor + 1`) is not held, since then something may lie between.
    public func events(after cursor: Int64, limit: Int) -> [StoredTicketEvent]? {
        let start = firstIndex(after: cursor)
        guard limit > 0, start < events.endIndex, events[start].seq == cursor &+ 1 else { return nil }
        var end = start + 1
        while end < events.endIndex, end - start < limit, events[end].seq == events[end - 1].seq &+ 1 { end += 1 }
        return Array(events[start..<end])
    }

    /// The position of the first event whose `seq` is greater than `seq` (halving: sorted).
    private func firstIndex(after seq: Int64) -> Int {
        var low = events.startIndex, high = events.endIndex
        while low < high {
            let middle = (low + high) / 2
            if events[middle].seq <= seq { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
