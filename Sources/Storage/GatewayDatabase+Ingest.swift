import Devices
import Foundation
import GRDB
import GridDispatch
import Tickets

/// What one batch did.
public struct IngestBatchResult: Sendable {
    public var stored = 0
    public var duplicates = 0
    public var rejected = 0
    /// Live staff positions newly stored (a redelivered one is not counted).
    public var staffPositions = 0
    /// Residents' requests newly stored (a repeat of a stored request id is not counted).
    public var residentRequests = 0

    public init() {}
}

/// Totals since the database was created.
public struct IngestTotals: Sendable, Codable {
    public var journalPosition: UInt64
    public var stored: Int
    public var duplicates: Int
    public var rejected: Int

    public init(journalPosition: UInt64, stored: Int, duplicates: Int, rejected: Int) {
        self.journalPosition = journalPosition
        self.stored = stored
        self.duplicates = duplicates
        self.rejected = rejected
    }
}

extension GatewayDatabase {
    /// v15: what a restart reads again from the journal reaches the rules once (an alarm
    /// stored ahead of the readings waiting before it is read again if the process dies
    /// before they follow).
    static func migrateReplayOnce(_ db: Database) throws {
        try db.execute(sql: """
            -- Readings above this id were committed ahead of journal_position; NULL once a
            -- commit moves the position on. The rules' warm-up leaves them out.
            ALTER TABLE ingest_cursor ADD COLUMN ahead_after_id INTEGER;
            """)
    }

    /// Writes a batch and advances the journal cursor atomically.
    public func store(_ batch: IngestBatch) throws -> IngestBatchResult {
        try pool.write { db in
            var result = IngestBatchResult()
            // Ids rise with each insert, so what this batch stores lies above the highest now.
            let aheadAfterID: Int64? = batch.storedAheadOfPosition ? try Self.newestReadingID(db) : nil
            for device in batch.newDevices { try Self.insertDevice(device, source: "auto", nowMs: batch.readings.first?.receivedAtMs ?? 0, db: db) }
            let insert = try ReadingInsertStatement(db)
            result.stored = try insert.insert(batch.readings)
            result.duplicates = batch.readings.count - result.stored
            // By index, one hash a reading: `for reading in` copied each reading (a retain of
            // every field), and a read then a write of the table hashed its id twice (perf:
            // the two and the copies ~3 % of the ingest's samples).
            var lastSeen: [String: Int64] = [:]
            for index in batch.readings.indices {
                let atMs = batch.readings[index].receivedAtMs
                Self.moveForward(&lastSeen[batch.readings[index].deviceID, default: atMs], to: atMs)
            }
            let seen = try LastSeenUpdateStatement(db)
            for (device, atMs) in lastSeen { try seen.update(device: device, atMs: atMs) }
            for rejection in batch.rejections {
                try Self.insertRejection(rejection, db: db)
                result.rejected += 1
            }
            result.staffPositions = try Self.insertStaffPositions(batch.staffPositions, db: db)
            result.residentRequests = try Self.insertResidentRequests(batch.residentRequests, db: db)
            try Self.insertAlertEvents(batch.alertEvents, db: db)
            let availability = try db.cachedStatement(sql: "UPDATE devices SET availability = ?, availability_at = ? WHERE id = ?")
            for change in batch.availability {
                try availability.execute(arguments: [change.online ? "online" : "offline", change.receivedAtMs, change.deviceID])
            }
            // The first commit ahead of the position sets the bound, later ones keep it, and the
            // next commit that moves the position clears it. A replay may cut its batches short
            // of where the alarm's entries reach: dying again just after such a commit, the
            // alarm's later readings are warmed and replayed both. Keeping the bound instead
            // would leave that commit's readings, which are not replayed, out of the warm-up.
            // Cached: `execute(sql:)` prepared and authorized it at every batch (~1.4 % of the
            // ingest's samples, perf).
            try db.cachedStatement(sql: """
                UPDATE ingest_cursor SET journal_position = ?, stored = stored + ?, duplicates = duplicates + ?, rejected = rejected + ?,
                    ahead_after_id = CASE WHEN ? IS NULL THEN NULL ELSE coalesce(ahead_after_id, ?) END WHERE id = 1
                """).execute(arguments: [Int64(bitPattern: batch.journalPosition), result.stored, result.duplicates, result.rejected,
                                         aheadAfterID, aheadAfterID])
            return result
        }
    }

    private static func moveForward(_ time: inout Int64, to atMs: Int64) { time = max(time, atMs) }

    static func insertRejection(_ rejection: Rejection, db: Database) throws {
        try db.cachedStatement(sql: """
            INSERT INTO rejected (topic, reason, detail, received_at, device_id, payload_prefix, payload_size) VALUES (?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [rejection.topic, rejection.reason.rawValue, rejection.detail, rejection.receivedAtMs,
                                     rejection.deviceID, Data(rejection.payloadPrefix), rejection.payloadSize])
    }

    /// Keeps a refusal that came by another way than the journal (the API), with its reason.
    public func recordRejection(_ rejection: Rejection) throws {
        try pool.write { db in try Self.insertRejection(rejection, db: db) }
    }

    public func ingestTotals() throws -> IngestTotals {
        try pool.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM ingest_cursor WHERE id = 1") else {
                return IngestTotals(journalPosition: 0, stored: 0, duplicates: 0, rejected: 0)
            }
            return IngestTotals(journalPosition: UInt64(bitPattern: row["journal_position"] as Int64), stored: row["stored"],
                                duplicates: row["duplicates"], rejected: row["rejected"])
        }
    }
}
