import GRDB

/// The per-batch `devices.last_seen_at` update, bound through SQLite (see `BoundStatement`):
/// a batch of readings over a few hundred devices runs it about once per reading, and GRDB's
/// boxed argument arrays cost more than the update itself.
struct LastSeenUpdateStatement {
    static let sql = "UPDATE devices SET last_seen_at = max(coalesce(last_seen_at, 0), ?) WHERE id = ?"
    private let statement: BoundStatement

    init(_ db: Database) throws { statement = try BoundStatement(db, sql: Self.sql) }

    /// Moves the device's last-seen time forward to `atMs` (never back).
    func update(device id: String, atMs: Int64) throws {
        statement.bind(1, atMs)
        statement.bind(2, id)
        try statement.step()
    }
}
