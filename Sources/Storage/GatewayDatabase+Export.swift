import Foundation
import GRDB

/// Reading the database out table by table for `gridwatch db copy`. Every table is paged in
/// key order by one integer key, so a copy's progress is one number a table and a resumed copy
/// asks for the rows after it. The source is expected to be still (the gateway stopped): pages
/// are separate read transactions.
extension GatewayDatabase {
    /// How a table's pages are keyed.
    private enum ExportKey {
        /// An integer column, or the rowid of a table keyed by name (stable under its upserts).
        case column(String)
        /// `rollups` (WITHOUT ROWID, keyed by four columns): `(width_s, bucket_start)` packed in
        /// one integer, a page always ending with a whole bucket.
        case rollupBucket
        /// `retention_cursors` (WITHOUT ROWID, a handful of named rows): the position in name order.
        case ordinal
    }

    private static func exportKey(_ table: ExportTable) -> ExportKey {
        switch table {
        case .devices, .outboxCursors, .apiTokens: .column("rowid")
        case .rollups: .rollupBucket
        case .retentionCursors: .ordinal
        default: .column(table.generatedIDColumn ?? "id")
        }
    }

    /// Throws unless every migration of this gridwatch has run on the file: an export reads
    /// every table, and opened read-only (a copy leaves its source alone) nothing migrates it.
    public func checkExportable() throws {
        guard try pool.read({ try Self.migrator.hasCompletedMigrations($0) }) else {
            throw ExportPage.Failure("\(path) has an older schema: run `gridwatch db migrate --db \(path)` first")
        }
        // Its first buckets are written and the cursor is still before it: copied as it is, the
        // store would roll those readings up a second time.
        guard try !hasPendingRollupStep() else {
            throw ExportPage.Failure("\(path) holds a roll-up step left part-written when its gateway stopped: run `gridwatch retention run-once` on it (or start the gateway once) first")
        }
    }

    /// Up to `limit` rows of `table` after `key` in key order (a roll-up page may hold the rest
    /// of its last bucket beyond `limit`). Key 0 is the table's start.
    public func exportRows(_ table: ExportTable, after key: Int64, limit: Int) throws -> ExportPage {
        let limit = max(limit, 1)
        return try pool.read { db in
            switch Self.exportKey(table) {
            case let .column(column): try Self.exportByColumn(db, table, column: column, after: key, limit: limit)
            case .rollupBucket: try Self.exportRollups(db, after: key, limit: limit)
            case .ordinal: try Self.exportByOrdinal(db, table, after: key, limit: limit)
            }
        }
    }

    /// Every exported table's row count, read in one transaction.
    public func exportCounts() throws -> [ExportTable: Int] {
        try pool.read { db in
            try ExportTable.allCases.reduce(into: [:]) { counts, table in
                counts[table] = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table.name)") ?? 0
            }
        }
    }

    /// The highest id each table with generated ids has handed out: its largest id, or more
    /// where AUTOINCREMENT remembers a deleted tail (an SSE client or a webhook receiver may
    /// still hold those ids), or where a retention walk's cursor is past it (a new row below
    /// that cursor would never be pruned or scrubbed).
    public func exportIDFloors() throws -> [ExportTable: Int64] {
        try pool.read { db in
            let spent = try Row.fetchAll(db, sql: "SELECT name, seq FROM sqlite_sequence").reduce(into: [String: Int64]()) { $0[$1["name"]] = $1["seq"] }
            var floors: [ExportTable: Int64] = [:]
            for table in ExportTable.allCases {
                guard let column = table.generatedIDColumn else { continue }
                let largest = try Int64.fetchOne(db, sql: "SELECT max(\(column)) FROM \(table.name)") ?? 0
                let walked = try Int64.fetchOne(db, sql: """
                    SELECT max(position) FROM retention_cursors WHERE name LIKE ? OR name LIKE ? OR (? AND name = 'rollup')
                    """, arguments: ["prune:\(table.name)%", "scrub:\(table.name)%", table == .readings]) ?? 0
                floors[table] = max(largest, spent[table.name] ?? 0, walked)
            }
            return floors
        }
    }

    private static func exportByColumn(_ db: Database, _ table: ExportTable, column: String, after key: Int64, limit: Int) throws -> ExportPage {
        // Devices are read with their last-seen time, kept in a table of its own since v16.
        let (source, keyColumn) = table == .devices ? (deviceSource, "devices.\(column)") : (table.name, column)
        let rows = try Row.fetchAll(db, sql: """
            SELECT \(keyColumn) AS export_key, \(table.columns.joined(separator: ", ")) FROM \(source)
            WHERE \(keyColumn) > ? ORDER BY \(keyColumn) LIMIT ?
            """, arguments: [key, limit])
        let lastKey: Int64 = rows.last?["export_key"] ?? key
        return ExportPage(table: table, afterKey: key, lastKey: lastKey, rows: rows.map { Array(exportValues($0).dropFirst()) },
                          isLast: rows.count < limit)
    }

    private static func exportByOrdinal(_ db: Database, _ table: ExportTable, after key: Int64, limit: Int) throws -> ExportPage {
        let rows = try Row.fetchAll(db, sql: """
            SELECT \(table.columns.joined(separator: ", ")) FROM \(table.name) ORDER BY \(table.columns[0]) LIMIT ? OFFSET ?
            """, arguments: [limit, key])
        return ExportPage(table: table, afterKey: key, lastKey: key + Int64(rows.count), rows: rows.map(exportValues), isLast: rows.count < limit)
    }

    /// Bits of a packed roll-up key that hold `bucket_start` (epoch ms up to the year 2248);
    /// the width in seconds takes the bits above.
    private static let bucketStartBits: Int64 = 43

    private static func exportRollups(_ db: Database, after key: Int64, limit: Int) throws -> ExportPage {
        let columns = ExportTable.rollups.columns.joined(separator: ", ")
        let mask = (Int64(1) << bucketStartBits) - 1
        var rows = try Row.fetchAll(db, sql: """
            SELECT \(columns) FROM rollups WHERE (width_s, bucket_start) > (?, ?) ORDER BY width_s, bucket_start, device_id, field LIMIT ?
            """, arguments: [key >> bucketStartBits, key & mask, limit])
        guard let last = rows.last else { return ExportPage(table: .rollups, afterKey: key, lastKey: key, rows: [], isLast: true) }
        let width: Int64 = last["width_s"]
        let start: Int64 = last["bucket_start"]
        guard width >= 0, width < Int64(1) << (63 - bucketStartBits), start >= 0, start <= mask else {
            throw ExportPage.Failure("roll-up bucket (\(width) s, \(start) ms) cannot be keyed for export")
        }
        let isLast = rows.count < limit
        if !isLast {
            // The rest of the last bucket: the next page then starts after a whole bucket.
            rows += try Row.fetchAll(db, sql: """
                SELECT \(columns) FROM rollups WHERE width_s = ? AND bucket_start = ? AND (device_id, field) > (?, ?) ORDER BY device_id, field
                """, arguments: [width, start, last["device_id"], last["field"]])
        }
        return ExportPage(table: .rollups, afterKey: key, lastKey: width << bucketStartBits | start, rows: rows.map(exportValues), isLast: isLast)
    }

    private static func exportValues(_ row: Row) -> [ExportPage.Value] {
        row.databaseValues.map { value in
            switch value.storage {
            case .null: .null
            case let .int64(number): .int(number)
            case let .double(number): .double(number)
            case let .string(text): .text(text)
            case let .blob(data): .bytes(Array(data))
            }
        }
    }
}
