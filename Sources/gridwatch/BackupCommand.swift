import ArgumentParser
import Devices
import Foundation
import Storage

/// `gridwatch backup PATH`: a consistent copy of the live database.
struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "backup", abstract: "Copy the live database consistently (SQLite online backup).")
    @OptionGroup var store: StoreOptions
    @Argument(help: "Destination file.") var path: String

    func run() throws {
        guard !FileManager.default.fileExists(atPath: path) else { throw CommandFailure("\(path) exists; refusing to overwrite") }
        try store.openDatabase().backup(to: path)
        print("backed up to \(path)")
    }
}
