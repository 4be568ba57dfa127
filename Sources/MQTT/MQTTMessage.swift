/// A message as libmosquitto hands it to `on_message`: valid only during the callback.
public struct MQTTMessageView {
    public let topic: String
    public let payload: UnsafeRawBufferPointer
    public let qos: Int32
    public let retain: Bool
}

/// Broker connection state, for `/readyz` and logs.
public enum MQTTConnectionState: Sendable, Equatable {
    case connecting
    case connected
    case disconnected(reason: String)
}
