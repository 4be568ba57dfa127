import Devices

/// A community drawn from its own inventory (no map tiles: the duty room may be offline): its
/// buildings with their grid and position, its grids with their buildings, and the box that
/// holds every placed unit. A building's position is the mean of its units' positions; a unit
/// is a distinct (building, unit) pair, and its position the mean of its devices' positions.
public struct SitePlan: Sendable, Hashable {
    /// One building: the grid most of its units are in, and where it stands (nil when none of
    /// its units has a position).
    public struct Building: Sendable, Hashable {
        public var name: String
        public var grid: String
        public var position: GeoPoint?
        public var units: Int

        public init(name: String, grid: String, position: GeoPoint?, units: Int) {
            self.name = name
            self.grid = grid
            self.position = position
            self.units = units
        }
    }

    /// One grid and its buildings in name order.
    public struct Grid: Sendable, Hashable {
        public var name: String
        public var buildings: [String]

        public init(name: String, buildings: [String]) {
            self.name = name
            self.buildings = buildings
        }
    }

    /// The smallest latitude/longitude box holding every placed unit.
    public struct Bounds: Sendable, Hashable {
        public var minLatitude: Double
        public var minLongitude: Double
        public var maxLatitude: Double
        public var maxLongitude: Double

        public init(minLatitude: Double, minLongitude: Double, maxLatitude: Double, maxLongitude: Double) {
            self.minLatitude = minLatitude
            self.minLongitude = minLongitude
            self.maxLatitude = maxLatitude
            self.maxLongitude = maxLongitude
        }
    }

    public var community: String
    /// In name order; devices without a building are in no building.
    public var buildings: [Building]
    /// In name order; buildings without a grid are in none.
    public var grids: [Grid]
    /// Nil when no unit of the community has a position.
    public var bounds: Bounds?

    /// The plan of `community` from `devices` (devices of other communities are left out).
    public init(community: String, devices: [Device]) {
        self.community = community
        let units = Self.units(devices.filter { $0.community == community && !$0.building.isEmpty })
        let byBuilding = Dictionary(grouping: units, by: \.building)
        buildings = byBuilding.keys.sorted().map { name in
            let members = byBuilding[name] ?? []
            let placed = members.compactMap(\.position)
            return Building(name: name, grid: Self.mostCommon(members.map(\.grid)), position: Self.mean(placed), units: members.count)
        }
        let byGrid = Dictionary(grouping: buildings.filter { !$0.grid.isEmpty }, by: \.grid)
        grids = byGrid.keys.sorted().map { Grid(name: $0, buildings: (byGrid[$0] ?? []).map(\.name)) }
        let positions = Self.units(devices.filter { $0.community == community }).compactMap(\.position)
        bounds = positions.isEmpty ? nil : Bounds(
            minLatitude: positions.map(\.latitude).min() ?? 0, minLongitude: positions.map(\.longitude).min() ?? 0,
            maxLatitude: positions.map(\.latitude).max() ?? 0, maxLongitude: positions.map(\.longitude).max() ?? 0)
    }

    /// The communities of `devices` in name order: the first is the site shown by default.
    public static func communities(_ devices: [Device]) -> [String] {
        Set(devices.map(\.community)).sorted()
    }

    /// One unit as the plan sees it: its grid (most of its devices') and its position.
    struct Unit {
        var building: String
        var grid: String
        var position: GeoPoint?
    }

    /// In (building, unit) order: a mean summed in a fixed order gives the same last digit on
    /// every run, whatever order the dictionary hands the units out.
    static func units(_ devices: [Device]) -> [Unit] {
        let byUnit = Dictionary(grouping: devices) { [$0.building, $0.unit] }
        return byUnit.keys.sorted { $0.lexicographicallyPrecedes($1) }.map { key in
            let members = byUnit[key] ?? []
            let placed = members.compactMap { device in
                device.latitude.flatMap { latitude in device.longitude.flatMap { GeoPoint(latitude: latitude, longitude: $0) } }
            }
            return Unit(building: key[0], grid: mostCommon(members.map(\.grid)), position: mean(placed))
        }
    }

    /// The most frequent non-empty value, the first in name order on a tie (so the answer does
    /// not depend on the inventory's row order); empty when every value is.
    static func mostCommon(_ values: [String]) -> String {
        let counts = Dictionary(values.filter { !$0.isEmpty }.map { ($0, 1) }, uniquingKeysWith: +)
        return counts.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }?.key ?? ""
    }

    /// The plain mean of latitudes and longitudes: at a compound's scale (hundreds of metres,
    /// far from the poles and the antimeridian) it is the centre to well under a metre.
    static func mean(_ points: [GeoPoint]) -> GeoPoint? {
        guard !points.isEmpty else { return nil }
        let count = Double(points.count)
        return GeoPoint(latitude: points.map(\.latitude).reduce(0, +) / count,
                        longitude: points.map(\.longitude).reduce(0, +) / count)
    }
}
