import Foundation

/// One page of a table in key order, as neutral values: what the SQLite store exports and
/// the PostgreSQL store imports. `afterKey` and `lastKey` bracket it, so the importer can
/// record `lastKey` with the rows and a later run resume after it.
public struct ExportPage: Sendable {
    /// A column value as SQLite stored it (its storage classes), free of either engine's types.
    public enum Value: Sendable, Hashable {
        case null
        case int(Int64)
        case double(Double)
        case text(String)
        case bytes([UInt8])

        public var int: Int64? {
            if case let .int(value) = self { return value }
            return nil
        }
    }

    /// Why a table could not be exported, for the operator.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
        public init(_ description: String) { self.description = description }
    }

    public var table: ExportTable
    /// The key this page starts after (0: the table's start).
    public var afterKey: Int64
    /// The key to ask for the next page after; `afterKey` when the page is empty.
    public var lastKey: Int64
    /// Rows in key order, each with one value per `table.columns`.
    public var rows: [[Value]]
    /// Whether the table has nothing after this page.
    public var isLast: Bool

    public init(table: ExportTable, afterKey: Int64, lastKey: Int64, rows: [[Value]], isLast: Bool) {
        self.table = table
        self.afterKey = afterKey
        self.lastKey = lastKey
        self.rows = rows
        self.isLast = isLast
    }

    /// One column of every row (for the importer's own needs, such as readings partitions).
    public func column(_ name: String) -> [Value] {
        guard let index = table.columns.firstIndex(of: name) else { return [] }
        return rows.map { $0[index] }
    }
}
