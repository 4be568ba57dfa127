import Devices
import GRDB
import GRDBSQLite

/// The readings insert driven through SQLite's own bind calls. GRDB's argument arrays box
/// every value into an existential and bind through generic code; at tens of thousands of
/// rows a second that was a measurable share of the ingest thread (perf: GRDB's bindings
/// ~13 % of gridwatch's CPU). Used only inside `store`'s write transaction, on GRDB's
/// cached statement, which it resets and clears after each row so GRDB finds it as it left it.
struct ReadingInsertStatement {
    static let sql = """
        INSERT OR IGNORE INTO readings (device_id, received_at, device_ts, device_ts_trusted, seq, payload, flags, content_hash)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        """
    private let statement: SQLiteStatement
    private let connection: SQLiteConnection?
    /// SQLite copies the bytes before `bind` returns, so Swift's buffers need not outlive it.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    init(_ db: Database) throws {
        statement = try db.cachedStatement(sql: Self.sql).sqliteStatement
        connection = db.sqliteConnection
    }

    /// Inserts one reading: true when stored, false when the dedup key already held it.
    func insert(_ reading: Reading) throws -> Bool {
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
        }
        bind(1, reading.deviceID)
        sqlite3_bind_int64(statement, 2, reading.receivedAtMs)
        sqlite3_bind_int64(statement, 3, reading.deviceTimeMs)
        sqlite3_bind_int64(statement, 4, reading.deviceTimeTrusted ? 1 : 0)
        if let seq = reading.seq { sqlite3_bind_int64(statement, 5, seq) } else { sqlite3_bind_null(statement, 5) }
        bind(6, reading.payloadText)
        if reading.flags.isEmpty { sqlite3_bind_null(statement, 7) } else { bind(7, reading.flags.joined(separator: ",")) }
        sqlite3_bind_int64(statement, 8, reading.contentHash)
        let rc = sqlite3_step(statement)
        guard rc == SQLITE_DONE else {
            let message = connection.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
            throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: message, sql: Self.sql)
        }
        return connection.map { sqlite3_changes($0) == 1 } ?? false
    }

    private func bind(_ index: Int32, _ text: String) {
        var text = text
        text.withUTF8 { bytes in
            // An empty buffer may have no address; SQLite wants a pointer for an empty text.
            guard let base = bytes.baseAddress else {
                _ = sqlite3_bind_text(statement, index, "", 0, Self.transient)
                return
            }
            _ = base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                sqlite3_bind_text(statement, index, $0, Int32(bytes.count), Self.transient)
            }
        }
    }
}
