@testable import Gateway
import Storage
import Testing

/// SQLite's log copies on `/metrics`: counters moved up to the checkpointer's tally at each
/// scrape, never counting a copy twice, and the log file's size as a gauge.
@Suite struct LogCopyCountersTests {
    static func value(_ series: String, in text: String) -> Double? {
        text.split(separator: "\n").first { $0.hasPrefix(series + " ") }.flatMap { Double($0.split(separator: " ").last ?? "") }
    }

    @Test func eachScrapeCountsUpToTheTally() {
        let metrics = GatewayMetrics()
        #expect(!metrics.render().contains("gridwatch_sqlite_"), "no SQLite figures before a SQLite store reports any")
        var tally = WALCheckpointer.Tally()
        tally.threadRounds = 3
        tally.writerFinishes = 1
        metrics.setLogCopies({ tally }, fileBytes: 4096)
        tally.threadRounds = 4
        let older = tally
        tally.threadRounds = 5
        tally.threadFinishAttempts = 4
        tally.threadFinishes = 2
        tally.urgentSections = 7
        metrics.setLogCopies({ tally }, fileBytes: 16_384)
        metrics.setLogCopies({ tally }, fileBytes: 16_384)
        // A tally read before the last one (two scrapes at once) counts nothing twice or down.
        metrics.setLogCopies({ older }, fileBytes: 16_384)
        let text = metrics.render()
        #expect(Self.value(#"gridwatch_sqlite_log_copies_total{by="thread_round"}"#, in: text) == 5, "\(text)")
        #expect(Self.value(#"gridwatch_sqlite_log_copies_total{by="thread_finish"}"#, in: text) == 2)
        #expect(Self.value(#"gridwatch_sqlite_log_copies_total{by="writer_finish"}"#, in: text) == 1)
        #expect(Self.value(#"gridwatch_sqlite_log_copies_total{by="writer_fallback"}"#, in: text) == 0)
        #expect(Self.value("gridwatch_sqlite_log_finish_attempts_total", in: text) == 4)
        #expect(Self.value("gridwatch_sqlite_urgent_sections_total", in: text) == 7)
        #expect(Self.value("gridwatch_sqlite_log_bytes", in: text) == 16_384)
    }
}
