import GRDB
import GRDBSQLite

/// A GRDB cached statement driven through SQLite's own bind calls. GRDB's argument arrays box
/// every value into an existential and bind through generic code; at tens of thousands of
/// rows a second that was a measurable share of the ingest thread (perf: GRDB's bindings
/// ~13 % of gridwatch's CPU). Used only inside a write transaction; `step` resets the
/// statement and clears its bindings, so GRDB finds its cached statement as it left it.
struct BoundStatement {
    let sql: String
    private let statement: SQLiteStatement
    private let connection: SQLiteConnection?
    /// SQLite copies the bytes before `bind` returns, so Swift's buffers need not outlive it.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    init(_ db: Database, sql: String) throws {
        self.sql = sql
        statement = try db.cachedStatement(sql: sql).sqliteStatement
        connection = db.sqliteConnection
    }

    /// Binds parameters of a statement that `SQLiteRowScan` steps itself.
    init(reading statement: SQLiteStatement) {
        sql = ""
        self.statement = statement
        connection = nil
    }

    func bind(_ index: Int32, _ value: Int64) { sqlite3_bind_int64(statement, index, value) }

    func bindNull(_ index: Int32) { sqlite3_bind_null(statement, index) }

    /// Binds `value`, or NULL when there is none.
    func bind(_ index: Int32, _ value: Double?) {
        if let value { sqlite3_bind_double(statement, index, value) } else { sqlite3_bind_null(statement, index) }
    }

    func bind(_ index: Int32, _ text: String) {
        var text = text
        text.withUTF8 { bind(index, utf8: $0) }
    }

    /// Binds `bytes`, valid UTF-8, as text.
    func bind(_ index: Int32, utf8Text bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { bind(index, utf8: $0) }
    }

    private func bind(_ index: Int32, utf8 bytes: UnsafeBufferPointer<UInt8>) {
        // An empty buffer may have no address; SQLite wants a pointer for an empty text.
        guard let base = bytes.baseAddress else {
            _ = sqlite3_bind_text(statement, index, "", 0, Self.transient)
            return
        }
        _ = base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
            sqlite3_bind_text(statement, index, $0, Int32(bytes.count), Self.transient)
        }
    }

    /// Runs the bound statement to completion; returns how many rows it changed.
    @discardableResult
    func step() throws -> Int32 {
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
        }
        let rc = sqlite3_step(statement)
        guard rc == SQLITE_DONE else {
            let message = connection.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
            throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: message, sql: sql)
        }
        return connection.map { sqlite3_changes($0) } ?? 0
    }
}
