import Foundation
import Storage

/// One run of `gridwatch db copy`: a single node's SQLite file into a PostgreSQL store, table
/// by table in copy order and page by page in key order, each page committed with its progress;
/// a run resumes after what earlier runs committed. `finish()` then moves the store's sequences
/// past the copied ids and compares both sides' row counts.
public struct DatabaseCopy {
    /// One table's row counts after a copy.
    public struct TableCheck: Sendable, Equatable {
        public var table: ExportTable
        public var sourceRows: Int
        public var targetRows: Int
        public var matches: Bool { sourceRows == targetRows }
    }

    public let source: GatewayDatabase
    public let target: PostgresStore
    /// The source file's absolute path: the name `copy_progress` keeps it under.
    public let sourceName: String
    public let batchRows: Int

    public init(source: GatewayDatabase, target: PostgresStore, batchRows: Int = 5000) {
        self.source = source
        self.target = target
        self.batchRows = max(batchRows, 1)
        sourceName = URL(fileURLWithPath: source.path).standardizedFileURL.resolvingSymlinksInPath().path
    }

    /// Copies what earlier runs left, at most `maxPages` pages (a test's interruption), calling
    /// `progress` after each page with the page and its table's rows inserted so far in this run.
    /// Returns whether every table was copied to its end.
    @discardableResult
    public func copyTables(maxPages: Int = .max, progress: (ExportPage, _ insertedRows: Int) -> Void = { _, _ in }) throws -> Bool {
        try source.checkExportable()
        var committed = try target.beginImport(source: sourceName)
        var pages = 0
        for table in ExportTable.allCases {
            var inserted = 0
            var isLast = false
            while !isLast {
                guard pages < maxPages else { return false }
                let page = try source.exportRows(table, after: committed[table] ?? 0, limit: batchRows)
                inserted += try target.importPage(page, source: sourceName)
                committed[table] = page.lastKey
                isLast = page.isLast
                pages += 1
                progress(page, inserted)
            }
        }
        return true
    }

    /// Moves the sequences past the source's ids, then counts both sides.
    public func finish() throws -> [TableCheck] {
        try target.finishImport(idFloors: try source.exportIDFloors())
        let sourceCounts = try source.exportCounts()
        let targetCounts = try target.importCounts()
        return ExportTable.allCases.map { TableCheck(table: $0, sourceRows: sourceCounts[$0] ?? 0, targetRows: targetCounts[$0] ?? 0) }
    }
}
