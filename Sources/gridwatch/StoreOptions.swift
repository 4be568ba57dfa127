import ArgumentParser
import Foundation

/// Options every database-reading command shares (docs/design.md §1.1: `--db PATH` and `--config FILE`).
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: "Configuration file (default config/gridwatch.yaml when it exists).")
    var config: String?

    @Option(name: .long, help: "SQLite database (default: the configuration's storage.database).")
    var db: String?

    @Option(name: .long, help: "PostgreSQL store URL postgresql://USER@HOST:PORT/DATABASE (default: the configuration's storage.url; password from storage.password_file or PGPASSWORD).")
    var store: String?

    /// The configuration path to use, if any.
    var configPath: String? {
        if let config { return config }
        return FileManager.default.fileExists(atPath: "config/gridwatch.yaml") ? "config/gridwatch.yaml" : nil
    }
}
