#if canImport(Glibc)
import Glibc
#endif
import CMosquitto
import Foundation
import Logging
@testable import MQTT
import Synchronization
import Testing

/// The network loop's round against a real mosquitto: what another thread queued before a
/// round (an alert) leaves before the round's burst of incoming messages is read and journaled.
@Suite struct MQTTLoopIntegrationTests {
    /// Pumps `client`'s rounds on this thread until `condition` holds or `timeout` passes.
    static func pump(_ client: MQTTClient, timeout: Double, until condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while !condition() {
            guard Date() < deadline, client.pump(client.handle.raw, timeoutMs: 10) == MOSQ_ERR_SUCCESS.rawValue else { return false }
        }
        return true
    }

    /// What the clients' handlers saw, shared with the test.
    final class Seen: Sendable {
        let topics = Mutex<[String]>([])
        let probeReady = Atomic<Bool>(false)
        let alertArrived = DispatchSemaphore(value: 0)
        /// Whether the alert had reached the probe when the gateway's handler got the burst.
        let alertBeforeRead = Mutex<Bool?>(nil)

        func contains(_ topic: String) -> Bool { topics.withLock { $0.contains(topic) } }
    }

    /// Synchronous from start to end: a suspension between the rounds once waited ~100 s for a
    /// thread of the cooperative pool while other tests held them (CI), and the broker dropped
    /// the gateway's connection, not pumped meanwhile.
    @Test func anAlertQueuedBeforeARoundLeavesBeforeItsBurstIsRead() throws {
        let directory = try TestPaths.temporaryDirectory("mqtt-loop")
        let broker = try TestBroker(directory: directory)
        defer { broker.stop(); TestPaths.removeScratch(directory) }
        let logger = Logger(label: "mqtt-loop-test")
        let seen = Seen()
        let probe = try MQTTClient(options: MQTTOptions(port: broker.port, clientID: "probe", cleanSession: true, subscriptions: ["out/#"]),
                                   logger: logger) { message in
            if message.topic == "out/ready" { seen.probeReady.store(true, ordering: .relaxed) }
            if message.topic == "out/alert" { seen.alertArrived.signal() }
        }
        let sensor = try MQTTClient(options: MQTTOptions(port: broker.port, clientID: "sensor", cleanSession: true), logger: logger)
        probe.start()
        sensor.start()
        defer { probe.stop(); sensor.stop() }
        // The gateway's client, its rounds driven from the test instead of its loop thread.
        let gateway = try MQTTClient(options: MQTTOptions(port: broker.port, clientID: "gateway", cleanSession: true, keepAliveSeconds: 300,
                                                                 subscriptions: ["in/#"]),
                                     logger: logger) { message in
            seen.topics.withLock { $0.append(message.topic) }
            guard message.topic == "in/burst" else { return }
            let arrived = seen.alertArrived.wait(timeout: .now() + 3) == .success
            seen.alertBeforeRead.withLock { $0 = arrived }
        }
        let raw = gateway.handle.raw
        #expect(mosquitto_connect(raw, "127.0.0.1", Int32(broker.port), 30) == MOSQ_ERR_SUCCESS.rawValue)
        gateway.events.socketOpen = true
        gateway.burst?.reset(socket: mosquitto_socket(raw))
        // Both subscribed once a message from the sensor has come through to each.
        let ready = Self.pump(gateway, timeout: 10) { gateway.isConnected }
            && Self.pump(gateway, timeout: 10) {
                _ = sensor.publish(topic: "in/warm", payload: [1], qos: 0)
                _ = sensor.publish(topic: "out/ready", payload: [1], qos: 0)
                return seen.contains("in/warm") && seen.probeReady.load(ordering: .relaxed)
            }
        try #require(ready)
        // What the warm-up left in flight is read first: a fence after it, in the broker's order.
        _ = sensor.publish(topic: "in/fence", payload: [3], qos: 1)
        try #require(Self.pump(gateway, timeout: 10) { seen.contains("in/fence") })
        // Then the burst, alone in the gateway's socket and unread when the alert is queued.
        _ = sensor.publish(topic: "in/burst", payload: [2], qos: 1)
        #expect(sensor.waitForAcknowledgements(timeout: 5))
        var waiting = pollfd(fd: mosquitto_socket(raw), events: Int16(POLLIN), revents: 0)
        #expect(poll(&waiting, 1, 5_000) == 1)
        #expect(gateway.publish(topic: "out/alert", payload: Array("smoke".utf8), qos: 1))
        let read = Self.pump(gateway, timeout: 10) { seen.contains("in/burst") }
        #expect(read)
        #expect(seen.alertBeforeRead.withLock { $0 } == true)
        mosquitto_disconnect(raw)
    }
}
