/// How to reach and talk to the broker: address, session, credentials, TLS, last will and
/// reconnect backoff.
public struct MQTTOptions: Sendable {
    /// Client certificate and CA for a TLS connection.
    public struct TLS: Sendable {
        public var caFile: String?
        public var caPath: String?
        public var certFile: String?
        public var keyFile: String?
        public var insecureSkipHostnameCheck: Bool

        public init(caFile: String? = nil, caPath: String? = nil, certFile: String? = nil, keyFile: String? = nil,
                    insecureSkipHostnameCheck: Bool = false) {
            self.caFile = caFile
            self.caPath = caPath
            self.certFile = certFile
            self.keyFile = keyFile
            self.insecureSkipHostnameCheck = insecureSkipHostnameCheck
        }
    }

    /// A message the broker publishes for us when we vanish, and its counterpart on connect.
    public struct Availability: Sendable {
        public var topic: String
        public var online: String
        public var offline: String

        public init(topic: String, online: String = "online", offline: String = "offline") {
            self.topic = topic
            self.online = online
            self.offline = offline
        }
    }

    public var host: String
    public var port: Int
    public var clientID: String
    /// False keeps a persistent session: the broker queues QoS 1 messages while we are away.
    public var cleanSession: Bool
    public var keepAliveSeconds: Int
    public var username: String?
    public var password: String?
    public var tls: TLS?
    public var availability: Availability?
    public var subscriptions: [String]
    public var subscriptionQoS: Int32
    public var maxInflight: Int
    public var reconnectMinSeconds: Double
    public var reconnectMaxSeconds: Double
    /// A publish is written to the socket on the publishing thread, not left to the network
    /// loop (which still writes what the socket could not take at once, what it sends again
    /// after a reconnect, pings): an alert leaves as soon as its ticket is committed instead of
    /// waiting for the loop to wake, or to finish the burst it is reading. Ignored for a client
    /// that receives or has TLS (`MQTTClient.writesOnPublishingThread`).
    public var writesOnPublishingThread = false

    public init(host: String = "127.0.0.1", port: Int = 1883, clientID: String, cleanSession: Bool = false,
                keepAliveSeconds: Int = 30, username: String? = nil, password: String? = nil, tls: TLS? = nil,
                availability: Availability? = nil, subscriptions: [String] = [], subscriptionQoS: Int32 = 1,
                maxInflight: Int = 1000, reconnectMinSeconds: Double = 0.5, reconnectMaxSeconds: Double = 30) {
        self.host = host
        self.port = port
        self.clientID = clientID
        self.cleanSession = cleanSession
        self.keepAliveSeconds = keepAliveSeconds
        self.username = username
        self.password = password
        self.tls = tls
        self.availability = availability
        self.subscriptions = subscriptions
        self.subscriptionQoS = subscriptionQoS
        self.maxInflight = maxInflight
        self.reconnectMinSeconds = reconnectMinSeconds
        self.reconnectMaxSeconds = reconnectMaxSeconds
    }

    /// Parses `mqtt://host:port` or `mqtts://host:port` into host, port and whether TLS is meant.
    public static func parseURL(_ url: String) -> (host: String, port: Int, tls: Bool)? {
        let tls: Bool
        let rest: Substring
        if url.hasPrefix("mqtts://") { tls = true; rest = url.dropFirst(8) } else if url.hasPrefix("mqtt://") { tls = false; rest = url.dropFirst(7) } else if url.hasPrefix("tcp://") { tls = false; rest = url.dropFirst(6) } else { return nil }
        let hostPort = rest.split(separator: "/", maxSplits: 1).first ?? rest
        let parts = hostPort.split(separator: ":")
        guard let host = parts.first, !host.isEmpty else { return nil }
        if parts.count == 1 { return (String(host), tls ? 8883 : 1883, tls) }
        guard parts.count == 2, let port = Int(parts[1]), (1...65535).contains(port) else { return nil }
        return (String(host), port, tls)
    }
}

/// The backoff between reconnect attempts: doubling from the minimum up to the cap, with full
/// jitter so that many gateways do not hammer a recovering broker in step.
public struct ReconnectBackoff: Sendable {
    public let minimum: Double
    public let maximum: Double
    public private(set) var attempt = 0

    public init(minimum: Double, maximum: Double) {
        self.minimum = minimum
        self.maximum = max(minimum, maximum)
    }

    /// The delay before the next attempt, given a random fraction in 0...1.
    public mutating func nextDelay(jitter: Double) -> Double {
        let ceiling = min(maximum, minimum * pow2(attempt))
        attempt += 1
        return minimum + (ceiling - minimum) * jitter
    }

    public mutating func reset() { attempt = 0 }

    private func pow2(_ exponent: Int) -> Double { exponent >= 30 ? Double(1 << 30) : Double(1 << exponent) }
}
