import Devices
import GRDB

/// The readings insert, bound value by value through SQLite (see `BoundStatement`), many rows
/// to a statement: one row a statement spent as much on stepping, halting and resetting the
/// statement as on the row (perf: SQLite's per-statement work ~5 % of the ingest's samples).
struct ReadingInsertStatement {
    /// Rows bound to one run of the long statement (8 values each, far below SQLite's 32,766).
    static let rowsPerChunk = 64
    static let columns: Int32 = 8
    static let singleSQL = sql(rows: 1)
    static let chunkSQL = sql(rows: rowsPerChunk)

    static func sql(rows: Int) -> String {
        let row = "(" + Array(repeating: "?", count: Int(columns)).joined(separator: ", ") + ")"
        return """
            INSERT OR IGNORE INTO readings (device_id, received_at, device_ts, device_ts_trusted, seq, payload, flags, content_hash)
            VALUES \(Array(repeating: row, count: rows).joined(separator: ", "))
            """
    }

    private let single: BoundStatement
    private let chunk: BoundStatement

    init(_ db: Database) throws {
        single = try BoundStatement(db, sql: Self.singleSQL)
        chunk = try BoundStatement(db, sql: Self.chunkSQL)
    }

    /// Inserts the readings in their order (ids rise with it): how many were stored, the rest
    /// being held already under their dedup key. `OR IGNORE` judges row by row, so a repeat
    /// within one statement is left out as one across statements is.
    func insert(_ readings: [Reading]) throws -> Int {
        var stored = 0
        var next = readings.startIndex
        while readings.endIndex - next >= Self.rowsPerChunk {
            for row in 0..<Self.rowsPerChunk {
                Self.bind(readings[next + row], to: chunk, from: Int32(row) * Self.columns + 1)
            }
            stored += Int(try chunk.step())
            next += Self.rowsPerChunk
        }
        while next < readings.endIndex {
            Self.bind(readings[next], to: single, from: 1)
            stored += Int(try single.step())
            next += 1
        }
        return stored
    }

    private static func bind(_ reading: Reading, to statement: BoundStatement, from first: Int32) {
        statement.bind(first, reading.deviceID)
        statement.bind(first + 1, reading.receivedAtMs)
        statement.bind(first + 2, reading.deviceTimeMs)
        statement.bind(first + 3, reading.deviceTimeTrusted ? 1 : 0)
        if let seq = reading.seq { statement.bind(first + 4, seq) } else { statement.bindNull(first + 4) }
        statement.bind(first + 5, utf8Text: reading.payload)
        if reading.flags.isEmpty { statement.bindNull(first + 6) } else { statement.bind(first + 6, reading.flags.joined(separator: ",")) }
        statement.bind(first + 7, reading.contentHash)
    }
}
