/// The devices the gateway knows, by id; unknown devices are quarantined unless
/// auto-registration is on, in which case the topic's community and type register them.
public struct DeviceRegistry: Sendable {
    public private(set) var devices: [String: Device]
    public var autoRegister: Bool

    public init(_ devices: [Device], autoRegister: Bool = false) {
        self.devices = Dictionary(devices.map { ($0.id, $0) }, uniquingKeysWith: { _, last in last })
        self.autoRegister = autoRegister
    }

    public subscript(id: String) -> Device? { devices[id] }
    public var count: Int { devices.count }

    public mutating func upsert(_ device: Device) { devices[device.id] = device }
}
