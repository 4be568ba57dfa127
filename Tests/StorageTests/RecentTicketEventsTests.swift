@testable import Storage
import Testing

/// The bell's memory of the latest committed events: it answers a cursor only with the events
/// that follow it seq by seq, and says nothing (the stream reads the store) when one may be
/// missing.
@Suite struct RecentTicketEventsTests {
    static func event(_ seq: Int64) -> StoredTicketEvent {
        StoredTicketEvent(seq: seq, atMs: 1_000 * seq, event: "ticket_opened", ticketID: "T-\(seq)", community: "demo",
                          severity: "emergency", body: #"{"seq":\#(seq)}"#)
    }

    static func seqs(_ events: [StoredTicketEvent]?) -> [Int64]? { events?.map(\.seq) }

    /// When the tests' events are rung, and how long they stay fresh (nanoseconds).
    static let rungNs: UInt64 = 1_000_000_000_000
    static let freshNs: UInt64 = 2_000_000_000

    @Test func theEventsRightAfterTheCursorComeBackInOrderUpToTheLimit() {
        var recent = RecentTicketEvents(capacity: 16, freshNs: Self.freshNs)
        recent.add((1...5).map(Self.event), nowNs: Self.rungNs)
        #expect(Self.seqs(recent.events(after: 0, limit: 10, nowNs: Self.rungNs)) == [1, 2, 3, 4, 5])
        #expect(Self.seqs(recent.events(after: 2, limit: 10, nowNs: Self.rungNs)) == [3, 4, 5])
        #expect(Self.seqs(recent.events(after: 1, limit: 2, nowNs: Self.rungNs)) == [2, 3])
        let first = recent.events(after: 0, limit: 10, nowNs: Self.rungNs)?.first
        #expect(first?.body == #"{"seq":1}"# && first?.ticketID == "T-1" && first?.event == "ticket_opened", "the event as committed, body and all")
    }

    @Test func nothingIsAnsweredWhenTheNextEventIsNotHeld() {
        var recent = RecentTicketEvents(capacity: 16, freshNs: Self.freshNs)
        #expect(recent.events(after: 0, limit: 10, nowNs: Self.rungNs) == nil, "nothing held")
        recent.add([Self.event(7), Self.event(8)], nowNs: Self.rungNs)
        #expect(recent.events(after: 5, limit: 10, nowNs: Self.rungNs) == nil, "6 may have been committed elsewhere")
        #expect(recent.events(after: 8, limit: 10, nowNs: Self.rungNs) == nil, "nothing after the newest")
        #expect(recent.events(after: 20, limit: 10, nowNs: Self.rungNs) == nil)
        #expect(recent.events(after: 6, limit: 0, nowNs: Self.rungNs) == nil)
    }

    @Test func aGapEndsTheAnswerWhereItBegins() {
        var recent = RecentTicketEvents(capacity: 16, freshNs: Self.freshNs)
        recent.add([1, 2, 3, 5, 6].map(Self.event), nowNs: Self.rungNs)
        #expect(Self.seqs(recent.events(after: 0, limit: 10, nowNs: Self.rungNs)) == [1, 2, 3])
        #expect(recent.events(after: 3, limit: 10, nowNs: Self.rungNs) == nil, "4 is not held: the store is read")
        #expect(Self.seqs(recent.events(after: 4, limit: 10, nowNs: Self.rungNs)) == [5, 6])
    }

    @Test func eventsRungOutOfOrderTakeTheirPlaceAndARepeatIsKeptOnce() {
        var recent = RecentTicketEvents(capacity: 16, freshNs: Self.freshNs)
        recent.add([Self.event(1), Self.event(2)], nowNs: Self.rungNs)
        recent.add([Self.event(4), Self.event(5)], nowNs: Self.rungNs)
        #expect(recent.events(after: 2, limit: 10, nowNs: Self.rungNs) == nil)
        // The commit that recorded 3 rang after the one that recorded 4 and 5.
        recent.add([Self.event(3)], nowNs: Self.rungNs)
        recent.add([Self.event(4)], nowNs: Self.rungNs)
        #expect(Self.seqs(recent.events(after: 0, limit: 10, nowNs: Self.rungNs)) == [1, 2, 3, 4, 5])
        #expect(recent.events.map(\.seq) == [1, 2, 3, 4, 5])
    }

    /// The store may rewrite a body after its commit (personal data scrubbed, a device
    /// forgotten): past its freshness an event is not answered from memory, so a client
    /// resuming from an older cursor reads the rewritten copy.
    @Test func anEventIsAnsweredOnlyWhileFresh() {
        var recent = RecentTicketEvents(capacity: 16, freshNs: Self.freshNs)
        recent.add([Self.event(1), Self.event(2)], nowNs: Self.rungNs)
        recent.add([Self.event(3)], nowNs: Self.rungNs + Self.freshNs)
        #expect(Self.seqs(recent.events(after: 0, limit: 10, nowNs: Self.rungNs + Self.freshNs)) == [1, 2, 3], "at the limit: fresh")
        #expect(recent.events(after: 0, limit: 10, nowNs: Self.rungNs + Self.freshNs + 1) == nil, "1 is stale")
        #expect(Self.seqs(recent.events(after: 2, limit: 10, nowNs: Self.rungNs + Self.freshNs + 1)) == [3])
        #expect(recent.events(after: 2, limit: 10, nowNs: Self.rungNs + 2 * Self.freshNs + 1) == nil, "3 is stale too")
        // A stale event ends an answer as a gap does.
        var mixed = RecentTicketEvents(capacity: 16, freshNs: Self.freshNs)
        mixed.add([Self.event(5)], nowNs: Self.rungNs + Self.freshNs)
        mixed.add([Self.event(6)], nowNs: Self.rungNs)
        #expect(Self.seqs(mixed.events(after: 4, limit: 10, nowNs: Self.rungNs + Self.freshNs + 1)) == [5])
    }

    @Test func theOldestGoBeyondTheCapacity() {
        var recent = RecentTicketEvents(capacity: 4, freshNs: Self.freshNs)
        recent.add((1...3).map(Self.event), nowNs: Self.rungNs)
        recent.add((4...6).map(Self.event), nowNs: Self.rungNs)
        #expect(recent.events.map(\.seq) == [3, 4, 5, 6])
        #expect(recent.events(after: 1, limit: 10, nowNs: Self.rungNs) == nil, "2 aged out")
        #expect(Self.seqs(recent.events(after: 2, limit: 10, nowNs: Self.rungNs)) == [3, 4, 5, 6])
    }

    @Test func theBellKeepsWhatItsCommitsRecorded() {
        // An hour's freshness: a stalled test machine cannot make the looks below stale.
        let bell = EventBell(recentFreshNs: 3_600_000_000_000)
        #expect(bell.recentEvents(after: 0, limit: 10) == nil)
        bell.ring()
        #expect(bell.recentEvents(after: 0, limit: 10) == nil, "a ring without events keeps nothing")
        bell.ring(committed: [Self.event(1), Self.event(2)])
        bell.ring(committed: [Self.event(3)])
        #expect(Self.seqs(bell.recentEvents(after: 1, limit: 10)) == [2, 3])
        let many = (4...Int64(EventBell.recentCapacity + 10)).map(Self.event)
        bell.ring(committed: many)
        #expect(bell.recentEvents(after: 1, limit: 10) == nil, "the oldest aged out")
        #expect(bell.recentEvents(after: many.last!.seq - 2, limit: 10)?.count == 2)
    }
}
