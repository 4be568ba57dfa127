import Devices
import Foundation
import PostgresNIO
import Storage

/// Readings and rejections as the commands and the API read them.
extension PostgresStore {
    public func readingCount(device: String?) throws -> Int {
        try read { session in
            let count = try session.scalar("SELECT count(*) FROM readings WHERE ($1::text IS NULL OR device_id = $1)", [.text(device)], as: Int64.self)
            return Int(count ?? 0)
        }
    }

    public func distinctSequenceCount() throws -> (withSeq: Int, distinct: Int) {
        try read { session in
            guard let row = try session.query("""
                SELECT count(*) AS n, (SELECT count(*) FROM (SELECT DISTINCT device_id, seq FROM readings WHERE seq IS NOT NULL) s) AS d
                FROM readings WHERE seq IS NOT NULL
                """).first else { return (0, 0) }
            return (Int(try row.required("n", as: Int64.self)), Int(try row.required("d", as: Int64.self)))
        }
    }

    public func readings(device: String, limit: Int, sinceMs: Int64?) throws -> [StoredReading] {
        try read { session in
            try session.query("""
                SELECT * FROM (SELECT * FROM readings WHERE device_id = $1 AND received_at >= $2 ORDER BY id DESC LIMIT $3) r ORDER BY id
                """, [.text(device), .int(sinceMs ?? 0), .int(limit)]).map(Self.storedReading)
        }
    }

    static func storedReading(_ row: PostgresRow) throws -> StoredReading {
        StoredReading(id: try row.required("id"), deviceID: try row.required("device_id"), receivedAtMs: try row.required("received_at"),
                      deviceTimeMs: try row.required("device_ts"), deviceTimeTrusted: try row.required("device_ts_trusted"),
                      seq: try row.value("seq"), payload: try row.required("payload"),
                      flags: (try row.value("flags", as: String.self))?.split(separator: ",").map(String.init) ?? [])
    }

    public func rejections(reason: String?, limit: Int) throws -> [StoredRejection] {
        try read { session in
            try session.query("""
                SELECT * FROM (SELECT * FROM rejected WHERE ($1::text IS NULL OR reason = $1) ORDER BY id DESC LIMIT $2) r ORDER BY id
                """, [.text(reason), .int(limit)]).map { row in
                let prefix = try row.required("payload_prefix", as: ByteBuffer.self)
                return StoredRejection(id: try row.required("id"), topic: try row.required("topic"), reason: try row.required("reason"),
                                       detail: try row.required("detail"), receivedAtMs: try row.required("received_at"),
                                       deviceID: try row.value("device_id"), payloadPrefix: Array(prefix.readableBytesView),
                                       payloadSize: Int(try row.required("payload_size", as: Int32.self)))
            }
        }
    }

    public func rejectionCounts() throws -> [String: Int] {
        try read { session in
            var counts: [String: Int] = [:]
            for row in try session.query("SELECT reason, count(*) AS n FROM rejected GROUP BY reason") {
                counts[try row.required("reason")] = Int(try row.required("n", as: Int64.self))
            }
            return counts
        }
    }

    /// The newest reading of each device by device time, ignoring clocks far ahead of `nowMs`:
    /// one indexed lookup per device, as on SQLite (the unique key leads with device and time).
    public func latestReadings(device: String?, nowMs: Int64, skewMs: Int64) throws -> [String: StoredReading] {
        try read { session in
            var result: [String: StoredReading] = [:]
            let rows = try session.query("""
                SELECT r.* FROM (SELECT id AS device FROM devices WHERE $1::text IS NULL OR id = $1
                                 UNION SELECT $1::text WHERE $1::text IS NOT NULL) d
                CROSS JOIN LATERAL (SELECT * FROM readings WHERE device_id = d.device AND device_ts <= $2
                                    ORDER BY device_ts DESC LIMIT 1) r
                """, [.text(device), .int(nowMs + skewMs)])
            for row in rows {
                let reading = try Self.storedReading(row)
                result[reading.deviceID] = reading
            }
            return result
        }
    }
}
