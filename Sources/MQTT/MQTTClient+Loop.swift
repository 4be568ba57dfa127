import CMosquitto
import Foundation

extension MQTTClient {
    /// The network loop: connect, run `mosquitto_loop` while connected, and on any failure
    /// wait a jittered, capped exponential backoff and reconnect. While paused it does not
    /// read, so the socket fills and the broker holds the messages (a long pause ends in a
    /// keep-alive timeout; the persistent session keeps queueing and we reconnect later).
    func runLoop() {
        let raw = handle.raw
        var backoff = ReconnectBackoff(minimum: options.reconnectMinSeconds, maximum: options.reconnectMaxSeconds)
        var everConnected = false
        while !events.stopping.load(ordering: .acquiring) {
            if !events.socketOpen {
                events.setState(.connecting)
                let rc = everConnected
                    ? mosquitto_reconnect(raw)
                    : mosquitto_connect(raw, options.host, Int32(options.port), Int32(options.keepAliveSeconds))
                guard rc == MOSQ_ERR_SUCCESS.rawValue else {
                    let reason = rc == MOSQ_ERR_ERRNO.rawValue ? String(cString: strerror(errno)) : String(cString: mosquitto_strerror(rc))
                    events.setState(.disconnected(reason: "connect to \(options.host):\(options.port) failed: \(reason)"))
                    sleepInterruptibly(backoff.nextDelay(jitter: Double.random(in: 0...1)))
                    continue
                }
                everConnected = true
                events.socketOpen = true
            }
            if events.paused.load(ordering: .relaxed) {
                mosquitto_loop_misc(raw)
                usleep(20_000)
                continue
            }
            let rc = mosquitto_loop(raw, 100, 1)
            if events.consumeConnackSuccess() { backoff.reset() }
            if events.consumeRefused() {
                // CONNACK refused (bad credentials, not authorised): close and back off.
                mosquitto_disconnect(raw)
            }
            if rc != MOSQ_ERR_SUCCESS.rawValue {
                events.socketOpen = false
                if events.stopping.load(ordering: .acquiring) { break }
                if events.isConnected || events.state == .connecting {
                    events.setState(.disconnected(reason: "connection lost: \(String(cString: mosquitto_strerror(rc)))"))
                }
                sleepInterruptibly(backoff.nextDelay(jitter: Double.random(in: 0...1)))
            }
        }
        // Let the DISCONNECT (and the offline availability before it) reach the socket.
        let deadline = Date().addingTimeInterval(1)
        while events.socketOpen, Date() < deadline {
            if mosquitto_loop(raw, 50, 1) != MOSQ_ERR_SUCCESS.rawValue { break }
        }
        events.setState(.disconnected(reason: "stopped"))
    }

    private func sleepInterruptibly(_ seconds: Double) {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline, !events.stopping.load(ordering: .acquiring) { usleep(20_000) }
    }
}
