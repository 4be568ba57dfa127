import Foundation
@testable import Gateway
import Logging
import MQTT
import Storage
import Synchronization
import Testing

/// The MQTT alert publisher against a real mosquitto and a SQLite file: events this process
/// commits are handed over and sent at once, and an event committed elsewhere (the command
/// line, another process) is never overtaken by one handed over after it.
@Suite struct AlertPublisherTests {
    /// A store, a broker with a subscriber to every alert topic, and a running publisher.
    final class Rig {
        let directory: String
        let broker: TestBroker
        let subscriber: ChildProcess
        let store: GatewayDatabase
        let bell = EventBell()
        let client: MQTTClient
        let publisher: AlertPublisher
        let running: Task<Void, Error>

        /// `lookInterval`: the publisher's look in the store without a ring (its default 1 s).
        init(lookInterval: Duration = .seconds(1)) throws {
            directory = try TestPaths.temporaryDirectory("alert-publisher")
            broker = try TestBroker(directory: directory)
            // `-d`: its debug lines say when the subscription is acknowledged (`received SUBACK`);
            // line-buffered (coreutils' stdbuf), or they reach the log only with the first message.
            subscriber = try ChildProcess(name: "sub", executable: "/usr/bin/stdbuf",
                                          arguments: ["-oL", "/usr/bin/mosquitto_sub", "-h", "127.0.0.1", "-p", String(broker.port), "-t", "gridwatch/+/alerts/#", "-q", "1", "-v", "-d",
                                                      "-i", "test-sub-\(UUID().uuidString.prefix(6))"],
                                          logDirectory: directory)
            store = try GatewayDatabase(path: directory + "/gridwatch.db")
            let logger = Logger(label: "alert-publisher-test")
            // Configured as the gateway's alerts connection is: the hand-over writes on the committing thread.
            var options = MQTTOptions(port: broker.port, clientID: "gw-alerts-test", cleanSession: true)
            options.writesOnPublishingThread = true
            client = try MQTTClient(options: options, logger: logger)
            client.start()
            publisher = AlertPublisher(database: store, client: client, bell: bell, topicPattern: "gridwatch/{community}/alerts/{ticket_id}", logger: logger,
                                       lookInterval: lookInterval)
            running = Task { [publisher] in try await publisher.run() }
        }

        /// Commits one event of ticket `ticketID`; rings the bell with it when `handOver`.
        @discardableResult
        func commit(_ ticketID: String, handOver: Bool) throws -> StoredTicketEvent {
            try Self.commit(ticketID, handOver: handOver, store: store, bell: bell)
        }

        static func commit(_ ticketID: String, handOver: Bool, store: GatewayDatabase, bell: EventBell) throws -> StoredTicketEvent {
            let body = "{\"event\":\"ticket_updated\",\"ticket\":\"\(ticketID)\"}"
            let stored = try store.updateTickets { ledger in
                try ledger.appendEvents([StoredTicketEvent(seq: 0, atMs: 0, event: "ticket_updated", ticketID: ticketID, community: "maple",
                                                           severity: "general", body: body)])
            }
            if handOver { bell.ring(committed: stored) }
            return stored[0]
        }

        /// The ticket ids of the alerts the subscriber received, in order.
        var received: [String] {
            subscriber.log.split(separator: "\n").compactMap { line in
                guard line.hasPrefix("gridwatch/maple/alerts/") else { return nil }
                return line.split(separator: " ").first.map { String($0.dropFirst("gridwatch/maple/alerts/".count)) }
            }
        }

        /// Polls `condition` without holding a thread of the pool the publisher's task runs on.
        func until(timeout: Double = 10, _ condition: () -> Bool) async -> Bool {
            let deadline = Date().addingTimeInterval(timeout)
            while Date() < deadline {
                if condition() { return true }
                try? await Task.sleep(for: .milliseconds(20))
            }
            return condition()
        }

        /// Connected, the publisher's cursor read, and mosquitto_sub subscribed (an alert sent
        /// before its SUBACK would be lost to it).
        func ready() async -> Bool {
            await until { client.isConnected && publisher.cursor.withLock { $0 != nil } && subscriber.log.contains("received SUBACK") }
        }

