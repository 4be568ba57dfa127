@testable import Gateway
import MQTT
import Testing

/// The MQTT loop's socket calls on `/metrics`: counters moved up to the client's counts at each
/// scrape, never counting a call twice, and no series for a client without burst buffers.
@Suite struct SocketCallCountersTests {
    static func value(_ call: String, in text: String) -> Double? {
        text.split(separator: "\n").first { $0.hasPrefix("gridwatch_mqtt_socket_calls_total{call=\"\(call)\"} ") }
            .flatMap { Double($0.split(separator: " ").last ?? "") }
    }

    @Test func eachScrapeCountsUpToTheClientsCounts() {
        let metrics = GatewayMetrics()
        metrics.setSocketCalls { nil }
        #expect(!metrics.render().contains("gridwatch_mqtt_socket_calls_total"), "a client over TLS has no burst buffers")
        var counts = MQTTSocketCounts(readsServed: 700, receives: 3, writesGathered: 200, sends: 2)
        metrics.setSocketCalls { counts }
        let older = counts
        counts.readsServed = 1_000
        counts.receives = 4
        counts.sends = 3
        metrics.setSocketCalls { counts }
        metrics.setSocketCalls { counts }
        // Counts read before the last ones (two scrapes at once) count nothing twice or down.
        metrics.setSocketCalls { older }
        let text = metrics.render()
        #expect(Self.value("read", in: text) == 1_000, "\(text)")
        #expect(Self.value("recv", in: text) == 4)
        #expect(Self.value("write", in: text) == 200)
        #expect(Self.value("send", in: text) == 3)
    }
}
