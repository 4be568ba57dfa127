import Devices
import Foundation
import Storage
import TestServers
import Testing

/// `gridwatch db copy` as an operator runs it: a SQLite file into an empty PostgreSQL store,
/// a table of both sides' counts at the end, exit 1 when a count differs.
@Suite struct DatabaseCopyCommandLineTests {
    @Test func copyPrintsBothSidesCountsAndFailsWhenTheyDiffer() throws {
        let directory = try TestPaths.temporaryDirectory("db-copy")
        let path = directory + "/gridwatch.db"
        let database = try GatewayDatabase(path: path)
        try database.upsertDevices([Device(id: "door-1", type: "door", community: "demo"), Device(id: "door-2", type: "door", community: "demo")],
                                   source: "inventory", nowMs: 1)
        try database.createAPIToken(name: "ops", role: "admin", hash: String(repeating: "cd", count: 32), nowMs: 1)
        let postgres = try TestPostgres.shared()
        let url = try postgres.createDatabase("cli_copy")

        let copied = try CommandLineTests.gridwatch(["db", "copy", "--from", path, "--to", url, "--batch", "1"], in: directory)
        #expect(copied.status == 0, "\(copied.output)")
        let lines = copied.output.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("table ") && $0.hasSuffix("source  copied  status") }, "\(copied.output)")
        #expect(lines.contains { $0.hasPrefix("devices ") && $0.hasSuffix("2       2  ok") }, "\(copied.output)")
        #expect(lines.contains { $0.hasPrefix("api_tokens ") && $0.hasSuffix("1       1  ok") }, "\(copied.output)")

        // A row the source never had: the check says so and fails.
        try postgres.psql(database: url, "INSERT INTO api_tokens (name, role, hash, created_at) VALUES ('extra', 'viewer', 'ef', 1)")
        let checked = try CommandLineTests.gridwatch(["db", "copy", "--from", path, "--to", url], in: directory)
        #expect(checked.status == 1, "\(checked.output)")
        #expect(checked.output.split(separator: "\n").contains { $0.hasPrefix("api_tokens ") && $0.hasSuffix("1       2  DIFFERS") },
                "\(checked.output)")

        let missing = try CommandLineTests.gridwatch(["db", "copy", "--from", directory + "/none.db", "--to", url], in: directory)
        #expect(missing.status != 0 && missing.output.contains("no database at"), "\(missing.output)")
    }
}
