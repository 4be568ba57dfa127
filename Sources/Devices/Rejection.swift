/// A message that failed decoding or validation. Nothing is dropped: it is kept with its reason.
public struct Rejection: Sendable {
    public var topic: String
    public var reason: RejectionReason
    public var detail: String
    public var receivedAtMs: Int64
    public var deviceID: String?
    /// The first bytes of the payload (at most `Rejection.keptBytes`), for diagnosis.
    public var payloadPrefix: [UInt8]
    public var payloadSize: Int

    public static let keptBytes = 512

    public init(topic: String, reason: RejectionReason, detail: String, receivedAtMs: Int64, deviceID: String?,
                payloadPrefix: [UInt8], payloadSize: Int) {
        self.topic = topic
        self.reason = reason
        self.detail = detail
        self.receivedAtMs = receivedAtMs
        self.deviceID = deviceID
        self.payloadPrefix = payloadPrefix
        self.payloadSize = payloadSize
    }
}
