import Devices
import GRDB

/// The readings insert, bound value by value through SQLite (see `BoundStatement`).
struct ReadingInsertStatement {
    static let sql = """
        INSERT OR IGNORE INTO readings (device_id, received_at, device_ts, device_ts_trusted, seq, payload, flags, content_hash)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        """
    private let statement: BoundStatement

    init(_ db: Database) throws { statement = try BoundStatement(db, sql: Self.sql) }

    /// Inserts one reading: true when stored, false when the dedup key already held it.
    func insert(_ reading: Reading) throws -> Bool {
        statement.bind(1, reading.deviceID)
        statement.bind(2, reading.receivedAtMs)
        statement.bind(3, reading.deviceTimeMs)
        statement.bind(4, reading.deviceTimeTrusted ? 1 : 0)
        if let seq = reading.seq { statement.bind(5, seq) } else { statement.bindNull(5) }
        statement.bind(6, reading.payloadText)
        if reading.flags.isEmpty { statement.bindNull(7) } else { statement.bind(7, reading.flags.joined(separator: ",")) }
        statement.bind(8, reading.contentHash)
        return try statement.step() == 1
    }
}
