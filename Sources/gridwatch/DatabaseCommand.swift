import ArgumentParser
import Foundation
import PostgresStorage
import Storage

/// `gridwatch db`: the store's schema, and moving a single node into a cluster.
struct DatabaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "db", abstract: "The store: migrate a SQLite file or a PostgreSQL store, or copy a SQLite file into PostgreSQL.",
                                                    subcommands: [Migrate.self, Copy.self])

    /// `gridwatch db migrate [--store URL | --db PATH]`: brings the store to this binary's schema
    /// (instances also migrate at start; this lets an operator do it first, and see the result).
    struct Migrate: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create or upgrade the store's schema to this gridwatch's version.")
        @OptionGroup var store: StoreOptions

        func run() throws {
            let database = try store.openDatabase(create: true)
            if let postgres = database as? PostgresStore {
                print("\(postgres.location): schema \(try postgres.schemaVersions().joined(separator: ", "))")
            } else {
                print("\(database.location): schema up to date")
            }
        }
    }
}
