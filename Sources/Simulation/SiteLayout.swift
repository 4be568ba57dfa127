import Foundation

/// Where a generated community stands: a compound near Nanjing (its centre moved a few
/// kilometres by the seed and the community's name, so communities do not overlap), buildings
/// in rows like a Chinese residential compound's, and 2–4 grids (网格), each a contiguous
/// block of buildings in number order. Deterministic for the seed, as the fleet itself is.
struct SiteLayout: Sendable {
    /// The area the compounds are spread over (central Nanjing).
    static let baseLatitude = 32.06
    static let baseLongitude = 118.78
    /// How far a community's centre may lie from the base, in degrees (about 3 km).
    static let spreadDegrees = 0.03
    /// Distance between neighbouring buildings of a row, and between rows, in metres.
    static let buildingSpacingMetres = 48.0
    static let rowSpacingMetres = 56.0
    /// East-west offset of a floor's two flats from the building's centre, in metres.
    static let flatOffsetMetres = 5.0
    /// Metres per degree of latitude (mean Earth radius).
    static let metresPerDegree = 111_195.0

    let centreLatitude: Double
    let centreLongitude: Double
    let buildingCount: Int
    let gridCount: Int
    let buildingsPerRow: Int
    /// Each building's small offset from its ideal spot (north, east), in metres.
    let nudges: [(Double, Double)]

    init(community: String, buildingCount: Int, seed: UInt64) {
        // A generator of its own: the fleet's draws stay as they were before places existed.
        var rng = SplitMix64(seed: seed, label: "site/\(community)")
        centreLatitude = Self.baseLatitude + rng.uniform(-Self.spreadDegrees...Self.spreadDegrees)
        centreLongitude = Self.baseLongitude + rng.uniform(-Self.spreadDegrees...Self.spreadDegrees)
        self.buildingCount = max(1, buildingCount)
        gridCount = self.buildingCount == 1 ? 1 : min(4, max(2, (self.buildingCount + 1) / 2))
        buildingsPerRow = Int(Double(self.buildingCount).squareRoot().rounded(.up))
        nudges = (0..<self.buildingCount).map { _ in (rng.uniform(-3...3), rng.uniform(-3...3)) }
    }

    /// The grid of building `number` (1-based): `G1` for the first block of buildings.
    func grid(building number: Int) -> String {
        let index = min(max(number - 1, 0), buildingCount - 1)
        return "G\(index * gridCount / buildingCount + 1)"
    }

    /// Where flat `flat` (1-based, on any floor: floors stack) of building `number` stands,
    /// rounded to 1e-6 degrees (about 0.1 m), as an installer's survey would write it.
    func position(building number: Int, flat: Int) -> (latitude: Double, longitude: Double) {
        let index = min(max(number - 1, 0), buildingCount - 1)
        let rows = (buildingCount + buildingsPerRow - 1) / buildingsPerRow
        let row = Double(index / buildingsPerRow) - Double(rows - 1) / 2
        let column = Double(index % buildingsPerRow) - Double(buildingsPerRow - 1) / 2
        // Building 1 at the north-west corner, numbers running east along a row, rows southwards.
        let north = -row * Self.rowSpacingMetres + nudges[index].0
        let east = column * Self.buildingSpacingMetres + nudges[index].1 + (flat <= 1 ? -1 : 1) * Self.flatOffsetMetres
        let latitude = centreLatitude + north / Self.metresPerDegree
        let longitude = centreLongitude + east / (Self.metresPerDegree * cos(centreLatitude * .pi / 180))
        return (Self.micro(latitude), Self.micro(longitude))
    }

    private static func micro(_ degrees: Double) -> Double { (degrees * 1_000_000).rounded() / 1_000_000 }
}
