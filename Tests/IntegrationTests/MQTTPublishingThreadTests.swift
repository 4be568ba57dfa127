#if canImport(Glibc)
import Glibc
#endif
import CMosquitto
import Foundation
import Logging
@testable import MQTT
import Synchronization
import Testing

/// A client whose publishes are written on the publishing thread (the alerts' connection),
/// against a real mosquitto: the message leaves without the network loop, and one published
/// while the link is down still goes out once it is back.
@Suite struct MQTTPublishingThreadTests {
    /// What the probe heard, by topic.
    final class Heard: Sendable {
        let payloads = Mutex<[String: [UInt8]]>([:])
        func payload(_ topic: String) -> [UInt8]? { payloads.withLock { $0[topic] } }
    }

    static func probe(port: Int, heard: Heard, logger: Logger) throws -> MQTTClient {
        try MQTTClient(options: MQTTOptions(port: port, clientID: "probe", cleanSession: true, subscriptions: ["out/#"]), logger: logger) { message in
            heard.payloads.withLock { $0[message.topic] = Array(message.payload) }
        }
    }

    /// Asked for, and refused where a write from another thread would be wrong: the ingest
    /// session's PUBACKs wait for their burst to be durable; a receiving client's handler
    /// runs under the lock; TLS shares one OpenSSL session with the loop's reads.
    @Test func onlyAPublishingClientWithoutTLSWritesOnItsCallersThreads() throws {
        let logger = Logger(label: "mqtt-publishing-thread-test")
        var options = MQTTOptions(clientID: "alerts", cleanSession: true)
        options.writesOnPublishingThread = true
        let publishing = try MQTTClient(options: options, logger: logger)
        #expect(publishing.writesOnPublishingThread && publishing.burst == nil)
        let acknowledging = try MQTTClient(options: options, logger: logger, beforeAcknowledging: { true })
        #expect(!acknowledging.writesOnPublishingThread && acknowledging.burst != nil)
        let receiving = try MQTTClient(options: options, logger: logger, onMessage: { _ in })
        #expect(!receiving.writesOnPublishingThread && receiving.burst != nil)
        var secured = options
        secured.tls = MQTTOptions.TLS(caFile: nil, caPath: "/etc/ssl/certs", certFile: nil, keyFile: nil, insecureSkipHostnameCheck: false)
        #expect(try !MQTTClient(options: secured, logger: logger).writesOnPublishingThread)
        var unasked = options
        unasked.writesOnPublishingThread = false
        #expect(try !MQTTClient(options: unasked, logger: logger).writesOnPublishingThread)
    }

