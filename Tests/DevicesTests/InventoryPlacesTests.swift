import Devices
import Formats
import Foundation
import Testing

/// The inventory's `grid`,`lat`,`lon` columns: every mistake at its cell (a golden file under
/// `Fixtures/inventory`; `GRIDWATCH_UPDATE_GOLDEN=1` rewrites it), exact round trips through
/// `csvLine`, old inventories without the columns, and the shipped demo inventories' site plans.
@Suite struct InventoryPlacesTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/inventory")
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func everyPlaceMistakeIsReportedAtItsCell() throws {
        let input = try String(contentsOf: Self.fixtures.appendingPathComponent("places-bad.csv"), encoding: .utf8)
        var diagnostics = DiagnosticList()
        let devices = Inventory.parse(input, path: "places-bad.csv", catalog: nil, diagnostics: &diagnostics)
        #expect(devices.map(\.id) == ["door-1", "door-9"])
        #expect(devices.map(\.grid) == ["G1", ""])
        #expect(devices.last?.latitude == -90 && devices.last?.longitude == -180)
        let actual = diagnostics.items.map(\.description).joined(separator: "\n") + "\n"
        let expectedURL = Self.fixtures.appendingPathComponent("places-bad.expected")
        if ProcessInfo.processInfo.environment["GRIDWATCH_UPDATE_GOLDEN"] == "1" {
            try actual.write(to: expectedURL, atomically: true, encoding: .utf8)
        }
        #expect(actual == (try String(contentsOf: expectedURL, encoding: .utf8)))
    }

    @Test func csvLinesReadBackToTheSameDevices() {
        let devices = [
            Device(id: "door-1", type: "door", community: "demo, north", building: "b01", unit: "0101", resident: "R-01-0101-1",
                   installed: "2025-01-01", grid: "G1", latitude: 32.060_123_456_789_01, longitude: 118.780_987_654_321),
            Device(id: "wm-1", type: "water_meter", community: "demo", building: "b02", unit: "0101", grid: "east, \"old\" block",
                   latitude: -0.000_000_1, longitude: 1e-7),
            Device(id: "smoke-1", type: "smoke", community: "demo", latitude: 90, longitude: -180),
            Device(id: "band-1", type: "wristband", community: "demo"),
        ]
        let text = ([Inventory.columns.joined(separator: ",")] + devices.map(Inventory.csvLine)).joined(separator: "\n") + "\n"
        var diagnostics = DiagnosticList()
        let read = Inventory.parse(text, path: "round.csv", catalog: nil, diagnostics: &diagnostics)
        #expect(diagnostics.items.isEmpty, "\(diagnostics.items)")
        #expect(read == devices)
        #expect(Inventory.csvLine(devices[2]) == "smoke-1,smoke,demo,,,,,,90.0,-180.0")
        #expect(Inventory.csvLine(devices[3]).hasSuffix(",,,"))
    }

    @Test func anInventoryWithoutPlaceColumnsStillReads() {
        var diagnostics = DiagnosticList()
        let devices = Inventory.parse("id,type,community,building,unit\ndoor-1,door,demo,b01,0101\n", path: "old.csv", catalog: nil,
                                      diagnostics: &diagnostics)
        #expect(diagnostics.items.isEmpty)
        #expect(devices == [Device(id: "door-1", type: "door", community: "demo", building: "b01", unit: "0101")])
    }

    /// The shipped inventories are a plausible site plan: every unit placed and in a grid, a
    /// community's grids 2 to 4 contiguous blocks, a building's units within a few metres, and
    /// neighbouring buildings tens of metres apart.
    @Test(arguments: ["demo-community.csv", "district-3.csv"]) func shippedInventoriesHaveASitePlan(_ file: String) throws {
        var diagnostics = DiagnosticList()
        let devices = Inventory.load(path: Self.repositoryRoot.appendingPathComponent("devices/\(file)").path, catalog: nil,
                                     diagnostics: &diagnostics)
        #expect(diagnostics.items.isEmpty, "\(diagnostics.items)")
        #expect(!devices.isEmpty)
        #expect(devices.allSatisfy { !$0.grid.isEmpty && $0.latitude != nil && $0.longitude != nil })
        for community in Set(devices.map(\.community)) {
            let members = devices.filter { $0.community == community }
            let buildings = Dictionary(grouping: members, by: \.building)
            let gridOrder = buildings.keys.sorted().map { buildings[$0]![0].grid }
            #expect((2...4).contains(Set(gridOrder).count), "\(community): \(gridOrder)")
            // Contiguous: in building order a grid, once left, never comes back.
            let runs = zip(gridOrder, gridOrder.dropFirst()).filter { $0 != $1 }.count + 1
            #expect(runs == Set(gridOrder).count, "\(community): \(gridOrder)")
            for (building, units) in buildings {
                #expect(Set(units.map(\.grid)).count == 1, "\(community)/\(building)")
                let spread = Self.metres(units.map { $0.latitude! }.max()! - units.map { $0.latitude! }.min()!,
                                         units.map { $0.longitude! }.max()! - units.map { $0.longitude! }.min()!, at: units[0].latitude!)
                #expect(spread < 20, "\(community)/\(building) spreads \(spread) m")
            }
            let centres = buildings.values.map { units in
                (units.map { $0.latitude! }.reduce(0, +) / Double(units.count), units.map { $0.longitude! }.reduce(0, +) / Double(units.count))
            }
            for (index, a) in centres.enumerated() {
                for b in centres[(index + 1)...] {
                    let apart = Self.metres(a.0 - b.0, a.1 - b.1, at: a.0)
                    #expect((30...1500).contains(apart), "\(community): buildings \(apart) m apart")
                }
            }
        }
    }

    /// An equirectangular distance: plenty for a compound a few hundred metres across.
    static func metres(_ deltaLatitude: Double, _ deltaLongitude: Double, at latitude: Double) -> Double {
        let metresPerDegree = 111_195.0
        let x = deltaLongitude * metresPerDegree * cos(latitude * .pi / 180)
        return (x * x + (deltaLatitude * metresPerDegree) * (deltaLatitude * metresPerDegree)).squareRoot()
    }
}
