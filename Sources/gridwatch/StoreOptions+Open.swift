import Devices
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

    /// Opens the database named by `--db` or the configuration.
    func openDatabase() throws -> GatewayDatabase {
        let path = try db ?? loadConfig().databasePath
        guard FileManager.default.fileExists(atPath: path) else { throw CommandFailure("no database at \(path) (run `gridwatch run` first, or pass --db)") }
        return try GatewayDatabase(path: path)
    }
}

/// Times as the contract writes them: RFC 3339 with the local offset.
enum TimeText {
    static func format(milliseconds: Int64?) -> JSONValue {
        guard let milliseconds else { return .null }
        return .string(RFC3339.format(milliseconds: milliseconds, timeZone: .current))
    }

    static func text(milliseconds: Int64?) -> String {
        milliseconds.map { RFC3339.format(milliseconds: $0, timeZone: .current) } ?? "-"
    }
}
