import Devices
import Foundation
import GRDB

/// A stored reading as the command line lists it.
public struct StoredReading: Sendable {
    public var id: Int64
    public var deviceID: String
    public var receivedAtMs: Int64
    public var deviceTimeMs: Int64
    public var deviceTimeTrusted: Bool
    public var seq: Int64?
    public var payload: String
    public var flags: [String]

    public init(id: Int64, deviceID: String, receivedAtMs: Int64, deviceTimeMs: Int64, deviceTimeTrusted: Bool, seq: Int64?, payload: String, flags: [String]) {
        self.id = id
        self.deviceID = deviceID
        self.receivedAtMs = receivedAtMs
        self.deviceTimeMs = deviceTimeMs
        self.deviceTimeTrusted = deviceTimeTrusted
        self.seq = seq
        self.payload = payload
        self.flags = flags
    }
}

/// A stored rejection as the command line lists it.
public struct StoredRejection: Sendable {
    public var id: Int64
    public var topic: String
    public var reason: String
    public var detail: String
    public var receivedAtMs: Int64
    public var deviceID: String?
    public var payloadPrefix: [UInt8]
    public var payloadSize: Int

    public init(id: Int64, topic: String, reason: String, detail: String, receivedAtMs: Int64, deviceID: String?, payloadPrefix: [UInt8], payloadSize: Int) {
        self.id = id
        self.topic = topic
        self.reason = reason
        self.detail = detail
        self.receivedAtMs = receivedAtMs
        self.deviceID = deviceID
        self.payloadPrefix = payloadPrefix
        self.payloadSize = payloadSize
    }
}

extension GatewayDatabase {
    public func readingCount(device: String? = nil) throws -> Int {
        try pool.read { db in
            if let device { return try Self.deviceReadingCount(device: device, db) }
            return try Int.fetchOne(db, sql: "SELECT count(*) FROM readings") ?? 0
        }
    }

    /// Distinct (device, seq) pairs among readings that carry a seq: equal to their count when
    /// nothing was stored twice.
    public func distinctSequenceCount() throws -> (withSeq: Int, distinct: Int) {
        try pool.read { db in
            let row = try Row.fetchOne(db, sql: "SELECT count(*) AS n, (SELECT count(*) FROM (SELECT DISTINCT device_id, seq FROM readings WHERE seq IS NOT NULL)) AS d FROM readings WHERE seq IS NOT NULL")
            return (row?["n"] ?? 0, row?["d"] ?? 0)
        }
    }

    /// The newest `limit` readings of a device, oldest first.
    public func readings(device: String, limit: Int = 100, sinceMs: Int64? = nil) throws -> [StoredReading] {
        try pool.read { db in
            try Self.newestDeviceReadings(device: device, limit: limit, sinceMs: sinceMs ?? 0, db).reversed().map(Self.storedReading)
        }
    }

    static func storedReading(_ row: Row) -> StoredReading {
        StoredReading(id: row["id"], deviceID: row["device_id"], receivedAtMs: row["received_at"], deviceTimeMs: row["device_ts"],
                      deviceTimeTrusted: row["device_ts_trusted"], seq: row["seq"], payload: row["payload"],
                      flags: (row["flags"] as String?)?.split(separator: ",").map(String.init) ?? [])
    }

    /// The newest `limit` rejections, oldest first, optionally of one reason.
    public func rejections(reason: String? = nil, limit: Int = 100) throws -> [StoredRejection] {
        try pool.read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT * FROM (SELECT * FROM rejected WHERE (? IS NULL OR reason = ?) ORDER BY id DESC LIMIT ?) ORDER BY id
                """, arguments: [reason, reason, limit])
            return rows.map { row in
                StoredRejection(id: row["id"], topic: row["topic"], reason: row["reason"], detail: row["detail"], receivedAtMs: row["received_at"],
                                deviceID: row["device_id"], payloadPrefix: [UInt8](row["payload_prefix"] as Data), payloadSize: row["payload_size"])
            }
        }
    }

    /// Rejections counted per reason.
    public func rejectionCounts() throws -> [String: Int] {
        try pool.read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT reason, count(*) AS n FROM rejected GROUP BY reason")
            return Dictionary(uniqueKeysWithValues: rows.map { ($0["reason"] as String, $0["n"] as Int) })
        }
    }
}
