import Prometheus
import Storage

/// SQLite's write-ahead log copies on `/metrics` (`WALCheckpointer.Tally`): Storage knows
/// nothing of Prometheus, so at each scrape the counters are moved up to the tally.
struct LogCopyCounters: Sendable {
    private var tallied: FollowingCounters
    private let logBytes: Gauge

    init(registry: PrometheusCollectorRegistry) {
        func copies(_ by: String) -> Counter {
            registry.makeCounter(name: "gridwatch_sqlite_log_copies_total", labels: [("by", by)],
                                 help: "Copies of SQLite's log into the database file: thread_round (off the writer), thread_finish (the rest, ordinary commits held), writer_finish (the rest, in a commit), writer_fallback (log past its bound, in every commit)")
        }
        tallied = FollowingCounters([
            copies("thread_round"), copies("thread_finish"), copies("writer_finish"), copies("writer_fallback"),
            registry.makeCounter(name: "gridwatch_sqlite_log_finish_attempts_total",
                                 help: "The thread's copies of what was committed during its round, whether or not they took all of it"),
            registry.makeCounter(name: "gridwatch_sqlite_urgent_sections_total", help: "Emergencies' commits run with the log's upkeep held back"),
        ])
        logBytes = registry.makeGauge(name: "gridwatch_sqlite_log_bytes", help: "Size of SQLite's -wal file")
    }

    /// Counts up to `tally`; the log file is `fileBytes` long now.
    mutating func advance(to tally: WALCheckpointer.Tally, fileBytes: Int64) {
        tallied.advance(to: [tally.threadRounds, tally.threadFinishes, tally.writerFinishes, tally.writerFallbacks,
                             tally.threadFinishAttempts, tally.urgentSections])
        logBytes.set(fileBytes)
    }
}
