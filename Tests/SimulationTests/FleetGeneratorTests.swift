import Formats
import Foundation
import Testing
import Simulation

/// The generated community layout, its ids and its inventory CSV.
@Suite("Fleet generator and inventory")
struct FleetGeneratorTests {
    @Test func demoCommunityLayout() {
        let fleet = FleetGenerator.community(devices: 300, community: "demo")
        #expect(fleet.count == 300)
        #expect(Set(fleet.map(\.id)).count == 300, "ids are unique")
        #expect(Set(fleet.map(\.building)) == ["b01", "b02", "b03", "b04", "b05", "b06"])
        let byType = Dictionary(grouping: fleet, by: \.type).mapValues(\.count)
        #expect(Set(byType.keys) == ["door", "smoke", "water_meter", "wristband"])
        // Every unit has a door sensor and (except possibly the last, cut short) a water meter.
        let units = Dictionary(grouping: fleet) { "\($0.building)/\($0.unit)" }
        #expect(units.values.allSatisfy { $0.contains { $0.type == "door" } })
        #expect(units.values.filter { !$0.contains { $0.type == "water_meter" } }.count <= 1)
        #expect(byType["smoke", default: 0] > byType["door", default: 0] / 2)
        #expect(byType["wristband", default: 0] < byType["door", default: 0])
        #expect(fleet.first?.id == "door-b01-0101")
        #expect(fleet.allSatisfy { $0.community == "demo" })
    }

    @Test func generationIsDeterministicAndSeeded() {
        #expect(FleetGenerator.community(devices: 500, seed: 3) == FleetGenerator.community(devices: 500, seed: 3))
        #expect(FleetGenerator.community(devices: 500, seed: 3) != FleetGenerator.community(devices: 500, seed: 4))
        #expect(FleetGenerator.community(devices: 0).isEmpty)
        #expect(Set(FleetGenerator.community(devices: 5_000, buildings: 20).map(\.id)).count == 5_000)
    }

    @Test func inventoryRows() {
        let rows = FleetGenerator.inventory(devices: 300)
        for row in rows {
            switch row.device.type {
            case "door", "wristband":
                #expect(row.resident.hasPrefix("R-\(row.device.building.dropFirst())-\(row.device.unit)-"))
            default:
                #expect(row.resident.isEmpty)
            }
            #expect(row.installed.count == 10)
            #expect(CaptureTime.date(from: row.installed + "T00:00:00Z") != nil)
            #expect(row.installed >= "2023-03-01" && row.installed <= "2025-10-31")
        }
        let second = rows.first { $0.device.id.hasSuffix("-2") }
        #expect(second?.resident.hasSuffix("-2") == true)
    }

    @Test func csvHasHeaderAndQuotesWhenNeeded() {
        let csv = FleetGenerator.inventoryCSV(devices: 10)
        let lines = csv.split(separator: "\n")
        #expect(lines.first == "id,type,community,building,unit,resident,installed,grid,lat,lon")
        #expect(lines.count == 11)
        #expect(lines.dropFirst().allSatisfy { $0.split(separator: ",", omittingEmptySubsequences: false).count == 10 })
        let odd = InventoryRow(
            device: FleetDevice(id: "x", type: "door", community: "a,b", building: "1", unit: "say \"hi\""),
            resident: "", installed: "2025-01-01")
        #expect(odd.csvLine == #"x,door,"a,b",1,"say ""hi""",,2025-01-01,,,"#)
        let placed = InventoryRow(device: FleetDevice(id: "y", type: "door", community: "c", building: "b01", unit: "0101", grid: "G1",
                                                      latitude: 32.060233, longitude: 118.779443), resident: "", installed: "")
        #expect(placed.csvLine == "y,door,c,b01,0101,,,G1,32.060233,118.779443")
    }
}
