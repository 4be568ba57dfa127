/// The devices the gateway knows, by id; unknown devices are quarantined unless
/// auto-registration is on, in which case the topic's community and type register them.
///
/// The devices sit in an array and the table maps ids to positions: a `Device` is ~170 bytes
/// and a hash table keeps a third or more of its buckets empty, so at 100,000 devices a table
/// of devices took 46 MB where the positions take ~6 MB beside the 17 MB array (heaptrack).
public struct DeviceRegistry: Sendable {
    private var list: [Device]
    private var positions: [String: Int]
    public var autoRegister: Bool

    public init(_ devices: [Device], autoRegister: Bool = false) {
        list = []
        list.reserveCapacity(devices.count)
        positions = Dictionary(minimumCapacity: devices.count)
        self.autoRegister = autoRegister
        for device in devices { upsert(device) }
    }

    public subscript(id: String) -> Device? {
        guard let position = positions[id] else { return nil }
        return list[position]
    }

    public var count: Int { list.count }

    /// Every device, in registration order.
    public var devices: [Device] { list }

    /// Adds the device, or replaces the one with its id (the last of duplicates wins).
    public mutating func upsert(_ device: Device) {
        if let position = positions[device.id] {
            list[position] = device
        } else {
            positions[device.id] = list.count
            list.append(device)
        }
    }
}
