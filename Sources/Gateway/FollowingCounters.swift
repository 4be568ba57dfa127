import Prometheus

/// Prometheus counters that follow running totals kept elsewhere (the checkpointer's tally, the
/// MQTT client's socket counts), in a target that knows nothing of Prometheus: at each scrape
/// each counter moves up to its total. A total behind what was counted adds nothing: a counter
/// refuses to go down, and a total read before the last one (two scrapes at once) must not
/// count twice.
struct FollowingCounters: Sendable {
    private let counters: [Counter]
    private var counted: [Int]

    init(_ counters: [Counter]) {
        self.counters = counters
        counted = Array(repeating: 0, count: counters.count)
    }

    /// `totals` in the order the counters were given.
    mutating func advance(to totals: [Int]) {
        for (index, total) in zip(counters.indices, totals) where total > counted[index] {
            counters[index].increment(by: Int64(total - counted[index]))
            counted[index] = total
        }
    }
}
