import Devices
import Formats
import Foundation
import Storage

/// The receiving side of `gridwatch db copy`: pages exported from a SQLite file go in with
/// their source ids, each in one transaction with its table's `copy_progress` row, so a copy
/// killed at any point resumes after the last committed page and copies no row twice. Rows
/// travel as one JSON array a page, expanded by `json_populate_recordset` against the target
/// table's own row type: one statement for every table, with SQL NULLs and column types exact.
extension PostgresStore {
    /// Where a copy of `source` stands (each table's last committed key), after checking that
    /// this store may receive it: it holds nothing yet, or only an earlier run's copy of the
    /// same source. Throws otherwise, naming what is there.
    public func beginImport(source: String) throws -> [ExportTable: Int64] {
        try write { session in
            try session.query("SELECT pg_advisory_xact_lock($1)", [.int(PostgresSchema.copyLockKey)])
            let sources = try session.query("SELECT DISTINCT source FROM copy_progress ORDER BY source").map { try $0.decode(String.self) }
            if let other = sources.first(where: { $0 != source }) {
                throw PostgresStoreError("the store \(location) holds a copy of \(other); a copy can only be resumed from the same file, not \(source)")
            }
            if sources.isEmpty {
                // The schema itself seeds the `webhooks` cursor: that row is no data.
                let held = try ExportTable.allCases.filter { table in
                    guard table != .outboxCursors else { return false }
                    return try session.scalar("SELECT EXISTS (SELECT 1 FROM \(table.name))", as: Bool.self) ?? false
                }
                guard held.isEmpty else {
                    throw PostgresStoreError("the store \(location) already holds data (\(held.map(\.name).joined(separator: ", "))): copy into an empty store")
                }
            }
            return try Self.importProgress(session, source: source)
        }
    }

    /// Inserts one page and moves its table's progress to `page.lastKey`, in one transaction.
    /// A page that does not start where the progress stands is refused: it was committed
    /// already, or another copy ran in between. Returns the rows inserted; a row already there
    /// is skipped (`ON CONFLICT DO NOTHING`, the second guard against copying it twice).
    @discardableResult
    public func importPage(_ page: ExportPage, source: String) throws -> Int {
        if page.table == .readings { try ensurePartitions(deviceTimesMs: page.column("device_ts").compactMap(\.int)) }
        return try write { session in
            try session.query("SELECT pg_advisory_xact_lock($1)", [.int(PostgresSchema.copyLockKey)])
            let committed = try Self.importProgress(session, source: source)[page.table] ?? 0
            guard committed == page.afterKey else {
                throw PostgresStoreError("\(page.table.name): the copy of \(source) stands at key \(committed), not \(page.afterKey); run it again to resume")
            }
            guard !page.rows.isEmpty else { return 0 }
            let inserted = try session.execute(Self.importStatement(page.table), [.text(Self.importJSON(page))])
            try session.execute("""
                INSERT INTO copy_progress (source, table_name, last_key) VALUES ($1, $2, $3)
                ON CONFLICT (source, table_name) DO UPDATE SET last_key = excluded.last_key
                """, [.text(source), .text(page.table.name), .int(page.lastKey)])
            return inserted
        }
    }

    /// Moves each sequence past the copied ids and the source's `idFloors`, never backwards:
    /// the cluster's next reading, ticket number, event seq or delivery id is a new one.
    public func finishImport(idFloors: [ExportTable: Int64]) throws {
        try write { session in
            for table in ExportTable.allCases {
                guard let column = table.generatedIDColumn else { continue }
                try session.query("""
                    SELECT setval($1::regclass, f.floor)
                    FROM (SELECT GREATEST($2::bigint, (SELECT max(\(column)) FROM \(table.name))) AS floor) f
                    WHERE f.floor > coalesce(pg_sequence_last_value($1::regclass), 0)
                    """, [.text(Self.sequenceName(table)), .int(idFloors[table] ?? 0)])
            }
        }
    }

