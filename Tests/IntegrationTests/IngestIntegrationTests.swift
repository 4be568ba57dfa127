#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Storage
import Testing

/// End to end against a real mosquitto and the real binary: every acknowledged message is
/// stored exactly once, through gateway crashes (SIGKILL) and a broker restart.
@Suite(.serialized) struct IngestIntegrationTests {
    @Test func tenThousandMessagesAreStoredExactlyOnce() throws {
        let directory = try TestPaths.temporaryDirectory("ingest")
        let broker = try TestBroker(directory: directory)
        defer { broker.stop() }
        let gateway = TestGateway(broker: broker, directory: directory)
        try gateway.start()
        defer { gateway.terminate() }

        let total = 10_000
        let simulator = try startSimulator(broker: broker, count: total, rate: 0, clientID: "sim-exactly-once", directory: directory)
        #expect(simulator.waitForExit(timeout: 120) == 0, "\(simulator.log)")
        let arrived = eventually(timeout: 60) { gateway.readingCount() >= total }
        let database = try gateway.database()
        let count = try database.readingCount()
        let sequences = try database.distinctSequenceCount()
        print("exactly-once: published \(total), stored \(count), distinct (device, seq) \(sequences.distinct), rejected \(try database.rejections().count)")
        #expect(arrived)
        #expect(count == total)
        #expect(sequences.withSeq == count && sequences.distinct == count)
        #expect(try database.rejections().isEmpty)
        // The counters move just after the commit that made the rows visible (SQLite may
        // checkpoint its WAL in between), so wait for them instead of reading them once.
        _ = eventually(timeout: 30) {
            let metrics = gateway.metrics()
            return metrics.contains("gridwatch_readings_stored_total \(total)\n") && metrics.contains("gridwatch_rule_evaluations_total \(total)\n")
        }
        let metrics = gateway.metrics()
        #expect(metrics.contains("gridwatch_readings_stored_total \(total)"), "\(metrics)")
        #expect(metrics.contains("gridwatch_messages_received_total \(total)"))
        #expect(metrics.contains("gridwatch_broker_connected 1"))
        #expect(metrics.contains("gridwatch_rule_evaluations_total \(total)"), "\(metrics)")
        #expect(metrics.contains("gridwatch_newest_reading_age_seconds{type=\"wristband\"}"), "\(metrics)")
        // A running gateway copies SQLite's log on a thread of its own (WALCheckpointer): its
        // copies are counted and the log file's size shown.
        #expect(metrics.contains("gridwatch_sqlite_log_copies_total{by=\"thread_round\"} "), "\(metrics)")
        let logBytes = metrics.split(separator: "\n").first { $0.hasPrefix("gridwatch_sqlite_log_bytes ") }
        #expect(logBytes.flatMap { Double($0.split(separator: " ").last ?? "") }.map { $0 > 0 } == true, "\(metrics)")

        // SIGTERM drains and exits 0.
        #expect(gateway.terminate() == 0, "\(gateway.process?.log ?? "")")
    }

    @Test func sigkillMidStreamThreeTimesLosesAndDuplicatesNothing() throws {
        let directory = try TestPaths.temporaryDirectory("sigkill")
        let broker = try TestBroker(directory: directory)
        defer { broker.stop() }
        let gateway = TestGateway(broker: broker, directory: directory)
        try gateway.start()
        defer { gateway.terminate() }

        let total = 90_000
        let simulator = try startSimulator(broker: broker, count: total, rate: 12_000, clientID: "sim-sigkill", directory: directory)
        var countsAtKill: [Int] = []
        var replays = 0
        for fifth in 1...3 {
            // Kill by progress, not by the clock, so every kill lands mid-stream however busy
            // the machine is: at 20, 40 and 60 % the publisher (12k msg/s) still has seconds to go.
            _ = eventually(timeout: 60) { gateway.readingCount() >= fifth * total / 5 }
            gateway.kill9()
            countsAtKill.append(gateway.readingCount())
            try gateway.start()
            if gateway.process?.log.contains("replaying journal after restart") == true { replays += 1 }
        }
        #expect(simulator.waitForExit(timeout: 120) == 0, "\(simulator.log)")
        _ = eventually(timeout: 60) { gateway.readingCount() >= total }
        // A duplicate, if any, would be stored after the count was first reached: wait until the
        // journal holds nothing unstored (every acknowledged message has been through the store).
        #expect(eventually(timeout: 30) { gateway.readiness().contains("\"backlog_bytes\":0") }, "\(gateway.readiness())")
        let database = try gateway.database()
        let count = try database.readingCount()
        let sequences = try database.distinctSequenceCount()
        let totals = try database.ingestTotals()
        let lost = total - sequences.distinct
        let duplicated = count - sequences.distinct
        print("sigkill x3: published \(total), stored at kills \(countsAtKill), stored \(count), lost \(lost), duplicated \(duplicated), redeliveries removed \(totals.duplicates), restarts that replayed the journal \(replays)")
        #expect(countsAtKill.allSatisfy { $0 < total }, "a kill did not land mid-stream: \(countsAtKill)")
        #expect(lost == 0)
        #expect(duplicated == 0)
        #expect(count == total)
    }

