import Foundation
import PostgresStorage
import Storage
import TestServers
import Testing

/// The two engines behind the store seam; every storage test runs on each.
enum StoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres

    var testDescription: String { rawValue }
}

/// A fresh, empty store of one kind: a SQLite file in the temporary directory, or a new
/// database on the test process's PostgreSQL server. `reopen` opens the same data again,
/// as a restarted gateway would.
struct TestStore {
    let kind: StoreKind
    /// The SQLite path or the PostgreSQL URL.
    let location: String
    let store: any GatewayStore

    init(_ kind: StoreKind, name: String = "store") throws {
        self.kind = kind
        switch kind {
        case .sqlite:
            location = FileManager.default.temporaryDirectory.appendingPathComponent("gw-\(name)-\(UUID().uuidString).db").path
        case .postgres:
            location = try TestPostgres.shared().createDatabase(name)
        }
        store = try Self.open(kind, location)
    }

    static func open(_ kind: StoreKind, _ location: String) throws -> any GatewayStore {
        switch kind {
        case .sqlite: try GatewayDatabase(path: location)
        case .postgres: try PostgresStore(urlText: location)
        }
    }

    func reopen() throws -> any GatewayStore { try Self.open(kind, location) }

    /// Deletes a SQLite file; a PostgreSQL database goes with the server at the end of the run.
    func remove() {
        guard kind == .sqlite else { return }
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: location + suffix) }
    }
}
