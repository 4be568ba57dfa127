import GRDB
import GRDBSQLite

/// A GRDB cached statement stepped through SQLite's own calls, each row read in place by
/// position. GRDB makes a `Row` for each result and converts every value through generic
/// code: reading the 100,000 devices after the inventory load took ~0.35 s of a start, and a
/// restart's warm-up spent as long again stepping through readings (perf). Used inside a
/// `read` or `write` closure; the statement is reset for GRDB's next use.
struct SQLiteRowScan {
    private let statement: SQLiteStatement
    private let connection: SQLiteConnection?
    private let sql: String

    /// Prepares `sql` (cached) and lets `bind` set its parameters.
    init(_ db: Database, sql: String, bind: (BoundStatement) -> Void = { _ in }) throws {
        self.sql = sql
        statement = try db.cachedStatement(sql: sql).sqliteStatement
        connection = db.sqliteConnection
        bind(BoundStatement(reading: statement))
    }

    /// Calls `body` with each row in the statement's order; the row is valid only inside it.
    func forEach(_ body: (Row) throws -> Void) throws {
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
        }
        while true {
            let rc = sqlite3_step(statement)
            if rc == SQLITE_DONE { return }
            guard rc == SQLITE_ROW else {
                let message = connection.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
                throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: message, sql: sql)
            }
            try body(Row(statement: statement))
        }
    }

    /// The current row's columns, by position.
    struct Row {
        let statement: SQLiteStatement

        func isNull(_ column: Int32) -> Bool { sqlite3_column_type(statement, column) == SQLITE_NULL }

        /// The column's text as UTF-8 bytes, valid until the next step (empty for NULL).
        func utf8(_ column: Int32) -> UnsafeBufferPointer<UInt8> {
            guard let bytes = sqlite3_column_text(statement, column) else { return UnsafeBufferPointer(start: nil, count: 0) }
            return UnsafeBufferPointer(start: bytes, count: Int(sqlite3_column_bytes(statement, column)))
        }

        func text(_ column: Int32) -> String { String(decoding: utf8(column), as: UTF8.self) }

        func optionalText(_ column: Int32) -> String? { isNull(column) ? nil : text(column) }

        func integer(_ column: Int32) -> Int64 { sqlite3_column_int64(statement, column) }

        func optionalInteger(_ column: Int32) -> Int64? { isNull(column) ? nil : integer(column) }

        func optionalDouble(_ column: Int32) -> Double? { isNull(column) ? nil : sqlite3_column_double(statement, column) }
    }
}
