/// A device announcing itself on its availability topic (`online` / `offline`, retained).
public struct AvailabilityChange: Sendable {
    public var deviceID: String
    public var online: Bool
    public var receivedAtMs: Int64

    public init(deviceID: String, online: Bool, receivedAtMs: Int64) {
        self.deviceID = deviceID
        self.online = online
        self.receivedAtMs = receivedAtMs
    }
}
