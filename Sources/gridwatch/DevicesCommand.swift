import ArgumentParser
import Devices
import Formats
import Foundation
import Maintenance
import Storage

/// `gridwatch devices import|list|show`.
struct DevicesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "devices", abstract: "The device inventory.",
                                                    subcommands: [Import.self, List.self, Show.self, Forget.self])

    /// Adds or updates devices from a CSV inventory; a file with any error imports nothing.
    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add or update devices from a CSV (id,type,community,building,unit,resident,installed,grid,lat,lon).")
        @OptionGroup var store: StoreOptions
        @Argument(help: "CSV file.") var file: String

        func run() throws {
            let config = try store.loadConfig()
            var diagnostics = DiagnosticList()
            let catalog = DeviceTypeCatalog.load(directory: config.deviceTypesPath, diagnostics: &diagnostics)
            let devices = Inventory.load(path: file, catalog: catalog, diagnostics: &diagnostics)
            for diagnostic in diagnostics.items { FileHandle.standardError.write(Data((diagnostic.description + "\n").utf8)) }
            if diagnostics.hasErrors {
                FileHandle.standardError.write(Data("nothing imported: \(diagnostics.errors.count) error(s)\n".utf8))
                throw ExitCode(1)
            }
            let database = try store.openDatabase(create: true)
            let result = try database.upsertDevices(devices, source: "import", nowMs: Int64(Date().timeIntervalSince1970 * 1000))
            print("imported \(devices.count) devices: \(result.inserted) new, \(result.updated) updated, \(devices.count - result.inserted - result.updated) unchanged")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List devices.")
        @OptionGroup var store: StoreOptions
        @Option(help: "Only this type.") var type: String?
        @Option(help: "Only this community.") var community: String?
        @Option(help: "Only this building.") var building: String?
        @Option(help: "Only this grid.") var grid: String?
        @Option(help: "text or json.") var format: OutputFormat = .text

        func run() throws {
            let devices = try store.openDatabase().devices(type: type, community: community, building: building, grid: grid)
            switch format {
            case .json: print(JSONValue.array(devices.map(DevicesCommand.json)).jsonText)
            case .text:
                for stored in devices {
                    let device = stored.device
                    print([device.id, device.type, device.community, device.building, device.unit, device.grid.isEmpty ? "-" : device.grid,
                           "last seen \(TimeText.text(milliseconds: stored.lastSeenAtMs))"].joined(separator: "\t"))
                }
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one device.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "Device id.") var id: String
        @Option(help: "text or json.") var format: OutputFormat = .text

        func run() throws {
            let database = try store.openDatabase()
            guard let stored = try database.device(id: id) else { throw CommandFailure("no device '\(id)'") }
            var object = DevicesCommand.json(stored)
            if case var .object(members) = object {
                members["readings"] = .int(Int64(try database.readingCount(device: id)))
                members["battery_forecast"] = try database.batteryForecasts(device: id)[id].map(DevicesCommand.json) ?? .null
                object = .object(members)
            }
            switch format {
            case .json: print(object.jsonText)
            case .text:
                guard case let .object(members) = object else { return }
                for key in members.keys.sorted() { print("\(key): \(members[key].map(Self.plain) ?? "")") }
            }
        }

        static func plain(_ value: JSONValue) -> String {
            if case let .string(text) = value { return text }
            return value.jsonText
        }
    }

    /// The maintenance round's latest forecast, as `GET /api/v1/devices/{id}` shows it.
    static func json(_ forecast: BatteryForecast) -> JSONValue {
        .object(["state": .string(forecast.state.rawValue), "computed_at": TimeText.format(milliseconds: forecast.computedAtMs),
                 "level": forecast.levelPercent.map { .double(($0 * 10).rounded() / 10) } ?? .null,
                 "drain_per_day": forecast.drainPerDay.map { .double(($0 * 100).rounded() / 100) } ?? .null,
                 "run_out_at": TimeText.format(milliseconds: forecast.runOutAtMs), "samples": .int(Int64(forecast.samples)),
                 "replaced_at": TimeText.format(milliseconds: forecast.replacedAtMs), "failure_level": .double(forecast.failurePercent)])
    }

    static func json(_ stored: StoredDevice) -> JSONValue {
        let device = stored.device
        return .object([
            "id": .string(device.id), "type": .string(device.type), "community": .string(device.community),
            "building": .string(device.building), "unit": .string(device.unit), "resident": .string(device.resident),
            "installed": .string(device.installed), "grid": .string(device.grid),
            "lat": device.latitude.map { .double($0) } ?? .null, "lon": device.longitude.map { .double($0) } ?? .null,
            "source": .string(stored.source),
            "last_seen_at": TimeText.format(milliseconds: stored.lastSeenAtMs),
            "availability": stored.availability.map { .string($0) } ?? .null,
        ])
    }
}