        func stop() {
            running.cancel()
            client.stop()
            subscriber.stop(SIGKILL)
            broker.stop()
            TestPaths.removeScratch(directory)
        }
    }

    @Test func committedEventsAreHandedOverInOrder() async throws {
        let rig = try Rig()
        defer { rig.stop() }
        #expect(await rig.ready(), "\(rig.client.state)")
        let ids = (1...20).map { "T-\(String(format: "%06d", $0))" }
        for (index, id) in ids.enumerated() {
            try rig.commit(id, handOver: true)
            #expect(await rig.until { rig.received.count > index })
        }
        #expect(rig.received == ids)
        // The task wakes at each ring and every 100 ms to save the cursor, and a hand-over that
        // finds it holding the cursor leaves the event to it: most, not necessarily all, go
        // straight out.
        let handedOver = rig.publisher.handedOver.load(ordering: .relaxed)
        #expect(handedOver >= 10, "handed over \(handedOver) of 20")
        #expect(await rig.until { (try? rig.store.outboxCursor(AlertPublisher.cursorName)) == Int64(ids.count) }, "saved once acknowledged")
    }

    @Test func aHandOverNeverOvertakesAnEventCommittedElsewhere() async throws {
        let rig = try Rig()
        defer { rig.stop() }
        #expect(await rig.ready(), "\(rig.client.state)")
        var expected: [String] = []
        for round in 1...5 {
            // Committed by the command line (no bell here), then one handed over: the second
            // may only leave after the first, which the publisher has to read back.
            let elsewhere = try rig.commit("T-9\(round)0001", handOver: false)
            let here = try rig.commit("T-9\(round)0002", handOver: true)
            #expect(here.seq == elsewhere.seq + 1)
            expected += [elsewhere.ticketID, here.ticketID]
            #expect(await rig.until { rig.received.count >= expected.count })
        }
        #expect(rig.received == expected)
        #expect(rig.publisher.readBack.load(ordering: .relaxed) >= 5, "each event committed elsewhere was read back")
    }

    /// A hand-over refused because the task holds the cursor is sent at the ring that follows,
    /// not at the task's next look: here that look is a minute away, so an alert within the
    /// wait below can only have gone out at the ring, however slow the machine.
    @Test func aRefusedHandOverGoesOutAtTheRing() async throws {
        let rig = try Rig(lookInterval: .seconds(60))
        defer { rig.stop() }
        #expect(await rig.ready(), "\(rig.client.state)")
        try rig.publisher.cursor.withLock { _ in _ = try rig.commit("T-000777", handOver: true) }
        #expect(await rig.until(timeout: 20) { rig.received == ["T-000777"] })
        #expect(rig.publisher.handedOver.load(ordering: .relaxed) == 0)
        #expect(rig.publisher.readBack.load(ordering: .relaxed) == 1)
    }

    /// What the committing threads stored, in the order each got its `seq`.
    final class Committed: Sendable {
        let events = Mutex<[StoredTicketEvent]>([])
        let threadsDone = Atomic<Int>(0)
    }

    /// Commits from several threads at once (ingest, the ticket clock, the API): every event
    /// once, in `seq` order, whichever thread sent it.
    @Test func concurrentCommitsLeaveInSeqOrder() async throws {
        let rig = try Rig()
        defer { rig.stop() }
        #expect(await rig.ready(), "\(rig.client.state)")
        let committed = Committed()
        let (store, bell) = (rig.store, rig.bell)
        for thread in 1...4 {
            Thread {
                for index in 1...25 {
                    if let event = try? Rig.commit("T-\(thread)000\(String(format: "%02d", index))", handOver: true, store: store, bell: bell) {
                        committed.events.withLock { $0.append(event) }
                    }
                }
                committed.threadsDone.add(1, ordering: .relaxed)
            }.start()
        }
        #expect(await rig.until { committed.threadsDone.load(ordering: .relaxed) == 4 })
        let expected = committed.events.withLock { $0 }.sorted { $0.seq < $1.seq }.map(\.ticketID)
        #expect(expected.count == 100)
        #expect(await rig.until { rig.received.count >= 100 })
        #expect(rig.received == expected)
    }
}
