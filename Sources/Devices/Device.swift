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
    /// The grid (网格, 300-500 households with their grid worker) the unit belongs to; empty if none.
    public var grid: String
    /// The unit's position (WGS-84 degrees), both or neither: where a responder is sent.
    public var latitude: Double?
    public var longitude: Double?

    public init(id: String, type: String, community: String, building: String = "", unit: String = "",
                resident: String = "", installed: String = "", grid: String = "", latitude: Double? = nil,
                longitude: Double? = nil) {
        self.id = id
        self.type = type
        self.community = community
        self.building = building
        self.unit = unit
        self.resident = resident
        self.installed = installed
        self.grid = grid
        self.latitude = latitude
        self.longitude = longitude
    }
}

extension Device {
    enum CodingKeys: String, CodingKey {
        case id, type, community, building, unit, resident, installed, grid, latitude, longitude
    }

    /// Tolerates a device written before places existed (no `grid`, no position).
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(id: try container.decode(String.self, forKey: .id), type: try container.decode(String.self, forKey: .type),
                  community: try container.decode(String.self, forKey: .community),
                  building: try container.decodeIfPresent(String.self, forKey: .building) ?? "",
                  unit: try container.decodeIfPresent(String.self, forKey: .unit) ?? "",
                  resident: try container.decodeIfPresent(String.self, forKey: .resident) ?? "",
                  installed: try container.decodeIfPresent(String.self, forKey: .installed) ?? "",
                  grid: try container.decodeIfPresent(String.self, forKey: .grid) ?? "",
                  latitude: try container.decodeIfPresent(Double.self, forKey: .latitude),
                  longitude: try container.decodeIfPresent(Double.self, forKey: .longitude))
    }
}
