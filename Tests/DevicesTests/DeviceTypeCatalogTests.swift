import Devices
import Formats
import Foundation
import Testing

/// Device type files, the inventory and topic layouts: good input loads, bad input is
/// reported with every error at its line and column.
@Suite struct DeviceTypeCatalogTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func shippedTypesLoad() {
        var diagnostics = DiagnosticList()
        let catalog = DeviceTypeCatalog.load(directory: Self.repositoryRoot.appendingPathComponent("devices").path, diagnostics: &diagnostics)
        #expect(diagnostics.items.isEmpty, "\(diagnostics.items)")
        #expect(catalog.names == ["building_gateway", "door", "smoke", "water_meter", "wristband"])
        #expect(catalog["wristband"]?.reportingInterval == 60)
        #expect(catalog["wristband"]?.personalFields == ["hr_bpm", "spo2", "lat", "lon", "skin_temp_c"])
        #expect(catalog["door"]?.fields["event"]?.values.contains("forced_open") == true)
        #expect(catalog["smoke"]?.selfTestInterval == 30 * 86_400.0, "\(String(describing: catalog["smoke"]?.selfTestInterval))")
        #expect(catalog["door"]?.selfTestInterval == nil)
        #expect(catalog["wristband"]?.rechargeable == true && catalog["smoke"]?.rechargeable == false, "a band is charged, not replaced")
    }

    @Test func selfTestIntervalMistakesHaveTheirPositions() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gw-types-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for (name, interval) in [("gas", "weekly"), ("heat", "10m")] {
            try "type: \(name)\nreporting_interval: 1h\nself_test_interval: \(interval)\nfields: {ppm: {type: number}}\n"
                .write(to: directory.appendingPathComponent("\(name).yaml"), atomically: true, encoding: .utf8)
        }
        try "type: band\nreporting_interval: 1m\nbattery: solar\nfields: {hr: {type: number}}\n"
            .write(to: directory.appendingPathComponent("band.yaml"), atomically: true, encoding: .utf8)
        var diagnostics = DiagnosticList()
        _ = DeviceTypeCatalog.load(directory: directory.path, diagnostics: &diagnostics)
        let lines = diagnostics.items.map { ($0.description as NSString).lastPathComponent }
        #expect(lines.contains { $0.hasPrefix("gas.yaml:3:21: error: 'self_test_interval' must be a duration") }, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("heat.yaml:3:21: error: self_test_interval (10m) is shorter than reporting_interval (1h)") }, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("heat.yaml:3:21: error: self_test_interval needs a bool field 'test'") }, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("band.yaml:3:10: error: battery must be replaceable (the default) or rechargeable, not 'solar'") }, "\(lines)")
    }

    @Test func everyErrorOfATypeFileIsReported() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gw-types-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try """
        type: gas
        reporting_interval: soon
        colour: red
        fields:
          ppm: {type: numbr, range: [0, 100]}
          alarm: {type: bool, range: [1, 0]}
          kind: {type: enum}
        """.write(to: directory.appendingPathComponent("gas.yaml"), atomically: true, encoding: .utf8)
        var diagnostics = DiagnosticList()
        _ = DeviceTypeCatalog.load(directory: directory.path, diagnostics: &diagnostics)
        let lines = diagnostics.items.map { "\($0.line):\($0.column): \($0.message)" }
        #expect(lines.contains { $0.hasPrefix("2:21: 'reporting_interval' must be a duration") }, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("3:1: unknown key 'colour'") }, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("5:15: unknown field type 'numbr'") }, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("6:30: 'range' must be [low, high]") }, "\(lines)")
        #expect(lines.contains { $0.contains("enum field 'kind' needs a non-empty 'values' list") }, "\(lines)")
        #expect(diagnostics.items.allSatisfy { $0.description.hasPrefix(directory.appendingPathComponent("gas.yaml").path + ":") })
    }

    @Test func yamlSyntaxErrorHasItsPosition() {
        var diagnostics = DiagnosticList()
        let source = YAMLSource.parse("type: door\nfields: {open: [\n", path: "x.yaml", into: &diagnostics)
        #expect(source.root == nil)
        #expect(diagnostics.items.count == 1)
        #expect(diagnostics.items.first?.description.hasPrefix("x.yaml:3:") == true, "\(diagnostics.items)")
    }

    @Test func inventoryReportsEveryBadRow() {
        var diagnostics = DiagnosticList()
        let catalog = DeviceTypeCatalog([DeviceType(name: "door", description: "", reportingInterval: 600, heartbeat: 1800, fields: [])])
        let devices = Inventory.parse("""
            id,type,community,building,unit,resident,installed
            door-1,door,demo,b01,0101,,2025-01-01
            door-2,fridge,demo,b01,0102,,2025-01-01
            door-1,door,demo,b01,0103,,2025-01-01
            door 4,door,demo,b01,0104,,14/03/2025
            ,door,demo,b01,0105,,
            door-6,door,demo
            "door-7",door,"demo, north",b02,0201,,
            """, path: "inv.csv", catalog: catalog, diagnostics: &diagnostics)
        #expect(devices.map(\.id) == ["door-1", "door-7"])
        #expect(devices.last?.community == "demo, north")
        let messages = diagnostics.items.map(\.description)
        #expect(messages.contains("inv.csv:3:8: error: unknown device type 'fridge' (known: door)"), "\(messages)")
        #expect(messages.contains("inv.csv:4:1: error: device 'door-1' is already listed on line 2"), "\(messages)")
        #expect(messages.contains { $0.hasPrefix("inv.csv:5:1: error: device id 'door 4'") }, "\(messages)")
        #expect(messages.contains { $0.hasPrefix("inv.csv:5:") && $0.contains("'installed' must be a date") }, "\(messages)")
        #expect(messages.contains("inv.csv:6:1: error: 'id' must not be empty"), "\(messages)")
        #expect(messages.contains("inv.csv:7:1: error: row has 3 columns, header has 7"), "\(messages)")
    }

    @Test func topicLayoutMatchesAndBuildsFilters() throws {
        let layout = try TopicLayout("gridwatch/{community}/{type}/{device}/telemetry")
        #expect(layout.subscriptionFilter == "gridwatch/+/+/+/telemetry")
        #expect(layout.match("gridwatch/demo/door/door-1/telemetry") == ["community": "demo", "type": "door", "device": "door-1"])
        #expect(layout.match("gridwatch/demo/door/door-1/status") == nil)
        #expect(layout.match("gridwatch/demo/door//telemetry") == nil)
        #expect(layout.match("gridwatch/demo/door/door-1/telemetry/extra") == nil)
        // A literal matches whole: not a part that starts with it, nor one it starts with.
        #expect(layout.match("gridwatch/demo/door/door-1/telemetryx") == nil)
        #expect(layout.match("gridwatch/demo/door/door-1/telemetr") == nil)
        #expect(layout.match("gridwatchx/demo/door/door-1/telemetry") == nil)
        let parts = layout.parts(of: "gridwatch/demo/door/door-1/telemetry")
        #expect(parts?.device == "door-1" && parts?.community == "demo" && parts?.type == "door" && parts?.building == nil)
        let chinese = try TopicLayout("社区/{community}/设备/{device}/遥测")
        #expect(chinese.match("社区/东苑/设备/门-1/遥测") == ["community": "东苑", "device": "门-1"])
        #expect(chinese.match("社区/东苑/设备/门-1/遥") == nil)
        #expect(chinese.match("社区/东苑/设/门-1/遥测") == nil)
        // An empty literal segment matches only an empty part.
        let gap = try TopicLayout("a//{device}")
        #expect(gap.match("a//x") == ["device": "x"])
        #expect(gap.match("a/b/x") == nil)
        // Every capture fills its own part, whatever the order of the segments.
        let placed = try TopicLayout("site/{building}/{device}/{community}/{type}")
        #expect(placed.match("site/b7/door-9/demo/door") == ["community": "demo", "type": "door", "device": "door-9", "building": "b7"])
        #expect(throws: TopicLayoutError.self) { try TopicLayout("gridwatch/{room}/{device}") }
        #expect(throws: TopicLayoutError.self) { try TopicLayout("gridwatch/+/{type}") }
    }

    @Test func durationsAndSizes() {
        #expect(DurationText.seconds("45s") == 45)
        #expect(DurationText.seconds("1h30m") == 5400)
        #expect(DurationText.seconds("500ms") == 0.5)
        #expect(DurationText.seconds("3d") == 259_200)
        #expect(DurationText.seconds("soon") == nil)
        #expect(DurationText.seconds("5") == 5)
        #expect(DurationText.format(5400) == "1h30m")
        #expect(DurationText.bytes("16KiB") == 16_384)
        #expect(DurationText.bytes("1GiB") == 1 << 30)
        #expect(DurationText.bytes("lots") == nil)
    }
}
