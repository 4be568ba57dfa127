import Foundation

/// Readings partitions: one per calendar month (UTC) of device time, created when the first
/// reading of that month arrives. There is no default partition: a month that a stray device
/// clock names gets a partition of its own, so a later month's creation never has to move rows
/// out of a catch-all, and retention can drop months whole.
extension PostgresStore {
    /// The partition holding one month, named by its year and month: `readings_m202612`.
    public struct ReadingsPartition: Sendable, Hashable {
        public var name: String
        public var fromMs: Int64
        public var toMs: Int64
    }

    private static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    /// The month holding `ms`, as a partition.
    public static func partition(holding ms: Int64) -> ReadingsPartition {
        let date = Date(timeIntervalSince1970: Double(ms) / 1000)
        let parts = utc.dateComponents([.year, .month], from: date)
        let start = utc.date(from: DateComponents(year: parts.year, month: parts.month, day: 1))!
        let next = utc.date(byAdding: .month, value: 1, to: start)!
        let year = parts.year ?? 1970
        let month = parts.month ?? 1
        let sign = year < 0 ? "n" : ""
        let name = "readings_m\(sign)\(String(format: "%04d%02d", abs(year), month))"
        return ReadingsPartition(name: name, fromMs: Int64((start.timeIntervalSince1970 * 1000).rounded()),
                                 toMs: Int64((next.timeIntervalSince1970 * 1000).rounded()))
    }

    /// Creates the partitions that `deviceTimesMs` need and that this process has not seen yet.
    func ensurePartitions(deviceTimesMs: [Int64]) throws {
        var needed: [Int64: ReadingsPartition] = [:]
        let known = knownPartitions.withLockedValue { $0 }
        for ms in deviceTimesMs {
            // Most readings fall in a known month: a range test, no calendar arithmetic.
            if known.contains(where: { $0.contains(ms) }) || needed.values.contains(where: { ms >= $0.fromMs && ms < $0.toMs }) { continue }
            let partition = Self.partition(holding: ms)
            needed[partition.fromMs] = partition
        }
        guard !needed.isEmpty else { return }
        try write { session in
            try session.query("SELECT pg_advisory_xact_lock($1)", [.int(PostgresSchema.partitionLockKey)])
            for partition in needed.values.sorted(by: { $0.fromMs < $1.fromMs }) {
                try session.execute("""
                    CREATE TABLE IF NOT EXISTS \(partition.name) PARTITION OF readings FOR VALUES FROM (\(partition.fromMs)) TO (\(partition.toMs))
                    """)
            }
        }
        knownPartitions.withLockedValue { $0 += needed.values.map { $0.fromMs..<$0.toMs } }
    }

    /// The readings partitions that exist, oldest first.
    public func readingsPartitions() throws -> [ReadingsPartition] {
        try read { session in try Self.listReadingsPartitions(session) }
    }
}
