import Devices
import Formats
import Foundation
import Logging
import PostgresStorage
import Storage
import Yams

/// Which store the gateway and its commands open: the SQLite file (`storage.database`,
/// the embedded default) or, when `storage.url` or `--store` names one, PostgreSQL.
extension GatewayConfig {
    /// Reads `storage.url` and `storage.password_file`, reporting a URL that does not parse at
    /// its line and column; a password written in the URL is refused there (it belongs in a file
    /// or `PGPASSWORD`, never only in the YAML).
    mutating func readStoreURL(_ storage: YAMLMapping, source: YAMLSource, resolve: (String) -> String, diagnostics: inout DiagnosticList) {
        if let value = storage.string("url", diagnostics: &diagnostics) {
            do {
                let url = try PostgresURL(parsing: value)
                if url.password != nil {
                    diagnostics.append(source.diagnostic(at: storage["url"], "storage.url must not hold a password: use storage.password_file or PGPASSWORD"))
                } else {
                    storageURL = value
                }
            } catch {
                diagnostics.append(source.diagnostic(at: storage["url"], "\(error)"))
            }
        }
        if let value = storage.string("password_file", diagnostics: &diagnostics) { storagePasswordFile = resolve(value) }
    }

    /// This instance's name: `--instance`, `cluster.instance`, else host name and pid.
    public var resolvedInstanceName: String {
        instanceName ?? "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)"
    }

    /// Whether the store is PostgreSQL.
    public var usesPostgres: Bool { storageURL != nil }

    /// Where the store is, safe to print (no password).
    public var storeLocation: String {
        guard let storageURL else { return databasePath }
        return (try? PostgresURL(parsing: storageURL).redacted) ?? PostgresURL.redact(storageURL)
    }

    /// Opens the configured store. `migrate` false: a command that only reads refuses a store
    /// whose schema is behind instead of changing it. `running`: a gateway's ingest, whose
    /// SQLite log is copied back on a thread of its own (`WALCheckpointer`).
    public func openStore(migrate: Bool = true, running: Bool = false, logger: Logger = Logger(label: "gridwatch.store")) throws -> any GatewayStore {
        guard let storageURL else { return try GatewayDatabase(path: databasePath, checkpoints: running ? WALCheckpointer.Settings() : nil) }
        return try PostgresStore(url: try PostgresURL(parsing: storageURL), password: try storagePassword(), instance: resolvedInstanceName,
                                 migrate: migrate, logger: logger)
    }

    /// The store's password from `storage.password_file` (trailing newline removed), else nil
    /// (the store then reads `PGPASSWORD`).
    func storagePassword() throws -> String? {
        guard let storagePasswordFile else { return nil }
        do {
            return try String(contentsOfFile: storagePasswordFile, encoding: .utf8).trimmingCharacters(in: .newlines)
        } catch {
            throw GatewayError("cannot read storage.password_file \(storagePasswordFile): \(error.localizedDescription)")
        }
    }
}
