import Devices
import Foundation
import GRDB
import Tickets

/// One cell of the demand heat map: tickets of one category in one building (of one grid).
public struct TicketHeatCell: Sendable, Hashable, Codable {
    public var building: String
    /// The grid the tickets recorded when they opened; empty for tickets without one.
    public var grid: String = ""
    public var category: String
    /// The catalogue item; empty for tickets that name none.
    public var item: String = ""
    public var tickets: Int
    /// Of those, still being worked.
    public var active: Int

    public init(building: String, category: String, tickets: Int, active: Int) {
        self.building = building
        self.category = category
        self.tickets = tickets
        self.active = active
    }
}

extension GatewayDatabase {
    /// On time: heard from within two heartbeats (one lost heartbeat is not yet a failure).
    public static func expectedIntervalMs(_ type: String, catalog: DeviceTypeCatalog) -> Int64 {
        let heartbeat = catalog[type].map { max($0.heartbeat, $0.reportingInterval) } ?? 3600
        return Int64(2 * heartbeat * 1000)
    }

    /// Tickets opened since `fromMs` per building and category.
    public func ticketHeatmap(openedFromMs fromMs: Int64, community: String? = nil) throws -> [TicketHeatCell] {
        try pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT building, coalesce(json_extract(body, '$.grid'), '') AS grid, category,
                       coalesce(json_extract(body, '$.item'), '') AS item, count(*) AS n,
                       sum(state IN ('open', 'acknowledged', 'in_progress', 'pending')) AS active
                FROM tickets WHERE opened_at >= ? AND (? IS NULL OR community = ?)
                GROUP BY building, grid, category, item ORDER BY building, grid, category, item
                """, arguments: [fromMs, community, community]).map {
                var cell = TicketHeatCell(building: $0["building"], category: $0["category"], tickets: $0["n"], active: $0["active"])
                cell.grid = $0["grid"]
                cell.item = $0["item"]
                return cell
            }
        }
    }

    /// Active tickets per device id.
    public func activeTicketsByDevice() throws -> [String: Int] {
        try pool.read { db in
            var result: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT device, count(*) AS n FROM tickets WHERE state IN ('open', 'acknowledged', 'in_progress', 'pending') AND device != ''
                GROUP BY device
                """) { result[row["device"]] = row["n"] }
            return result
        }
    }

    /// The newest stored reading of each device (or of `device` only), for battery and the
    /// latest values: newest by device time, ignoring times more than `skewMs` ahead of `nowMs`
    /// (a clock stamped 2099 must not hide every later reading).
    public func latestReadings(device: String? = nil, nowMs: Int64, skewMs: Int64 = 300_000) throws -> [String: StoredReading] {
        try pool.read { db in
            var result: [String: StoredReading] = [:]
            let ids = try device.map { [$0] } ?? String.fetchAll(db, sql: "SELECT id FROM devices")
            // One scan of the short tail not yet in runs, then each device's runs newest first
            // (usually two runs, one reading) and its off-clock readings: the table is far too
            // large to group.
            let cursor = try Self.cursor(Self.readingRunsCursor, db)
            let tail = try Self.latestTailReadings(device: device, maxDeviceTimeMs: nowMs + skewMs, cursor: cursor, db)
            for id in ids {
                let (folded, _) = try Self.latestRunReading(device: id, maxDeviceTimeMs: nowMs + skewMs, cursor: cursor, db)
                if let row = Self.later(folded, tail[id]) { result[id] = Self.storedReading(row) }
            }
            return result
        }
    }
}
