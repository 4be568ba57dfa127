import Formats

/// One validated telemetry message, ready to store and to evaluate rules on.
public struct Reading: Sendable {
    public var deviceID: String
    public var deviceType: String
    public var community: String
    /// When the gateway received it (epoch ms): the time rules and SLA clocks trust.
    public var receivedAtMs: Int64
    /// The device's own clock (epoch ms), normalised from seconds, ms or RFC 3339.
    public var deviceTimeMs: Int64
    /// False when the device clock is further off than the configured tolerance.
    public var deviceTimeTrusted: Bool
    public var seq: Int64?
    /// The payload's top-level members, in the order they came.
    public var values: JSONFields
    /// The payload exactly as received (valid UTF-8 JSON); unknown extra fields are kept. The
    /// received bytes themselves: a `String` of them cost a copy and a UTF-8 check of every
    /// payload the parser had just read (perf: ~2 % of the ingest's samples), for the store
    /// to bind the same bytes.
    public var payload: [UInt8]
    /// The payload as text.
    public var payloadText: String { String(decoding: payload, as: UTF8.self) }
    /// Plausibility findings: `out_of_range:FIELD`, `unknown_value:FIELD`, `clock_skew`.
    public var flags: [String]
    /// Hash of the raw payload: the duplicate key with the device id (QoS 1 redelivery).
    public var contentHash: Int64

    /// A reading whose payload is given as text (tests and tools; the decoder keeps the bytes).
    public init(deviceID: String, deviceType: String, community: String, receivedAtMs: Int64, deviceTimeMs: Int64,
                deviceTimeTrusted: Bool, seq: Int64?, values: JSONFields, payloadText: String, flags: [String], contentHash: Int64) {
        self.init(deviceID: deviceID, deviceType: deviceType, community: community, receivedAtMs: receivedAtMs, deviceTimeMs: deviceTimeMs,
                  deviceTimeTrusted: deviceTimeTrusted, seq: seq, values: values, payload: Array(payloadText.utf8), flags: flags,
                  contentHash: contentHash)
    }

    /// A reading over its received bytes, which must be valid UTF-8 (the store binds them as text).
    public init(deviceID: String, deviceType: String, community: String, receivedAtMs: Int64, deviceTimeMs: Int64,
                deviceTimeTrusted: Bool, seq: Int64?, values: JSONFields, payload: [UInt8], flags: [String], contentHash: Int64) {
        self.deviceID = deviceID
        self.deviceType = deviceType
        self.community = community
        self.receivedAtMs = receivedAtMs
        self.deviceTimeMs = deviceTimeMs
        self.deviceTimeTrusted = deviceTimeTrusted
        self.seq = seq
        self.values = values
        self.payload = payload
        self.flags = flags
        self.contentHash = contentHash
    }
}

/// Why a message was not stored (a reading, or a staff position); stored in `rejected` with
/// the first bytes.
public enum RejectionReason: String, Sendable, CaseIterable, Codable {
    case payloadTooLarge = "payload_too_large"
    case invalidUTF8 = "invalid_utf8"
    case notJSON = "not_json"
    case notObject = "not_object"
    case missingTimestamp = "missing_ts"
    case invalidTimestamp = "invalid_ts"
    case wrongType = "wrong_type"
    case unknownDevice = "unknown_device"
    case unknownType = "unknown_type"
    case typeMismatch = "type_mismatch"
    case topicMismatch = "topic_mismatch"
    case invalidStatus = "invalid_status"
    // A staff member's live position (`gridwatch/{community}/staff/{id}/location`).
    case unknownStaff = "unknown_staff"
    case missingPosition = "missing_position"
    case outOfRange = "out_of_range"
    /// A device reading with a far-off clock is kept and flagged; a position is refused,
    /// since a fix of unknown age could fake or hide an arrival.
    case clockSkew = "clock_skew"
    // A resident's request (`gridwatch/{community}/requests/{source}`, `POST /api/v1/requests`).
    case missingField = "missing_field"
    case invalidField = "invalid_field"
    case unknownItem = "unknown_item"
    case unknownUnit = "unknown_unit"
}
