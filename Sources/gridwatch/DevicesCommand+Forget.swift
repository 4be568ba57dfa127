import ArgumentParser
import Devices
import Formats
import Foundation
import Storage

extension DevicesCommand {
    /// Erases a device's stored data (a resident moved out, or asked to be forgotten).
    struct Forget: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Erase a device: its readings, roll-ups and rejected messages; personal values in its alerts and tickets.",
            discussion: "Alerts and tickets stay as the service record. Remove the device from the inventory CSV too, or the next start registers it again.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "Device id.") var id: String
        @Flag(help: "Really erase (without it, only say what would go).") var yes = false

        func run() throws {
            let config = try store.loadConfig()
            let database = try store.openDatabase()
            guard let stored = try database.device(id: id) else { throw CommandFailure("no device '\(id)'") }
            var diagnostics = DiagnosticList()
            let catalog = DeviceTypeCatalog.load(directory: config.deviceTypesPath, diagnostics: &diagnostics)
            let personal = catalog[stored.device.type]?.personalFields.sorted() ?? []
            guard yes else {
                print("would erase device \(id) (\(stored.device.type)) and its \(try database.readingCount(device: id)) readings; add --yes to do it")
                return
            }
            let deleted = try database.forgetDevice(id, personalFields: personal)
            print("erased device \(id): \(deleted) rows deleted; personal fields (\(personal.joined(separator: ", "))) removed from its alerts and tickets")
        }
    }
}
