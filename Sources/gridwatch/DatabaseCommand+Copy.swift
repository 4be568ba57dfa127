import ArgumentParser
import Foundation
import PostgresStorage
import Storage

extension DatabaseCommand {
    /// `gridwatch db copy --from FILE --to URL [--batch N]`: moves a single node's SQLite
    /// database into a cluster's PostgreSQL store. Each page commits with its progress, so the
    /// command can be killed and run again; it ends with both sides' row counts and exits 1 when
    /// any differ.
    struct Copy: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Copy a single node's SQLite database into an empty PostgreSQL store (resumable; row counts checked).")
        @Option(help: "The SQLite database to copy (stop its gateway first).") var from: String
        @Option(help: "PostgreSQL store URL postgresql://USER@HOST:PORT/DATABASE (password from PGPASSWORD).") var to: String
        @Option(help: "Rows per transaction.") var batch: Int = 5000

        func validate() throws {
            guard batch > 0 else { throw ValidationError("--batch must be at least 1") }
            guard FileManager.default.fileExists(atPath: from) else { throw ValidationError("no database at \(from)") }
        }

        func run() throws {
            // Read-only: the single node's file stays as it was, a fallback until the cluster runs.
            let source = try GatewayDatabase(path: from, readOnly: true)
            let target = try PostgresStore(urlText: to)
            defer { target.close() }
            let copy = DatabaseCopy(source: source, target: target, batchRows: batch)
            let sourceRows = try source.exportCounts()
            print("copying \(copy.sourceName) into \(target.location), \(batch) rows a transaction")
            try copy.copyTables { page, inserted in
                guard !page.rows.isEmpty else { return }
                print("\(page.table.name): \(inserted) rows inserted in this run, of \(sourceRows[page.table] ?? 0)")
                // A long copy is often logged to a file: progress must reach it as it happens.
                fflush(nil)
            }
            let checks = try copy.finish()
            print(Self.checkTable(checks), terminator: "")
            if checks.contains(where: { !$0.matches }) {
                print("row counts differ: was the gateway still writing to \(from), or did the store hold other rows?")
                throw ExitCode(1)
            }
        }

        /// `table  source  copied  status`, one row per table, columns aligned.
        static func checkTable(_ checks: [DatabaseCopy.TableCheck]) -> String {
            let rows = [["table", "source", "copied", "status"]]
                + checks.map { [$0.table.name, "\($0.sourceRows)", "\($0.targetRows)", $0.matches ? "ok" : "DIFFERS"] }
            let widths = (0..<4).map { column in rows.map { $0[column].count }.max() ?? 0 }
            return rows.map { row in
                row.enumerated().map { column, text in
                    column == 0 || column == 3 ? text.padding(toLength: widths[column], withPad: " ", startingAt: 0)
                        : String(repeating: " ", count: widths[column] - text.count) + text
                }.joined(separator: "  ").trimmingCharacters(in: .whitespaces) + "\n"
            }.joined()
        }
    }
}
