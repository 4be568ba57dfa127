import Foundation
import Logging
import PostgresNIO
import Storage

/// Whole readings months dropped instead of deleted row by row. A month goes when its device
/// time ended before the cutoff of the longest raw period, every row in it was received before
/// that cutoff (a device clock far behind files fresh readings under an old month) and every
/// row is rolled up; what any walk would delete anyway then goes in one catalog change.
extension PostgresStore {
    /// The `retention_cursors` entry holding the `nowMs` of the last round that looked at months.
    static let partitionPassCursor = "prune:readings:partitions"

    /// Once per round (per `nowMs`): finds the months to drop and drops them. Returns the rows
    /// they held. Two transactions keep the lock that blocks every readings statement short: the
    /// first counts rows with ingest running; the second locks `readings`, confirms that no row
    /// came in since and drops. Both hold the pass's lock, so instances never drop the same month.
    func dropExpiredReadingsPartitions(_ plan: RetentionPlan, nowMs: Int64) throws -> Int {
        let cutoffMs = nowMs - (Self.rawGroups(plan).map(\.retentionMs).max() ?? plan.rawRetentionMs)
        let found = try write { session -> (months: [(partition: ReadingsPartition, rows: Int)], rolledUp: Int64) in
            guard try Self.lockRetentionCursor(Self.partitionPassCursor, session) != nowMs else { return ([], 0) }
            try Self.setRetentionCursor(Self.partitionPassCursor, to: nowMs, session)
            let rolledUp = try Self.retentionCursor(Self.rollupCursor, session)
            var months: [(partition: ReadingsPartition, rows: Int)] = []
            for partition in try Self.listReadingsPartitions(session) where partition.toMs <= cutoffMs {
                let table = Self.quotedIdentifier(partition.name)
                // The index answers this one; a month not yet rolled up is not scanned at all.
                if let newest = try session.scalar("SELECT max(id) FROM \(table)", as: Int64.self), newest > rolledUp { continue }
                guard let row = try session.query("SELECT count(*) AS n, count(*) FILTER (WHERE received_at >= $1) AS late FROM \(table)",
                                                  [.int(cutoffMs)]).first,
                      try row.required("late", as: Int64.self) == 0 else { continue }
                months.append((partition, Int(try row.required("n", as: Int64.self))))
            }
            return (months, rolledUp)
        }
        guard !found.months.isEmpty else { return 0 }
        do {
            let dropped = try dropPartitions(found.months, rolledUp: found.rolledUp)
            knownPartitions.withLockedValue { known in known.removeAll { range in dropped.contains { $0.partition.fromMs..<$0.partition.toMs == range } } }
            return dropped.reduce(0) { $0 + $1.rows }
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "55P03" {
            // lock_timeout: a long statement held `readings`. The walks delete these rows instead.
            logger.notice("readings months not dropped this round: \(PostgresConnectionPool.describe(error))")
            return 0
        }
    }

    /// Drops the months found, under an exclusive lock on `readings` (which dropping a partition
    /// takes anyway; taken first, with a timeout, so that a long reader delays only this step).
    /// A month whose newest id passed the roll-up cursor got a reading since it was counted: it stays.
    private func dropPartitions(_ months: [(partition: ReadingsPartition, rows: Int)],
                                rolledUp: Int64) throws -> [(partition: ReadingsPartition, rows: Int)] {
        try write { session in
            _ = try Self.lockRetentionCursor(Self.partitionPassCursor, session)
            try session.execute("SET LOCAL lock_timeout = '2s'")
            try session.execute("LOCK TABLE readings IN ACCESS EXCLUSIVE MODE")
            // Listed again under the lock: another instance may have dropped one in between.
            let existing = Set(try Self.listReadingsPartitions(session).map(\.name))
            var dropped: [(partition: ReadingsPartition, rows: Int)] = []
            for month in months where existing.contains(month.partition.name) {
                let table = Self.quotedIdentifier(month.partition.name)
                // Every id at or below the cursor was committed before the count: a row added
                // since has a higher id, so this test finds it.
                if let newest = try session.scalar("SELECT max(id) FROM \(table)", as: Int64.self), newest > rolledUp { continue }
                try session.execute("DROP TABLE \(table)")
                dropped.append(month)
            }
            return dropped
        }
    }

    /// The readings partitions, oldest first, read in the caller's transaction (see
    /// `readingsPartitions()`; bounds render as `FOR VALUES FROM ('a') TO ('b')`).
    static func listReadingsPartitions(_ session: PostgresSession) throws -> [ReadingsPartition] {
        try session.query("""
            SELECT c.relname::text AS name, pg_get_expr(c.relpartbound, c.oid) AS bound
            FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'readings'::regclass
            """).compactMap { row -> ReadingsPartition? in
            let name = try row.required("name", as: String.self)
            let numbers = try row.required("bound", as: String.self).split { !"-0123456789".contains($0) }.compactMap { Int64($0) }
            guard numbers.count == 2 else { return nil }
            return ReadingsPartition(name: name, fromMs: numbers[0], toMs: numbers[1])
        }.sorted { $0.fromMs < $1.fromMs }
    }

    /// `name` as a quoted SQL identifier.
    static func quotedIdentifier(_ name: String) -> String { "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
}
