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

    /// Counts up to `tally`; the log file is `fileBytes` long now.
    mutating func advance(to tally: WALCheckpointer.Tally, fileBytes: Int64) {
        threadRounds.increment(by: Int64(tally.threadRounds - seen.threadRounds))
        threadFinishes.increment(by: Int64(tally.threadFinishes - seen.threadFinishes))
        writerFinishes.increment(by: Int64(tally.writerFinishes - seen.writerFinishes))
        writerFallbacks.increment(by: Int64(tally.writerFallbacks - seen.writerFallbacks))
        finishAttempts.increment(by: Int64(tally.threadFinishAttempts - seen.threadFinishAttempts))
        urgentSections.increment(by: Int64(tally.urgentSections - seen.urgentSections))
        logBytes.set(fileBytes)
        seen = tally
    }
}
