import MQTT
import Prometheus

/// The MQTT loop's burst buffers on `/metrics` (`MQTTSocketCounts`): how many of libmosquitto's
/// socket reads and writes each `recv` and `send` carried. MQTT knows nothing of Prometheus, so
/// at each scrape the counters are moved up to the client's counts.
struct SocketCallCounters: Sendable {
    private var calls: FollowingCounters

    init(registry: PrometheusCollectorRegistry) {
        calls = FollowingCounters(["read", "recv", "write", "send"].map { call in
            registry.makeCounter(name: "gridwatch_mqtt_socket_calls_total", labels: [("call", call)],
                                 help: "The MQTT loop's socket calls: read (libmosquitto's reads of a burst), recv (the receives that served them), write (its writes of a burst's packets), send (the sends that took them)")
        })
    }

    mutating func advance(to counts: MQTTSocketCounts) {
        calls.advance(to: [counts.readsServed, counts.receives, counts.writesGathered, counts.sends].map { Int(clamping: $0) })
    }
}
