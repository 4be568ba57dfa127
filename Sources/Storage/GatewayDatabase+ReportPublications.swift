import Foundation
import GRDB

/// Published reports on SQLite: one row per (period, community), the all-communities row
/// (community `''`) claimed first, so a second publisher of the same period finds it taken.
extension GatewayDatabase {
    static func migrateReportPublications(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE report_publications (
                period TEXT NOT NULL, community TEXT NOT NULL, published_at INTEGER NOT NULL, index_points REAL,
                files TEXT NOT NULL, PRIMARY KEY (period, community));
            """)
    }

    public func reportPublications(period: String?) throws -> [ReportPublication] {
        try pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM report_publications WHERE (? IS NULL OR period = ?) ORDER BY published_at, period, community
                """, arguments: [period, period]).map {
                ReportPublication(period: $0["period"], community: $0["community"], publishedAtMs: $0["published_at"], index: $0["index_points"],
                                  files: ReportPublication.files(fromJSON: $0["files"]))
            }
        }
    }
}

extension DatabaseTicketLedger {
    public func claimReportPublication(_ records: [ReportPublication]) throws -> Bool {
        for (position, record) in records.enumerated() {
            try db.execute(sql: """
                INSERT INTO report_publications (period, community, published_at, index_points, files) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (period, community) DO NOTHING
                """, arguments: [record.period, record.community, record.publishedAtMs, record.index, record.filesJSON])
            if position == 0, db.changesCount == 0 { return false }
        }
        return true
    }

    public func activeTicketIDs(rule: String, community: String) throws -> [String] {
        try String.fetchAll(db, sql: """
            SELECT id FROM tickets WHERE rule = ? AND community = ? AND state IN ('open', 'acknowledged', 'in_progress', 'pending') ORDER BY id
            """, arguments: [rule, community])
    }
}
