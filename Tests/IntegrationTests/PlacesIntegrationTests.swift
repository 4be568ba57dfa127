import Devices
import Formats
import Foundation
import Testing

/// Grids and positions end to end: `devices import` reports every bad place at its cell and
/// counts a moved unit as updated, `devices list --grid` filters, and a live gateway serves
/// its inventory's site plan and the devices' places over the API.
@Suite(.serialized) struct PlacesIntegrationTests {
    @Test func importListAndShowCarryGridsAndPositions() throws {
        let directory = try TestPaths.temporaryDirectory("places-cli")
        let config = try CommandLineTests.writeConfig(in: directory)
        try """
        id,type,community,building,unit,resident,installed,grid,lat,lon
        door-x1,door,north,b09,0901,,,G1,32.0601,118.7801
        door-x2,door,north,b09,0902,,,G1,32.0601,
        door-x3,door,north,b10,0901,,,G2,91,118.7801
        """.write(toFile: directory + "/bad.csv", atomically: true, encoding: .utf8)
        let bad = try CommandLineTests.gridwatch(["devices", "import", directory + "/bad.csv", "--config", config], in: directory)
        #expect(bad.status != 0)
        #expect(bad.output.contains("bad.csv:3:42: error: 'lon' must be given with 'lat'"), "\(bad.output)")
        #expect(bad.output.contains("bad.csv:4:34: error: 'lat' 91 is outside -90...90"), "\(bad.output)")
        #expect(bad.output.contains("nothing imported: 2 error(s)"), "\(bad.output)")

        var good = """
        id,type,community,building,unit,resident,installed,grid,lat,lon
        door-x1,door,north,b09,0901,,,G1,32.0601,118.7801
        door-x2,door,north,b10,0901,,,G2,32.0606,118.7806
        door-x3,door,north,b10,0902,,,,,
        """
        try good.write(toFile: directory + "/good.csv", atomically: true, encoding: .utf8)
        let imported = try CommandLineTests.gridwatch(["devices", "import", directory + "/good.csv", "--config", config], in: directory)
        #expect(imported.output.contains("3 new, 0 updated, 0 unchanged"), "\(imported.output)")
        good = good.replacingOccurrences(of: "G2,32.0606,118.7806", with: "G2,32.0607,118.7806")
        try good.write(toFile: directory + "/good.csv", atomically: true, encoding: .utf8)
        let again = try CommandLineTests.gridwatch(["devices", "import", directory + "/good.csv", "--config", config], in: directory)
        #expect(again.output.contains("0 new, 1 updated, 2 unchanged"), "\(again.output)")

        let listed = try CommandLineTests.gridwatch(["devices", "list", "--config", config, "--grid", "G2", "--format", "json"], in: directory)
        #expect(try JSONParser.parse(Array(listed.output.utf8)) == .array([.object([
            "id": .string("door-x2"), "type": .string("door"), "community": .string("north"), "building": .string("b10"),
            "unit": .string("0901"), "resident": .string(""), "installed": .string(""), "grid": .string("G2"),
            "lat": .double(32.0607), "lon": .double(118.7806), "source": .string("import"), "last_seen_at": .null, "availability": .null,
        ])]), "\(listed.output)")
        let shown = try CommandLineTests.gridwatch(["devices", "show", "--config", config, "door-x3", "--format", "json"], in: directory)
        guard case let .object(unplaced) = try JSONParser.parse(Array(shown.output.utf8)) else {
            Issue.record("devices show: \(shown.output)")
            return
        }
        #expect(unplaced["grid"] == .string("") && unplaced["lat"] == .null && unplaced["lon"] == .null, "\(shown.output)")
        let text = try CommandLineTests.gridwatch(["devices", "list", "--config", config, "--community", "north"], in: directory)
        #expect(text.output.contains("door-x1\tdoor\tnorth\tb09\t0901\tG1\t") && text.output.contains("door-x3\tdoor\tnorth\tb10\t0902\t-\t"),
                "\(text.output)")
    }

    @Test func theGatewayServesSitePlansAndDevicePlaces() throws {
        let directory = try TestPaths.temporaryDirectory("places-api")
        let broker = try TestBroker(directory: directory)
        defer { broker.stop() }
        let config = try CommandLineTests.writeConfig(in: directory, inventory: TestPaths.repository + "/devices/district-3.csv")
        let gateway = TestGateway(broker: broker, directory: directory, configPath: config)
        let viewer = try createToken(name: "screen", role: "viewer", config: config, directory: directory)
        try gateway.start()
        defer { _ = gateway.terminate() }
        let api = APIClient(port: gateway.httpPort)

        // Without a community: the first by name (hexi, buildings b01 and b02, one grid each).
        let first = api.object("GET", "/api/v1/site", token: viewer)
        #expect(first.status == 200 && first.object["community"] as? String == "hexi", "\(first)")
        let buildings = first.object["buildings"] as? [[String: Any]] ?? []
        #expect(buildings.map { $0["building"] as? String } == ["b01", "b02"] && buildings.map { $0["grid"] as? String } == ["G1", "G2"])
        #expect(buildings.allSatisfy { ($0["units"] as? Int ?? 0) > 10 && $0["lat"] is Double && $0["lon"] is Double }, "\(buildings)")
        let grids = first.object["grids"] as? [[String: Any]] ?? []
        #expect(grids.map { $0["grid"] as? String } == ["G1", "G2"] && grids.map { $0["buildings"] as? [String] } == [["b01"], ["b02"]])
        let bounds = first.object["bounds"] as? [String: Double] ?? [:]
        #expect((bounds["min_lat"] ?? 99) < (bounds["max_lat"] ?? -99) && (bounds["min_lon"] ?? 999) < (bounds["max_lon"] ?? -999), "\(bounds)")

        let qingshan = api.object("GET", "/api/v1/site?community=qingshan", token: viewer)
        #expect(qingshan.status == 200 && (qingshan.object["buildings"] as? [[String: Any]])?.map { $0["building"] as? String } == ["b05", "b06"])
        let unknown = api.call("GET", "/api/v1/site?community=atlantis", token: viewer)
        #expect(unknown.status == 404 && unknown.body.contains("\"error\"") && unknown.body.contains("atlantis"), "\(unknown)")
        #expect(api.call("GET", "/api/v1/site", token: nil).status == 401)

        // Devices carry their place and filter by grid; a unit's position is no personal data.
        let inGrid = api.object("GET", "/api/v1/devices?community=lanyuan&grid=G2", token: viewer).object["devices"] as? [[String: Any]] ?? []
        #expect(!inGrid.isEmpty && inGrid.allSatisfy { $0["building"] as? String == "b04" && $0["grid"] as? String == "G2" })
        let device = api.object("GET", "/api/v1/devices/door-b01-0101", token: viewer).object
        #expect(device["grid"] as? String == "G1" && device["lat"] is Double && device["lon"] is Double, "\(device)")
    }
}
