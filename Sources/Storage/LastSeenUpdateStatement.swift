import GRDB

/// The per-batch last-seen write (`device_last_seen`, v16), bound through SQLite (see
/// `BoundStatement`): a batch of readings over a few hundred devices runs it about once per
/// reading, and GRDB's boxed argument arrays cost more than the write itself. An update of the
/// device's row, and only for a device not heard from before an insert; one statement doing
/// both (`ON CONFLICT DO UPDATE`) opened a statement journal each time and probed `devices`
/// first (perf). A device not in `devices` gets no row, as the update of `devices` it replaces
/// changed nothing for one.
struct LastSeenUpdateStatement {
    static let updateSQL = "UPDATE device_last_seen SET last_seen_at = max(last_seen_at, ?) WHERE device_id = ?"
    static let insertSQL = "INSERT INTO device_last_seen (device_id, last_seen_at) SELECT ?2, ?1 WHERE EXISTS (SELECT 1 FROM devices WHERE id = ?2)"
    private let update: BoundStatement
    private let insert: BoundStatement

    init(_ db: Database) throws {
        update = try BoundStatement(db, sql: Self.updateSQL)
        insert = try BoundStatement(db, sql: Self.insertSQL)
    }

    /// Moves the device's last-seen time forward to `atMs` (never back).
    func update(device id: String, atMs: Int64) throws {
        update.bind(1, atMs)
        update.bind(2, id)
        guard try update.step() == 0 else { return }
        insert.bind(1, atMs)
        insert.bind(2, id)
        try insert.step()
    }
}
