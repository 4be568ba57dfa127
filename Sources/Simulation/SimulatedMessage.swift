import Formats
import Foundation

/// One MQTT publication of the simulated fleet: when the gateway receives it, where, and the bytes.
///
/// `payload` is what a device would put on the wire, which is usually a JSON object but,
/// for malformed traffic, may be anything (truncated JSON, invalid UTF-8, plain text).
public struct SimulatedMessage: Sendable, Hashable {
    /// When the gateway receives the message (the capture's `at`).
    public let at: Date
    public let topic: String
    public let payload: [UInt8]
    /// The UTC offset, in seconds, of the simulator's time zone at `at`; capture lines show
    /// `at` at this offset.
    public let utcOffsetSeconds: Int
    /// Set by the simulator when it knows whether the bytes are a valid JSON object, so the
    /// capture writer can skip re-validating millions of payloads; nil means "check".
    let knownJSONObject: Bool?

    public init(at: Date, topic: String, payload: [UInt8], utcOffsetSeconds: Int = 0) {
        self.at = at
        self.topic = topic
        self.payload = payload
        self.utcOffsetSeconds = utcOffsetSeconds
        self.knownJSONObject = nil
    }

    init(atMs: Int64, topic: String, payload: [UInt8], utcOffsetSeconds: Int, knownJSONObject: Bool) {
        self.at = Date(timeIntervalSince1970: Double(atMs) / 1000)
        self.topic = topic
        self.payload = payload
        self.utcOffsetSeconds = utcOffsetSeconds
        self.knownJSONObject = knownJSONObject
    }

    /// `at` in epoch milliseconds, exact for messages the simulator made.
    public var atMilliseconds: Int64 {
        Int64((at.timeIntervalSince1970 * 1000).rounded())
    }

    /// The device id, taken from the topic's fourth segment
    /// (`gridwatch/{community}/{type}/{device}/telemetry`).
    public var deviceID: String? {
        let parts = topic.split(separator: "/", omittingEmptySubsequences: false)
        return parts.count >= 4 ? String(parts[3]) : nil
    }

    /// The payload parsed as a JSON object, or nil when it is not one (malformed traffic).
    public var jsonObject: [String: Any]? {
        guard isJSONObject else { return nil }
        let parsed = try? JSONSerialization.jsonObject(with: Data(payload), options: [])
        return parsed as? [String: Any]
    }

    /// Whether the payload is a single valid JSON object in valid UTF-8.
    public var isJSONObject: Bool {
        knownJSONObject ?? JSONParser.isObject(payload, maxDepth: CaptureLine.maxDepth)
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.at == rhs.at && lhs.topic == rhs.topic && lhs.payload == rhs.payload
            && lhs.utcOffsetSeconds == rhs.utcOffsetSeconds
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(at)
        hasher.combine(topic)
        hasher.combine(payload)
    }
}