    @Test func brokerRestartMidStreamLosesNothing() throws {
        let directory = try TestPaths.temporaryDirectory("broker-restart")
        let broker = try TestBroker(directory: directory)
        defer { broker.stop() }
        let gateway = TestGateway(broker: broker, directory: directory)
        try gateway.start()
        defer { gateway.terminate() }

        let total = 20_000
        let simulator = try startSimulator(broker: broker, count: total, rate: 4000, clientID: "sim-broker-restart", directory: directory)
        // Restart once a third has arrived (by progress, not by the clock).
        _ = eventually(timeout: 60) { gateway.readingCount() >= total / 3 }
        let before = gateway.readingCount()
        try broker.restart()
        #expect(simulator.waitForExit(timeout: 180) == 0, "\(simulator.log)")
        let arrived = eventually(timeout: 90) { gateway.readingCount() >= total }
        let database = try gateway.database()
        let sequences = try database.distinctSequenceCount()
        print("broker restart: published \(total), stored before restart \(before), stored \(try database.readingCount()), distinct \(sequences.distinct)")
        #expect(before > 0 && before < total)
        #expect(arrived)
        #expect(try database.readingCount() == total)
        #expect(sequences.distinct == total)
        #expect(gateway.isReady())
    }

    @Test func badInputIsStoredAsRejectedAndValidTrafficFlows() throws {
        let directory = try TestPaths.temporaryDirectory("bad-input")
        let broker = try TestBroker(directory: directory)
        defer { broker.stop() }
        let gateway = TestGateway(broker: broker, directory: directory)
        try gateway.start()
        defer { gateway.terminate() }

        let total = 4000
        let simulator = try startSimulator(broker: broker, count: total, rate: 0, clientID: "sim-bad", directory: directory,
                                           extra: ["--malformed-fraction", "0.25"])
        #expect(simulator.waitForExit(timeout: 120) == 0, "\(simulator.log)")
        let database = try gateway.database()
        let settled = eventually(timeout: 60) { ((try? database.readingCount()) ?? 0) + ((try? database.rejections(limit: 100_000).count) ?? 0) >= total }
        let readings = try database.readingCount()
        let counts = try database.rejectionCounts()
        print("garbage 25%: readings \(readings), rejected by reason \(counts)")
        #expect(settled)
        #expect(readings + counts.values.reduce(0, +) == total)
        #expect(readings > total / 2)
        #expect(counts.keys.contains("not_json"))
        #expect(gateway.isReady())
    }
}

/// Backpressure: with a tiny backlog bound the gateway pauses reading from the broker, the
/// broker queues, and every message still arrives exactly once.
@Suite struct BackpressureIntegrationTests {
    @Test func pausingReadsLosesNothing() throws {
        let directory = try TestPaths.temporaryDirectory("backpressure")
        let broker = try TestBroker(directory: directory)
        defer { broker.stop() }
        let config = try CommandLineTests.writeConfig(in: directory, storage: "  journal_max_backlog: 32KiB\n", extra: """
        ingest:
          batch_size: 20
        log:
          level: info
        """)
        let gateway = TestGateway(broker: broker, directory: directory, configPath: config)
        try gateway.start()
        defer { gateway.terminate() }
        let total = 15_000
        let simulator = try startSimulator(broker: broker, count: total, rate: 0, clientID: "sim-backpressure", directory: directory)
        #expect(simulator.waitForExit(timeout: 120) == 0, "\(simulator.log)")
        let arrived = eventually(timeout: 120) { gateway.readingCount() >= total }
        let sequences = try gateway.database().distinctSequenceCount()
        let log = gateway.process?.log ?? ""
        print("backpressure: stored \(gateway.readingCount()) of \(total), distinct \(sequences.distinct), pauses \(log.components(separatedBy: "pausing MQTT reads").count - 1)")
        #expect(arrived)
        #expect(sequences.distinct == total && sequences.withSeq == total)
        #expect(log.contains("pausing MQTT reads"), "the backlog bound was never reached: \(log.suffix(2000))")
    }
}
