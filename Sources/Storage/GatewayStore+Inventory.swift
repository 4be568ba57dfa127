import Devices

/// The gateway's start: the inventory file into the store, and the devices the rules and the
/// registry begin with.
extension GatewayStore {
    /// Upserts `inventory` (each id once, as `Inventory.parse` gives it) with source
    /// "inventory"; returns what changed and every device the store then holds, by id. When
    /// the store holds no device beyond the inventory (no auto-registered or imported ones),
    /// those are the inventory's own devices, now stored as given, and are not read back: the
    /// read was ~0.3 s of a 100,000-device start (perf).
    public func loadInventory(_ inventory: [Device], nowMs: Int64) throws -> (inserted: Int, updated: Int, devices: [Device]) {
        let changes = try upsertDevices(inventory, source: "inventory", nowMs: nowMs)
        if try deviceCount() == inventory.count {
            return (changes.inserted, changes.updated, inventory.sorted { $0.id < $1.id })
        }
        return (changes.inserted, changes.updated, try devices(type: nil, community: nil, building: nil, grid: nil).map(\.device))
    }
}
