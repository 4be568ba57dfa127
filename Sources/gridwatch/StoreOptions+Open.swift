import Devices
import Formats
import Foundation
import Gateway
import Storage

extension StoreOptions {
    /// The configuration as loaded (defaults when there is no file), failing on its errors.
    func loadConfig() throws -> GatewayConfig {
        guard let configPath else {
            var config = GatewayConfig(configPath: "")
            config.deviceTypesPath = "devices"
            return config
        }
        var diagnostics = DiagnosticList()
        let config = GatewayConfig.load(path: configPath, diagnostics: &diagnostics)
        if diagnostics.hasErrors { throw CommandFailure(diagnostics.errors.map(\.description).joined(separator: "\n")) }
        return config
    }

    /// The configuration's store, or the one `--db` (a SQLite file) or `--store` (PostgreSQL,
    /// password from `PGPASSWORD`) names: given either, the configuration is not read, so a
    /// command on a named store works whatever the configuration file holds.
    func storeConfig() throws -> GatewayConfig {
        guard db != nil || store != nil else { return try loadConfig() }
        var config = GatewayConfig(configPath: "")
        if let db { config.databasePath = db }
        config.storageURL = store
        return config
    }

    /// Opens the store named by `--store`, `--db` or the configuration; a missing SQLite file
    /// is an error here (only `gridwatch run` creates one).
    func openDatabase(create: Bool = false) throws -> any GatewayStore {
        let config = try storeConfig()
        if !config.usesPostgres, !create, !FileManager.default.fileExists(atPath: config.databasePath) {
            throw CommandFailure("no database at \(config.databasePath) (run `gridwatch run` first, or pass --db or --store)")
        }
        do {
            // Only a command that creates (run, db migrate, token create, devices import)
            // migrates a PostgreSQL store: a newer binary's `tickets list` must not upgrade a
            // production schema under older running instances.
            return try config.openStore(migrate: create)
        } catch {
            throw CommandFailure("\(error)")
        }
    }
}
