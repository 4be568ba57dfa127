import Prometheus
import Storage

/// SQLite's write-ahead log copies on `/metrics` (`WALCheckpointer.Tally`): Storage knows
/// nothing of Prometheus, so at each scrape the counters are moved up to the tally.
struct LogCopyCounters: Sendable {
    private let threadRounds: Counter
    private let threadFinishes: Counter
    private let writerFinishes: Counter
    private let writerFallbacks: Counter
    private let finishAttempts: Counter
    private let urgentSections: Counter
    private let logBytes: Gauge
    private var seen = WALCheckpointer.Tally()

    init(registry: PrometheusCollectorRegistry) {
        func copies(_ by: String) -> Counter {
            registry.makeCounter(name: "gridwatch_sqlite_log_copies_total", labels: [("by", by)],
                                 help: "Copies of SQLite's log into the database file: thread_round (off the writer), thread_finish (the rest, ordinary commits held), writer_finish (the rest, in a commit), writer_fallback (log past its bound, in every commit)")
        }
        threadRounds = copies("thread_round")
        threadFinishes = copies("thread_finish")
        writerFinishes = copies("writer_finish")
        writerFallbacks = copies("writer_fallback")
        finishAttempts = registry.makeCounter(name: "gridwatch_sqlite_log_finish_attempts_total",
                                              help: "The thread's copies of what was committed during its round, whether or not they took all of it")
        urgentSections = registry.makeCounter(name: "gridwatch_sqlite_urgent_sections_total",
                                              help: "Emergencies' commits run with the log's upkeep held back")
        logBytes = registry.makeGauge(name: "gridwatch_sqlite_log_bytes", help: "Size of SQLite's -wal file")
    }

    /// Counts up to `tally`; the log file is `fileBytes` long now. A field behind what was
    /// counted already adds nothing (a counter refuses to go down; the tally never does).
    mutating func advance(to tally: WALCheckpointer.Tally, fileBytes: Int64) {
        func add(_ counter: Counter, _ count: Int, _ counted: inout Int) {
            guard count > counted else { return }
            counter.increment(by: Int64(count - counted))
            counted = count
        }
        add(threadRounds, tally.threadRounds, &seen.threadRounds)
        add(threadFinishes, tally.threadFinishes, &seen.threadFinishes)
        add(writerFinishes, tally.writerFinishes, &seen.writerFinishes)
        add(writerFallbacks, tally.writerFallbacks, &seen.writerFallbacks)
        add(finishAttempts, tally.threadFinishAttempts, &seen.threadFinishAttempts)
        add(urgentSections, tally.urgentSections, &seen.urgentSections)
        logBytes.set(fileBytes)
    }
}
