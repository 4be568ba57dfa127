/// One installed device from the community's inventory: where it is and whom it serves.
public struct Device: Sendable, Hashable, Codable {
    public var id: String
    public var type: String
    public var community: String
    public var building: String
    public var unit: String
    /// An opaque reference to the resident served (never a name): personal data stays elsewhere.
    public var resident: String
    /// Installation date, `YYYY-MM-DD`, as recorded by the installer.
    public var installed: String

    public init(id: String, type: String, community: String, building: String = "", unit: String = "",
                resident: String = "", installed: String = "") {
        self.id = id
        self.type = type
        self.community = community
        self.building = building
        self.unit = unit
        self.resident = resident
        self.installed = installed
    }
}
