import Foundation
import Simulation
import Testing

/// Generated communities stand somewhere plausible: every unit in a grid and placed, grids as
/// contiguous blocks of buildings, a building's flats metres apart and neighbouring buildings
/// tens of metres, all from the seed, and the fleet itself as it was before places existed.
@Suite struct SiteLayoutTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Metres between two positions (equirectangular: plenty within a compound).
    static func metres(_ a: (Double, Double), _ b: (Double, Double)) -> Double {
        let north = (a.0 - b.0) * 111_195
        let east = (a.1 - b.1) * 111_195 * cos(a.0 * .pi / 180)
        return (north * north + east * east).squareRoot()
    }

    static func centres(_ fleet: [FleetDevice]) -> [String: (Double, Double)] {
        Dictionary(grouping: fleet, by: \.building).mapValues { devices -> (Double, Double) in
            let count = Double(devices.count)
            let latitude: Double = devices.compactMap(\.latitude).reduce(0, +) / count
            let longitude: Double = devices.compactMap(\.longitude).reduce(0, +) / count
            return (latitude, longitude)
        }
    }

    @Test(arguments: [(300, 6, 3), (5_000, 100, 4), (60, 2, 2), (20, 1, 1)])
    func everyUnitIsPlacedInAContiguousGrid(devices: Int, buildings: Int, grids: Int) {
        let fleet = FleetGenerator.community(devices: devices, community: "demo")
        #expect(Set(fleet.map(\.building)).count == buildings)
        #expect(fleet.allSatisfy { !$0.grid.isEmpty && $0.latitude != nil && $0.longitude != nil })
        let buildingGrids = Dictionary(grouping: fleet, by: \.building).mapValues { Set($0.map(\.grid)) }
        #expect(buildingGrids.values.allSatisfy { $0.count == 1 }, "a building is in one grid")
        // In building number order (`b100` comes after `b99`, not after `b10`).
        let order = buildingGrids.keys.sorted { Int($0.dropFirst()) ?? 0 < Int($1.dropFirst()) ?? 0 }.compactMap { buildingGrids[$0]?.first }
        #expect(Set(order).count == grids)
        #expect(zip(order, order.dropFirst()).filter { $0 != $1 }.count == grids - 1, "contiguous: \(order)")
        for (building, devices) in Dictionary(grouping: fleet, by: \.building) {
            let spots = devices.map { ($0.latitude ?? 0, $0.longitude ?? 0) }
            #expect(spots.allSatisfy { Self.metres($0, spots[0]) < 15 }, "\(building)'s flats stand together")
        }
        let centres = Self.centres(fleet)
        for (name, centre) in centres {
            let nearest = centres.filter { $0.key != name }.map { Self.metres(centre, $0.value) }.min()
            #expect(nearest.map { (35...70).contains($0) } ?? (buildings == 1), "\(name): nearest neighbour \(nearest ?? 0) m")
        }
    }

    @Test func placesFollowTheSeedAndCommunitiesStandApart() {
        let demo = FleetGenerator.community(devices: 300, community: "demo", seed: 1)
        #expect(FleetGenerator.community(devices: 300, community: "demo", seed: 1) == demo)
        let reseeded = FleetGenerator.community(devices: 300, community: "demo", seed: 2)
        #expect(reseeded.map(\.latitude) != demo.map(\.latitude))
        let other = FleetGenerator.community(devices: 300, community: "hexi", seed: 1)
        let apart = Self.metres((demo[0].latitude ?? 0, demo[0].longitude ?? 0), (other[0].latitude ?? 0, other[0].longitude ?? 0))
        #expect(apart > 200, "two communities \(apart) m apart")
        // Near Nanjing, within a few kilometres.
        #expect(demo.allSatisfy { abs(($0.latitude ?? 0) - 32.06) < 0.04 && abs(($0.longitude ?? 0) - 118.78) < 0.04 })
    }

    /// Places come from a generator of their own: ids, types, residents and install dates are
    /// the ones the shipped demo inventory was generated with.
    @Test func theFleetIsUnchangedByPlaces() throws {
        let shipped = try String(contentsOf: Self.repositoryRoot.appendingPathComponent("devices/demo-community.csv"), encoding: .utf8)
        let shippedRows = shipped.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).prefix(7) }
        let generated = FleetGenerator.inventory(devices: 300).map { $0.csvLine.split(separator: ",", omittingEmptySubsequences: false).prefix(7) }
        #expect(generated.map { $0.joined(separator: ",") } == shippedRows.map { $0.joined(separator: ",") })
    }
}
