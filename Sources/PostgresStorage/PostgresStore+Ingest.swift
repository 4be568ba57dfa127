import Devices
import Foundation
import PostgresNIO
import Storage

/// Ingest on PostgreSQL: a batch is one transaction and one round trip per table (arrays
/// unnested server-side), with this instance's journal cursor moved in the same commit.
extension PostgresStore {
    public func store(_ batch: IngestBatch) throws -> IngestBatchResult {
        try storeCreatingPartitions(batch, fence: nil)
    }

    /// Creates the months the batch needs, then stores it (fenced when a fence is given).
    func storeCreatingPartitions(_ batch: IngestBatch, fence: PartitionFence?) throws -> IngestBatchResult {
        try ensurePartitions(deviceTimesMs: batch.readings.map(\.deviceTimeMs))
        do {
            return try storeOnce(batch, fence: fence)
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23514" {
            // No partition for a row: another instance's retention dropped a month this
            // process still had in its cache. Forget the cache, create what is missing, retry.
            knownPartitions.withLockedValue { $0 = [] }
            try ensurePartitions(deviceTimesMs: batch.readings.map(\.deviceTimeMs))
            return try storeOnce(batch, fence: fence)
        }
    }

    /// The newest readings id handed out (0 when none yet): a partition owner's rule watermark.
    public func newestReadingID() throws -> Int64 {
        try read { session in try Self.lastReadingID(session) }
    }

    /// Whether this instance's journal cursor already stands at the batch's end: the ingest
    /// pipeline retries a batch whose COMMIT failed with its answer lost (the connection
    /// dropped during it), and that COMMIT may have landed. Asked of retries only: a first
    /// attempt costs no extra round trip. Positions only grow between one
    /// pipeline's batches, so only that batch ends where the cursor is. `FOR UPDATE` waits for
    /// a COMMIT the server may still be running, then reads what it left.
    static func cursorStands(at batch: IngestBatch, instance: String, _ session: PostgresSession) throws -> Bool {
        guard batch.journalPosition > 0,
              let row = try session.query("SELECT journal_position FROM ingest_cursor WHERE instance = $1 FOR UPDATE", [.text(instance)]).first
        else { return false }
        return try row.required("journal_position", as: Int64.self) == Int64(bitPattern: batch.journalPosition)
    }

    /// The sequence's last value; 0 before its first use (`last_value` then already says 1,
    /// which would count a reading not yet stored as covered).
    static func lastReadingID(_ session: PostgresSession) throws -> Int64 {
        guard let row = try session.query("SELECT last_value, is_called FROM readings_id_seq").first,
              try row.required("is_called", as: Bool.self) else { return 0 }
        return try row.required("last_value", as: Int64.self)
    }

    func storeOnce(_ batch: IngestBatch, fence: PartitionFence? = nil) throws -> IngestBatchResult {
        try write { session in
            var result = IngestBatchResult()
            if let fence { try Self.checkFence(fence, session) }
            if fence == nil, batch.isRetry, try Self.cursorStands(at: batch, instance: instance, session) {
                // Readings would be skipped as duplicates, but alert events, rejections and the
                // cursor's totals have no such key: this batch must not be stored twice.
                logger.warning("a batch stored again was already stored (its COMMIT's answer was lost); skipped",
                               metadata: ["journal_position": "\(batch.journalPosition)", "readings": "\(batch.readings.count)"])
                return result
            }
            // Shared: only `stableReadingID` takes it exclusively, to wait for batches in flight.
            try session.query("SELECT pg_advisory_xact_lock_shared($1)", [.int(PostgresSchema.readingsHorizonLockKey)])
            if !batch.newDevices.isEmpty {
                try Self.insertDevices(batch.newDevices, source: "auto", nowMs: batch.readings.first?.receivedAtMs ?? 0, session)
            }
            if !batch.readings.isEmpty {
                result.stored = try insertReadings(batch.readings, session)
                result.duplicates = batch.readings.count - result.stored
                var lastSeen: [String: Int64] = [:]
                for reading in batch.readings { lastSeen[reading.deviceID] = max(lastSeen[reading.deviceID] ?? 0, reading.receivedAtMs) }
                let ids = lastSeen.keys.sorted()
                try session.execute("""
                    UPDATE devices d SET last_seen_at = GREATEST(coalesce(d.last_seen_at, 0), v.at)
                    FROM unnest($1::text[], $2::bigint[]) AS v(id, at) WHERE d.id = v.id
                    """, [.texts(ids), .ints(ids.map { lastSeen[$0] ?? 0 })])
            }
            for rejection in batch.rejections {
                try Self.insertRejection(rejection, session)
                result.rejected += 1
            }
            result.staffPositions = try Self.insertStaffPositions(batch.staffPositions, session)
            result.residentRequests = try Self.insertResidentRequests(batch.residentRequests, session)
            try Self.insertAlertEvents(batch.alertEvents, session)
            for change in batch.availability {
                try session.execute("UPDATE devices SET availability = $1, availability_at = $2 WHERE id = $3",
                                    [.text(change.online ? "online" : "offline"), .int(change.receivedAtMs), .text(change.deviceID)])
            }
            try session.execute("""
                INSERT INTO ingest_cursor (instance, journal_position, stored, duplicates, rejected) VALUES ($1, $2, $3, $4, $5)
                ON CONFLICT (instance) DO UPDATE SET journal_position = excluded.journal_position,
                    stored = ingest_cursor.stored + excluded.stored, duplicates = ingest_cursor.duplicates + excluded.duplicates,
                    rejected = ingest_cursor.rejected + excluded.rejected
                """, [.text(instance), .int(Int64(bitPattern: batch.journalPosition)), .int(result.stored), .int(result.duplicates),
                      .int(result.rejected)])
            return result
        }
    }