    /// The publisher's loop never runs once it is connected: the rounds that connected it were
    /// driven from the test. A message handed to libmosquitto only to be queued would wait for
    /// a round that never comes; written on this thread, it reaches the probe.
    @Test func aPublishLeavesWithoutTheNetworkLoop() throws {
        let directory = try TestPaths.temporaryDirectory("mqtt-publishing-thread")
        let broker = try TestBroker(directory: directory)
        defer { broker.stop(); TestPaths.removeScratch(directory) }
        let logger = Logger(label: "mqtt-publishing-thread-test")
        let heard = Heard()
        let probe = try Self.probe(port: broker.port, heard: heard, logger: logger)
        probe.start()
        defer { probe.stop() }
        var options = MQTTOptions(port: broker.port, clientID: "alerts", cleanSession: true, keepAliveSeconds: 300)
        options.writesOnPublishingThread = true
        let publisher = try MQTTClient(options: options, logger: logger)
        let raw = publisher.handle.raw
        try #require(mosquitto_connect(raw, "127.0.0.1", Int32(broker.port), 300) == MOSQ_ERR_SUCCESS.rawValue)
        publisher.events.socketOpen = true
        try #require(MQTTLoopIntegrationTests.pump(publisher, timeout: 10) { publisher.isConnected })
        // The probe's subscription is in place once a message through the broker reaches it (one
        // a poll: 200 at most, well inside the in-flight window nothing here acknowledges).
        try #require(eventually(timeout: 10) {
            _ = publisher.publish(topic: "out/ready", payload: [1], qos: 1)
            return heard.payload("out/ready") != nil
        })
        #expect(publisher.publish(topic: "out/alert", payload: Array("fire".utf8), qos: 1))
        #expect(eventually(timeout: 10) { heard.payload("out/alert") != nil })
        #expect(heard.payload("out/alert") == Array("fire".utf8))
    }

    /// Published while the broker is down: queued, not refused, and sent once the loop has
    /// reconnected (retained, so the probe reads it whenever it subscribes).
    @Test func aPublishWhileTheLinkIsDownGoesOutAfterTheReconnect() throws {
        let directory = try TestPaths.temporaryDirectory("mqtt-publishing-thread-down")
        let broker = try TestBroker(directory: directory)
        defer { broker.stop(); TestPaths.removeScratch(directory) }
        let logger = Logger(label: "mqtt-publishing-thread-test")
        var options = MQTTOptions(port: broker.port, clientID: "alerts", cleanSession: true, reconnectMinSeconds: 0.1, reconnectMaxSeconds: 0.5)
        options.writesOnPublishingThread = true
        let publisher = try MQTTClient(options: options, logger: logger)
        publisher.start()
        defer { publisher.stop(timeout: 2) }
        try #require(publisher.waitUntilConnected(timeout: 10))
        broker.stop()
        try #require(eventually(timeout: 10) { !publisher.isConnected })
        #expect(publisher.publish(topic: "out/while-down", payload: Array("queued".utf8), qos: 1, retain: true))
        #expect(publisher.outstandingCount == 1)
        try broker.start()
        try #require(publisher.waitUntilConnected(timeout: 20))
        #expect(publisher.waitForAcknowledgements(timeout: 10))
        let heard = Heard()
        let probe = try Self.probe(port: broker.port, heard: heard, logger: logger)
        probe.start()
        defer { probe.stop() }
        #expect(eventually(timeout: 10) { heard.payload("out/while-down") == Array("queued".utf8) })
    }

    /// Three threads publish while the broker is stopped and started again under them: their
    /// writes race the loop's reads, the socket's close and the reconnect. Every message
    /// arrives (at least once: one in flight at the stop is sent again) and every one is
    /// acknowledged. The probe's persistent session keeps what came while it was away.
    @Test func publishesFromSeveralThreadsAcrossABrokerRestartAllArrive() throws {
        let directory = try TestPaths.temporaryDirectory("mqtt-publishing-thread-restart")
        let broker = try TestBroker(directory: directory)
        defer { broker.stop(); TestPaths.removeScratch(directory) }
        let logger = Logger(label: "mqtt-publishing-thread-test")
        let arrived = Mutex<Set<String>>([])
        let probe = try MQTTClient(options: MQTTOptions(port: broker.port, clientID: "probe", cleanSession: false, subscriptions: ["out/#"],
                                                        reconnectMinSeconds: 0.1, reconnectMaxSeconds: 0.5), logger: logger) { message in
            let text = String(decoding: message.payload, as: UTF8.self)
            arrived.withLock { _ = $0.insert(text) }
        }
        var options = MQTTOptions(port: broker.port, clientID: "alerts", cleanSession: true, reconnectMinSeconds: 0.1, reconnectMaxSeconds: 0.5)
        options.writesOnPublishingThread = true
        let publisher = try MQTTClient(options: options, logger: logger)
        probe.start()
        publisher.start()
        defer { publisher.stop(timeout: 2); probe.stop(timeout: 2) }
        try #require(probe.waitUntilConnected(timeout: 10) && publisher.waitUntilConnected(timeout: 10))
        try #require(eventually(timeout: 10) {
            _ = publisher.publish(topic: "out/ready", payload: Array("ready".utf8), qos: 1)
            return arrived.withLock { $0.contains("ready") }
        })
        let threads = 3, perThread = 300
        let finished = DispatchSemaphore(value: 0)
        let refused = Atomic<Int>(0)
        for thread in 0..<threads {
            Thread {
                for index in 0..<perThread {
                    if !publisher.publish(topic: "out/\(thread)", payload: Array("\(thread)-\(index)".utf8), qos: 1) { refused.add(1, ordering: .relaxed) }
                    usleep(2_000)
                }
                finished.signal()
            }.start()
        }
        // Stopped mid-stream (some have arrived), and started again once the publisher has seen
        // the link go down: the threads go on publishing through both changes.
        try #require(eventually(timeout: 10) { arrived.withLock { $0.count } > 50 })
        broker.stop()
        try #require(eventually(timeout: 10) { !publisher.isConnected })
        try broker.start()
        for _ in 0..<threads { #expect(finished.wait(timeout: .now() + 30) == .success) }
        #expect(refused.load(ordering: .relaxed) == 0)
        #expect(publisher.waitForAcknowledgements(timeout: 30), "\(publisher.outstandingCount) not acknowledged")
        let expected = Set((0..<threads).flatMap { thread in (0..<perThread).map { "\(thread)-\($0)" } })
        #expect(eventually(timeout: 30) { arrived.withLock { expected.isSubset(of: $0) } })
        let missing = expected.subtracting(arrived.withLock { $0 })
        #expect(missing.isEmpty, "\(missing.count) missing, e.g. \(missing.sorted().prefix(5))")
    }
}
