import Foundation
import GRDB
@testable import Storage

/// A SQLite file migrated only up to an earlier migration and filled by `fill`, as a gateway of
/// that time left it: the next `GatewayDatabase(path:)` runs the later migrations on it.
struct EarlierSchemaFile {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("gw-earlier-\(UUID().uuidString).db").path

    init(migratedUpTo migration: String, fill: (GRDB.Database) throws -> Void) throws {
        let pool = try DatabasePool(path: path)
        try GatewayDatabase.migrator.migrate(pool, upTo: migration)
        try pool.write(fill)
    }

    func remove() {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }
}
