import Devices
import GRDB
import GRDBSQLite

/// Reads rows of `SELECT deviceColumns` through SQLite's own column calls. GRDB makes a `Row`
/// for each result and converts every value through generic code: at 100,000 devices the read
/// after the inventory load took ~0.35 s of the start, and the maintenance round and report
/// publisher read the same table again as it became ready (perf).
struct StoredDeviceScan {
    private let statement: SQLiteStatement
    private let connection: SQLiteConnection?
    private let sql: String

    /// Prepares `sql` (cached: the filters make a handful of variants) and binds `arguments`
    /// as text to its parameters in order.
    init(_ db: Database, sql: String, arguments: [String]) throws {
        self.sql = sql
        statement = try db.cachedStatement(sql: sql).sqliteStatement
        connection = db.sqliteConnection
        let bound = BoundStatement(reading: statement)
        for (offset, argument) in arguments.enumerated() { bound.bind(Int32(offset + 1), argument) }
    }

    /// Every row, in the statement's order; the statement is reset for GRDB's next use.
    func all() throws -> [StoredDevice] {
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
        }
        var devices: [StoredDevice] = []
        while true {
            let rc = sqlite3_step(statement)
            if rc == SQLITE_DONE { return devices }
            guard rc == SQLITE_ROW else {
                let message = connection.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
                throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: message, sql: sql)
            }
            devices.append(storedDevice())
        }
    }

    /// The current row, read by position in `GatewayDatabase.deviceColumns` order.
    private func storedDevice() -> StoredDevice {
        StoredDevice(
            device: Device(id: text(0), type: text(1), community: text(2), building: text(3), unit: text(4), resident: text(5),
                           installed: text(6), grid: text(7), latitude: double(8), longitude: double(9)),
            source: text(10), registeredAtMs: sqlite3_column_int64(statement, 11), lastSeenAtMs: integer(12),
            availability: isNull(13) ? nil : text(13), availabilityAtMs: integer(14))
    }

    private func isNull(_ column: Int32) -> Bool { sqlite3_column_type(statement, column) == SQLITE_NULL }

    private func text(_ column: Int32) -> String {
        guard let bytes = sqlite3_column_text(statement, column) else { return "" }
        return String(decoding: UnsafeBufferPointer(start: bytes, count: Int(sqlite3_column_bytes(statement, column))), as: UTF8.self)
    }

    private func double(_ column: Int32) -> Double? { isNull(column) ? nil : sqlite3_column_double(statement, column) }

    private func integer(_ column: Int32) -> Int64? { isNull(column) ? nil : sqlite3_column_int64(statement, column) }
}
