import ArgumentParser
import Devices
import Formats
import Foundation
import Gateway
import Logging
import MQTT
import Simulation

/// `gridwatch simulate`: the community's digital twin, published to a broker or written to
/// a capture file.
struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Publish a realistic device fleet to a broker, or write it to a capture file.",
        discussion: """
            Devices come from the inventory (--inventory, or the configuration's) unless --devices N asks for a
            synthetic community of N devices (write its inventory with --write-inventory to import it).
            Anomalies: --inject KIND[:DEVICE]@OFFSET[+DURATION], KIND one of \(AnomalyKind.allCases.map(\.rawValue).joined(separator: ", ")).
            Staff (--staff, or the --config file's staff.roster) report positions on gridwatch/{community}/staff/{id}/location;
            when publishing, they walk to the tickets the gateway assigns them (read from gridwatch/+/alerts/+).
            """)

    @Option(name: .long, help: "Configuration file (for the inventory, broker URL and staff roster).") var config: String?
    @Option(name: .long, help: "Inventory CSV of the devices to simulate.") var inventory: String?
    @Option(name: .long, help: "Simulate a synthetic community of this many devices instead.") var devices: Int?
    @Option(name: .long, help: "Community name for --devices.") var community: String = "demo"
    @Option(name: .customLong("write-inventory"), help: "Write the simulated fleet's inventory CSV here.") var writeInventory: String?
    @Option(name: .long, help: "Random seed (same seed, same fleet and messages).") var seed: UInt64 = 1
    @Option(name: .long, help: "Simulated start time, RFC 3339 (default: now).") var start: String?
    @Option(name: .long, help: "Stop after this much simulated time (e.g. 24h).") var duration: String?
    @Option(name: .long, help: "Stop after this many device messages (staff positions come on top).") var count: Int?
    @Option(name: .long, help: "Write a capture file (JSON lines) instead of publishing.") var output: String?
    @Option(name: .customLong("mqtt-url"), help: "Broker URL (default: the configuration's, else mqtt://127.0.0.1:1883).") var mqttURL: String?
    @Option(name: .customLong("client-id"), help: "MQTT client id (persistent session).") var clientID: String = "gridwatch-simulator"
    @Option(name: .long, help: "Publish at this many messages per second, ignoring simulated time (0 = as fast as possible).") var rate: Double?
    @Option(name: .long, help: "Simulated seconds per real second when publishing (default 1: real time).") var speed: Double = 1
    @Option(name: .long, parsing: .singleValue, help: "Inject an anomaly, e.g. smoke@10m, fall:wb-b01-0101@2h, silence@1h+6h.") var inject: [String] = []
    @Option(name: .customLong("malformed-fraction"), help: "Fraction (0-1) of messages turned into garbage.") var malformedFraction: Double = 0
    @Option(name: .long, help: "Staff roster CSV (id,name,team,grids,skills,phone,lat,lon) whose people walk to their tickets (default: the --config file's staff.roster).")
    var staff: String?
    @Flag(name: .customLong("no-staff"), help: "Simulate no staff, even if the configuration names a roster.") var noStaff = false
    @Option(name: .customLong("device-clock"), help: "When publishing: 'wall' stamps ts with the real time of sending (a sped-up twin still looks like healthy clocks), 'simulated' keeps simulated time.")
    var deviceClock: DeviceClock = .wall

    /// Which clock the devices' `ts` shows when publishing live.
    enum DeviceClock: String, ExpressibleByArgument, CaseIterable { case wall, simulated }

    func run() throws {
        let startDate = try start.map { text -> Date in
            guard let date = RFC3339.parse(text) else { throw ValidationError("--start must be RFC 3339, e.g. 2026-11-22T08:00:00+08:00") }
            return date
        } ?? Date()
        let fleet = try loadFleet()
        guard !fleet.isEmpty else { throw CommandFailure("no devices to simulate") }
        if let writeInventory {
            let lines = [Inventory.columns.joined(separator: ",")] + fleet.map { device in
                Inventory.csvLine(Device(id: device.id, type: device.type, community: device.community, building: device.building, unit: device.unit,
                                         grid: device.grid, latitude: device.latitude, longitude: device.longitude))
            }
            try (lines.joined(separator: "\n") + "\n").write(toFile: writeInventory, atomically: true, encoding: .utf8)
        }
        let anomalies = try inject.map { spec in
            do { return try AnomalyParser.parse(spec, start: startDate) } catch { throw ValidationError("--inject \(spec): \(error)") }
        }
        let simulator = FleetSimulator(devices: fleet, start: startDate, seed: seed, anomalies: anomalies, malformedFraction: malformedFraction)
        var stream = TwinStream(fleet: simulator, staff: try loadStaff(fleet: fleet, startDate: startDate))
        let endDate = try duration.map { text -> Date in
            guard let seconds = DurationText.seconds(text) else { throw ValidationError("--duration must be like 24h or 90m") }
            return startDate.addingTimeInterval(seconds)
        }
        if let output {
            try writeCapture(&stream, to: output, until: endDate)
        } else {
            try publish(&stream, startDate: startDate, until: endDate)
        }
    }

    private func loadFleet() throws -> [FleetDevice] {
        if let devices { return FleetGenerator.community(devices: devices, community: community, seed: seed) }
        var path = inventory
        if path == nil, let configPath = config ?? (FileManager.default.fileExists(atPath: "config/gridwatch.yaml") ? "config/gridwatch.yaml" : nil) {
            var diagnostics = DiagnosticList()
            path = GatewayConfig.load(path: configPath, diagnostics: &diagnostics).inventoryPath
        }
        guard let path else { throw ValidationError("name the devices: --inventory FILE, --config FILE or --devices N") }
        var diagnostics = DiagnosticList()
        let devices = Inventory.load(path: path, catalog: nil, diagnostics: &diagnostics)
        if diagnostics.hasErrors { throw CommandFailure(diagnostics.errors.map(\.description).joined(separator: "\n")) }
        return devices.map {
            FleetDevice(id: $0.id, type: $0.type, community: $0.community, building: $0.building, unit: $0.unit, grid: $0.grid,
                        latitude: $0.latitude, longitude: $0.longitude)
        }
    }

    private func writeCapture(_ stream: inout TwinStream, to path: String, until endDate: Date?) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw CommandFailure("cannot write \(path)")
        }
        defer { try? handle.close() }
        var written = 0
        var staffWritten = 0
        var buffer = ""
        while count.map({ stream.deviceMessageCount < $0 }) ?? true, let item = stream.next() {
            if let endDate, item.message.at >= endDate { break }
            buffer += CaptureLine.encode(item.message)
            buffer += "\n"
            written += 1
            if item.isStaff { staffWritten += 1 }
            if buffer.utf8.count > 1 << 20 {
                handle.write(Data(buffer.utf8))
                buffer = ""
            }
        }
        handle.write(Data(buffer.utf8))
        let staffNote = stream.staff == nil ? "" : " (\(staffWritten) staff positions)"
        FileHandle.standardError.write(Data("wrote \(written) messages\(staffNote) to \(path)\n".utf8))
    }
}