    static func insertRejection(_ rejection: Rejection, _ session: PostgresSession) throws {
        try session.execute("""
            INSERT INTO rejected (topic, reason, detail, received_at, device_id, payload_prefix, payload_size)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            """, [.text(rejection.topic), .text(rejection.reason.rawValue), .text(rejection.detail), .int(rejection.receivedAtMs),
                  .text(rejection.deviceID), .bytes(rejection.payloadPrefix), .int(rejection.payloadSize)])
    }

    /// Keeps a refusal that came by another way than the journal (the API), with its reason.
    public func recordRejection(_ rejection: Rejection) throws {
        try write { session in try Self.insertRejection(rejection, session) }
    }

    /// Inserts readings in one statement; a QoS 1 redelivery (same device, device time and
    /// content hash) is skipped by the unique key. Returns how many rows were new.
    func insertReadings(_ readings: [Reading], _ session: PostgresSession) throws -> Int {
        try session.query("""
            INSERT INTO readings (device_id, community, received_at, device_ts, device_ts_trusted, seq, payload, flags, content_hash)
            SELECT v.device_id, v.community, v.received_at, v.device_ts, v.trusted, CASE WHEN v.has_seq THEN v.seq END, v.payload,
                   NULLIF(v.flags, ''), v.content_hash
            FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::boolean[], $6::boolean[], $7::bigint[], $8::text[],
                        $9::text[], $10::bigint[])
                 AS v(device_id, community, received_at, device_ts, trusted, has_seq, seq, payload, flags, content_hash)
            ON CONFLICT DO NOTHING RETURNING 1
            """, [.texts(readings.map(\.deviceID)), .texts(readings.map(\.community)), .ints(readings.map(\.receivedAtMs)),
                  .ints(readings.map(\.deviceTimeMs)), .bools(readings.map(\.deviceTimeTrusted)), .bools(readings.map { $0.seq != nil }),
                  .ints(readings.map { $0.seq ?? 0 }), .texts(readings.map(\.payloadText)), .texts(readings.map { $0.flags.joined(separator: ",") }),
                  .ints(readings.map(\.contentHash))]).count
    }

    public func ingestTotals() throws -> IngestTotals {
        try read { session in
            guard let row = try session.query("SELECT * FROM ingest_cursor WHERE instance = $1", [.text(instance)]).first else {
                return IngestTotals(journalPosition: 0, stored: 0, duplicates: 0, rejected: 0)
            }
            return IngestTotals(journalPosition: UInt64(bitPattern: try row.required("journal_position", as: Int64.self)),
                                stored: Int(try row.required("stored", as: Int64.self)), duplicates: Int(try row.required("duplicates", as: Int64.self)),
                                rejected: Int(try row.required("rejected", as: Int64.self)))
        }
    }

    /// The highest readings id below which every id is committed or never will be: taken
    /// under the exclusive horizon lock, which waits for the batches in flight (each holds it
    /// shared) and is released at once. Roll-ups and replays walk ids only up to it, since
    /// with several writers a lower id may commit after a higher one.
    public func stableReadingID() throws -> Int64 {
        try write { session in
            // Queued behind a batch in flight, this exclusive request would make every later
            // batch queue behind it too: give up after a moment and let the caller retry.
            try session.execute("SET LOCAL lock_timeout = '2s'")
            try session.query("SELECT pg_advisory_xact_lock($1)", [.int(PostgresSchema.readingsHorizonLockKey)])
            return try Self.lastReadingID(session)
        }
    }
}
