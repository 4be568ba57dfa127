import Devices
import Foundation
import GRDB
import Rules

extension GatewayDatabase {
    /// Appends alert events (the history tickets and reports build on).
    public func storeAlertEvents(_ events: [AlertEvent]) throws {
        guard !events.isEmpty else { return }
        try pool.write { db in
            let insert = try db.cachedStatement(sql: """
                INSERT INTO alert_events (at, event, rule, device, severity, community, building, inhibited_by, evidence)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            for event in events {
                try insert.execute(arguments: [event.atMs, event.kind.rawValue, event.ruleID, event.deviceID, event.severity, event.community,
                                               event.building, event.inhibitedBy, event.evidence.map { JSONValue.object($0).jsonText }])
            }
        }
    }

    /// Alert events in time order, optionally of one rule or device.
    public func alertEvents(rule: String? = nil, device: String? = nil, limit: Int = 1000) throws -> [AlertEvent] {
        try pool.read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT * FROM (SELECT * FROM alert_events WHERE (? IS NULL OR rule = ?) AND (? IS NULL OR device = ?) ORDER BY id DESC LIMIT ?) ORDER BY id
                """, arguments: [rule, rule, device, device, limit])
            return rows.map { row in
                AlertEvent(atMs: row["at"], kind: AlertEvent.Kind(rawValue: row["event"]) ?? .firing, ruleID: row["rule"], deviceID: row["device"],
                           severity: row["severity"], community: row["community"], building: row["building"], inhibitedBy: row["inhibited_by"])
            }
        }
    }

    public func saveRuleState(_ snapshot: RuleEngine.Snapshot) throws {
        let data = try JSONEncoder().encode(snapshot)
        try pool.write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO rule_state (id, saved_at, snapshot) VALUES (1, ?, ?)", arguments: [snapshot.savedAtMs, data])
        }
    }

    public func loadRuleState() throws -> RuleEngine.Snapshot? {
        try pool.read { db in
            guard let data = try Data.fetchOne(db, sql: "SELECT snapshot FROM rule_state WHERE id = 1") else { return nil }
            return try JSONDecoder().decode(RuleEngine.Snapshot.self, from: data)
        }
    }

    /// Stored readings received since `sinceMs`, as the rules engine sees them (for `warm`).
    public func ruleReadings(sinceMs: Int64) throws -> [RuleReading] {
        try pool.read { db in
            let rows = try Row.fetchCursor(db, sql: "SELECT device_id, received_at, payload FROM readings WHERE received_at >= ? ORDER BY id", arguments: [sinceMs])
            var readings: [RuleReading] = []
            while let row = try rows.next() {
                let payload: String = row["payload"]
                guard case let .object(values)? = try? JSONParser.parse(Array(payload.utf8)) else { continue }
                readings.append(RuleReading(deviceID: row["device_id"], atMs: row["received_at"], values: values))
            }
            return readings
        }
    }
}
