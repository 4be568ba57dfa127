import Foundation
import Logging
import NIOConcurrencyHelpers
import PostgresNIO
import Storage

/// The store seam over PostgreSQL: what `GatewayDatabase` does on SQLite, on a server that
/// several gridwatch instances share (cluster mode). Same tables, same meanings; where
/// PostgreSQL differs (concurrent writers, partitioned readings) the differences are noted
/// where they are handled.
public final class PostgresStore: GatewayStore {
    public let url: PostgresURL
    /// This instance's name: the key of its journal cursor.
    public let instance: String
    let pool: PostgresConnectionPool
    let logger: Logger
    /// Readings partitions known to exist, as device-time ranges [from, to) in epoch ms.
    let knownPartitions = NIOLockedValueBox([Range<Int64>]())
    /// The connection holding this instance's name lock (cluster mode), outside the pool.
    let instanceSession = NIOLockedValueBox<PostgresSession?>(nil)

    public var location: String { url.redacted }

    /// Connects, checks the schema version and migrates (unless `migrate` is false, for the
    /// read-only commands: they then refuse a store that is not at this binary's version).
    public init(url: PostgresURL, password: String? = nil, instance: String = "gridwatch", migrate: Bool = true,
                logger: Logger = Logger(label: "gridwatch.postgres")) throws {
        self.url = url
        self.instance = instance
        self.logger = logger
        pool = PostgresConnectionPool(url: url, password: password ?? ProcessInfo.processInfo.environment["PGPASSWORD"], logger: logger)
        try pool.withSession { session in try Self.migrate(session, url: url, apply: migrate) }
    }

    /// Convenience for a URL string (`storage.url`, `--store`).
    public convenience init(urlText: String, password: String? = nil, instance: String = "gridwatch", migrate: Bool = true,
                            logger: Logger = Logger(label: "gridwatch.postgres")) throws {
        try self.init(url: try PostgresURL(parsing: urlText), password: password, instance: instance, migrate: migrate, logger: logger)
    }

    deinit { close() }

    /// Applies the migrations this store lacks, each in its own transaction, under a lock.
    static func migrate(_ session: PostgresSession, url: PostgresURL, apply: Bool) throws {
        try session.transaction { session in
            try session.query("SELECT pg_advisory_xact_lock($1)", [.int(PostgresSchema.migrationLockKey)])
            try session.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())")
            let applied = try session.query("SELECT version FROM schema_migrations").map { try $0.decode(String.self) }
            let known = Set(PostgresSchema.migrations.map(\.version))
            if let unknown = applied.first(where: { !known.contains($0) }) {
                throw PostgresStoreError("""
                    the store \(url.redacted) has schema version \(unknown), newer than this gridwatch knows \
                    (\(PostgresSchema.latestVersion)): upgrade gridwatch before using this store
                    """)
            }
            for migration in PostgresSchema.migrations where !applied.contains(migration.version) {
                guard apply else {
                    throw PostgresStoreError("the store \(url.redacted) lacks schema version \(migration.version): run `gridwatch db migrate --store URL`")
                }
                // postgres-nio sends every query as one prepared statement: a statement at a time.
                for statement in PostgresSchema.statements(migration.sql) { try session.execute(statement) }
                try session.execute("INSERT INTO schema_migrations (version) VALUES ($1)", [.text(migration.version)])
            }
        }
    }

    /// The schema versions applied, oldest first.
    public func schemaVersions() throws -> [String] {
        try pool.withSession { try $0.query("SELECT version FROM schema_migrations ORDER BY applied_at, version").map { try $0.decode(String.self) } }
    }

    /// Runs `body` on a pooled connection.
    func read<T>(_ body: (PostgresSession) throws -> T) throws -> T { try pool.withSession(body) }

    /// Runs `body` in one transaction on a pooled connection.
    func write<T>(_ body: (PostgresSession) throws -> T) throws -> T {
        try pool.withSession { session in try session.transaction(body) }
    }

    public func checkWritable() -> String? {
        do {
            // A read, not a write: a probe every few seconds must not lock rows the webhook
            // dispatcher needs. A server that accepts connections and is not a standby commits.
            let standby = try read { try $0.scalar("SELECT pg_is_in_recovery()", as: Bool.self) } ?? false
            return standby ? "the store \(url.redacted) is a read-only standby" : nil
        } catch {
            return PostgresConnectionPool.describe(error)
        }
    }

    public func backup(to path: String) throws {
        throw PostgresStoreError("backup of a PostgreSQL store is the server's job: use pg_dump or pg_basebackup against \(url.redacted)")
    }

    /// An error as an operator needs it: the server's message for a PostgreSQL error (postgres-nio
    /// prints only a generic line, to keep statement values out of logs).
    public static func describe(_ error: any Error) -> String { PostgresConnectionPool.describe(error) }

    /// Closes the store's connections (the instance lock's too: its name is free again).
    public func close() {
        pool.close()
        if let session = instanceSession.withLockedValue({ session -> PostgresSession? in defer { session = nil }; return session }) {
            _ = try? session.connection.close().wait()
        }
    }
}
