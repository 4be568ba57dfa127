import Foundation
import PostgresNIO
import Storage

/// Published reports on PostgreSQL: one row per (period, community), the all-communities row
/// claimed first. Two instances claiming the same period at once: the second's insert waits
/// for the first to commit and then finds the row, so it publishes nothing.
extension PostgresStore {
    static let reportPublicationsSchema = """
        CREATE TABLE report_publications (
            period text NOT NULL, community text NOT NULL, published_at bigint NOT NULL, index_points double precision,
            files text NOT NULL, PRIMARY KEY (period, community));
        """

    public func reportPublications(period: String?) throws -> [ReportPublication] {
        try read { session in
            try session.query("""
                SELECT period, community, published_at, index_points, files FROM report_publications
                WHERE ($1::text IS NULL OR period = $1) ORDER BY published_at, period, community
                """, [.text(period)]).map {
                ReportPublication(period: try $0.required("period", as: String.self), community: try $0.required("community", as: String.self),
                                  publishedAtMs: try $0.required("published_at", as: Int64.self), index: try $0.value("index_points", as: Double.self),
                                  files: ReportPublication.files(fromJSON: try $0.required("files", as: String.self)))
            }
        }
    }
}

extension PostgresTicketLedger {
    public func claimReportPublication(_ records: [ReportPublication]) throws -> Bool {
        for (position, record) in records.enumerated() {
            let inserted = try session.execute("""
                INSERT INTO report_publications (period, community, published_at, index_points, files) VALUES ($1, $2, $3, $4, $5)
                ON CONFLICT (period, community) DO NOTHING
                """, [.text(record.period), .text(record.community), .int(record.publishedAtMs), .double(record.index), .text(record.filesJSON)])
            if position == 0, inserted == 0 { return false }
        }
        return true
    }

    public func activeTicketIDs(rule: String, community: String) throws -> [String] {
        try session.query("""
            SELECT id FROM tickets WHERE rule = $1 AND community = $2 AND state IN ('open', 'acknowledged', 'in_progress', 'pending') ORDER BY id
            """, [.text(rule), .text(community)]).map { try $0.decode(String.self) }
    }
}