    /// Every exported table's row count here, read in one transaction (the copy's check).
    public func importCounts() throws -> [ExportTable: Int] {
        try read { session in
            try session.transaction { session in
                try session.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                return try ExportTable.allCases.reduce(into: [:]) { counts, table in
                    counts[table] = Int(try session.scalar("SELECT count(*) FROM \(table.name)", as: Int64.self) ?? 0)
                }
            }
        }
    }

    static func importProgress(_ session: PostgresSession, source: String) throws -> [ExportTable: Int64] {
        var progress: [ExportTable: Int64] = [:]
        for row in try session.query("SELECT table_name, last_key FROM copy_progress WHERE source = $1", [.text(source)]) {
            guard let table = ExportTable(rawValue: try row.required("table_name")) else { continue }
            progress[table] = try row.required("last_key", as: Int64.self)
        }
        return progress
    }

    static func sequenceName(_ table: ExportTable) -> String {
        switch table {
        case .readings: "readings_id_seq"
        case .tickets: "ticket_number_seq"
        case .ticketEvents: "ticket_events_seq"
        // bigserial columns: PostgreSQL names their sequences table_column_seq.
        default: "\(table.name)_\(table.generatedIDColumn ?? "id")_seq"
        }
    }

    /// The insert of one table's page, the page bound as `$1`.
    static func importStatement(_ table: ExportTable) -> String {
        let columns = table.columns.joined(separator: ", ")
        let page = "json_populate_recordset(NULL::\(table.name), $1::json)"
        switch table {
        case .readings:
            // SQLite's readings carry no community: it is their device's, as ingest stores it.
            return """
                INSERT INTO readings (\(columns), community)
                SELECT \(table.columns.map { "r.\($0)" }.joined(separator: ", ")), coalesce(d.community, '')
                FROM \(page) r LEFT JOIN devices d ON d.id = r.device_id ON CONFLICT DO NOTHING
                """
        case .ruleState:
            // The single node's one snapshot is the whole state. A gateway saves it as it stops,
            // after its last reading, so every copied reading is in it: the watermark is the last.
            return """
                INSERT INTO rule_state (partition, saved_at, snapshot, watermark)
                SELECT '\(wholeStatePartition)', saved_at, snapshot, (SELECT coalesce(max(id), 0) FROM readings) FROM \(page)
                ON CONFLICT DO NOTHING
                """
        case .outboxCursors:
            // The schema seeds `webhooks` at 0; left there, webhooks would resend every old event.
            return """
                INSERT INTO outbox_cursors (\(columns)) SELECT \(columns) FROM \(page)
                ON CONFLICT (name) DO UPDATE SET seq = GREATEST(outbox_cursors.seq, excluded.seq)
                """
        default:
            return "INSERT INTO \(table.name) (\(columns)) SELECT \(columns) FROM \(page) ON CONFLICT DO NOTHING"
        }
    }

    /// A page as a JSON array of objects keyed by column, each value in a form the column's
    /// type reads: bytes as bytea's hex text, non-finite doubles as float8's words (JSON has
    /// no number for them), integers for booleans (SQLite's 0 and 1 are valid boolean input).
    static func importJSON(_ page: ExportPage) -> String {
        let columns = page.table.columns
        return JSONValue.array(page.rows.map { row in
            .object(Dictionary(uniqueKeysWithValues: zip(columns, row.map(jsonValue))))
        }).jsonText
    }

    private static func jsonValue(_ value: ExportPage.Value) -> JSONValue {
        switch value {
        case .null: .null
        case let .int(number): .int(number)
        case let .double(number) where number.isFinite: .double(number)
        case let .double(number): .string(number.isNaN ? "NaN" : number < 0 ? "-Infinity" : "Infinity")
        case let .text(text): .string(text)
        case let .bytes(bytes): .string("\\x" + hex(bytes))
        }
    }

    private static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
