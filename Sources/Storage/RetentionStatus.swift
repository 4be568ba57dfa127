/// How far retention got and what the database holds: `gridwatch retention status`.
public struct RetentionStatus: Sendable, Codable {
    public var readings: Int
    public var oldestReadingReceivedAtMs: Int64?
    public var rollups5m: Int
    public var rollups1h: Int
    public var alertEvents: Int
    public var tickets: Int
    public var rejected: Int
    /// Readings whose id is past the roll-up cursor: not yet rolled up, so not prunable.
    public var readingsNotRolledUp: Int
    /// Main file plus write-ahead log.
    public var databaseBytes: Int64
    public var cursors: [String: Int64]

    public init(readings: Int, oldestReadingReceivedAtMs: Int64?, rollups5m: Int, rollups1h: Int, alertEvents: Int, tickets: Int, rejected: Int, readingsNotRolledUp: Int, databaseBytes: Int64, cursors: [String: Int64]) {
        self.readings = readings
        self.oldestReadingReceivedAtMs = oldestReadingReceivedAtMs
        self.rollups5m = rollups5m
        self.rollups1h = rollups1h
        self.alertEvents = alertEvents
        self.tickets = tickets
        self.rejected = rejected
        self.readingsNotRolledUp = readingsNotRolledUp
        self.databaseBytes = databaseBytes
        self.cursors = cursors
    }
}
