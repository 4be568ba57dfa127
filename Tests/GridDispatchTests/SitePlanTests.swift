import Devices
import GridDispatch
import Testing

/// The site plan drawn from an inventory: buildings at their units' mean (each unit counted
/// once however many devices it has), a building's grid by majority of its units, grids with
/// their buildings, the bounding box, and the gaps an inventory may have.
@Suite struct SitePlanTests {
    static func device(_ id: String, _ building: String, _ unit: String, grid: String = "", at position: (Double, Double)? = nil,
                       community: String = "demo") -> Device {
        Device(id: id, type: "door", community: community, building: building, unit: unit, grid: grid,
               latitude: position?.0, longitude: position?.1)
    }

    static let inventory: [Device] = [
        // b01: two units; the first has three devices at one spot, which must count once.
        device("door-b01-0101", "b01", "0101", grid: "G1", at: (32.0600, 118.7800)),
        device("smoke-b01-0101", "b01", "0101", grid: "G1", at: (32.0600, 118.7800)),
        device("wm-b01-0101", "b01", "0101", grid: "G1", at: (32.0600, 118.7800)),
        device("door-b01-0102", "b01", "0102", grid: "G1", at: (32.0602, 118.7804)),
        // b02: two units in G2, one in G1 (a boundary mistake): the building is G2's. One unit
        // has no position and adds nothing to the mean.
        device("door-b02-0101", "b02", "0101", grid: "G2", at: (32.0610, 118.7810)),
        device("door-b02-0102", "b02", "0102", grid: "G2"),
        device("door-b02-0201", "b02", "0201", grid: "G1", at: (32.0614, 118.7814)),
        // b03: nothing placed, no grid.
        device("door-b03-0101", "b03", "0101"),
        // A device without a building is in no building, but its position is in the box.
        device("gate-1", "", "", grid: "G1", at: (32.0590, 118.7790)),
        // Another community changes nothing here.
        device("door-b01-0101", "b01", "0101", grid: "G9", at: (31.0, 121.0), community: "hexi"),
    ]

    @Test func buildingsGridsAndBoundsOfOneCommunity() throws {
        let plan = SitePlan(community: "demo", devices: Self.inventory)
        #expect(plan.buildings.map(\.name) == ["b01", "b02", "b03"])
        #expect(plan.buildings.map(\.grid) == ["G1", "G2", ""])
        #expect(plan.buildings.map(\.units) == [2, 3, 1])
        let b01 = try #require(plan.buildings[0].position)
        #expect(abs(b01.latitude - 32.0601) < 1e-9 && abs(b01.longitude - 118.7802) < 1e-9)
        let b02 = try #require(plan.buildings[1].position)
        #expect(abs(b02.latitude - 32.0612) < 1e-9 && abs(b02.longitude - 118.7812) < 1e-9)
        #expect(plan.buildings[2].position == nil)
        #expect(plan.grids == [SitePlan.Grid(name: "G1", buildings: ["b01"]), SitePlan.Grid(name: "G2", buildings: ["b02"])])
        let bounds = try #require(plan.bounds)
        #expect(bounds == SitePlan.Bounds(minLatitude: 32.0590, minLongitude: 118.7790, maxLatitude: 32.0614, maxLongitude: 118.7814))
    }

    @Test func theSamePlanWhateverTheRowOrder() {
        let plan = SitePlan(community: "demo", devices: Self.inventory)
        #expect(SitePlan(community: "demo", devices: Self.inventory.reversed()) == plan)
        #expect(SitePlan(community: "demo", devices: Self.inventory.shuffled()) == plan)
    }

    @Test func aTieGoesToTheFirstGridByName() {
        let devices = [Self.device("a", "b01", "0101", grid: "G3"), Self.device("b", "b01", "0102", grid: "G2")]
        #expect(SitePlan(community: "demo", devices: devices).buildings.map(\.grid) == ["G2"])
        #expect(SitePlan(community: "demo", devices: devices.reversed()).buildings.map(\.grid) == ["G2"])
    }

    @Test func aCommunityWithoutPlacesHasNoBoundsAndAnUnknownOneIsEmpty() {
        let unplaced = SitePlan(community: "demo", devices: [Self.device("a", "b01", "0101")])
        #expect(unplaced.bounds == nil && unplaced.grids.isEmpty && unplaced.buildings.count == 1)
        let unknown = SitePlan(community: "nowhere", devices: Self.inventory)
        #expect(unknown.buildings.isEmpty && unknown.bounds == nil)
        #expect(SitePlan.communities(Self.inventory) == ["demo", "hexi"])
    }
}
