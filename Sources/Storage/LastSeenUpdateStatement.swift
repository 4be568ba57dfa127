import GRDB
import GRDBSQLite

/// The per-batch `devices.last_seen_at` update driven through SQLite's own bind calls, like
/// `ReadingInsertStatement`: a batch of readings over a few hundred devices runs it about once
/// per reading, and GRDB's boxed argument arrays cost more than the update itself.
/// Used only inside `store`'s write transaction, on GRDB's cached statement, reset after each
/// row so GRDB finds it as it left it.
struct LastSeenUpdateStatement {
    static let sql = "UPDATE devices SET last_seen_at = max(coalesce(last_seen_at, 0), ?) WHERE id = ?"
    private let statement: SQLiteStatement
    private let connection: SQLiteConnection?
    /// SQLite copies the bytes before `bind` returns, so Swift's buffers need not outlive it.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    init(_ db: Database) throws {
        statement = try db.cachedStatement(sql: Self.sql).sqliteStatement
        connection = db.sqliteConnection
    }

    /// Moves the device's last-seen time forward to `atMs` (never back).
    func update(device id: String, atMs: Int64) throws {
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
        }
        sqlite3_bind_int64(statement, 1, atMs)
        var id = id
        id.withUTF8 { bytes in
            // An empty buffer may have no address; SQLite wants a pointer for an empty text.
            guard let base = bytes.baseAddress else {
                _ = sqlite3_bind_text(statement, 2, "", 0, Self.transient)
                return
            }
            _ = base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                sqlite3_bind_text(statement, 2, $0, Int32(bytes.count), Self.transient)
            }
        }
        let rc = sqlite3_step(statement)
        guard rc == SQLITE_DONE else {
            let message = connection.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
            throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: message, sql: Self.sql)
        }
    }
}
