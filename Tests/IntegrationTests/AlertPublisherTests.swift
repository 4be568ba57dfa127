import Foundation
@testable import Gateway
import Logging
import MQTT
import Storage
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

        init() throws {
            directory = try TestPaths.temporaryDirectory("alert-publisher")
            broker = try TestBroker(directory: directory)
            subscriber = try subscribe(broker: broker, topic: "gridwatch/+/alerts/#", directory: directory)
            store = try GatewayDatabase(path: directory + "/gridwatch.db")
            let logger = Logger(label: "alert-publisher-test")
            client = try MQTTClient(options: MQTTOptions(port: broker.port, clientID: "gw-alerts-test", cleanSession: true), logger: logger)
            client.start()
            publisher = AlertPublisher(database: store, client: client, bell: bell, topicPattern: "gridwatch/{community}/alerts/{ticket_id}", logger: logger)
            running = Task { [publisher] in try await publisher.run() }
        }

        /// Commits one event of ticket `ticketID`; rings the bell with it when `handOver`.
        @discardableResult
        func commit(_ ticketID: String, handOver: Bool) throws -> StoredTicketEvent {
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

        /// Connected, the publisher's cursor read, and mosquitto_sub subscribed (it does so just
        /// after connecting: an alert sent before would be lost to it).
        func ready() async -> Bool {
            let ready = await until { client.isConnected && publisher.cursor.withLock { $0 != nil } }
            try? await Task.sleep(for: .milliseconds(500))
            return ready
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
        #expect(handedOver >= 15, "handed over \(handedOver) of 20")
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
}
