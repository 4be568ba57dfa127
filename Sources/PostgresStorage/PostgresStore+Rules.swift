import Devices
import Formats
import Foundation
import Rules
import Storage

/// The rules' history and checkpoints on PostgreSQL.
extension PostgresStore {
    /// The rule-state key of a single-node gateway; cluster partitions use their community.
    public static let wholeStatePartition = "*"

    public func storeAlertEvents(_ events: [AlertEvent]) throws {
        guard !events.isEmpty else { return }
        try write { session in try Self.insertAlertEvents(events, session) }
    }

    static func insertAlertEvents(_ events: [AlertEvent], _ session: PostgresSession) throws {
        // Alert events are few (state changes, not readings): a statement each keeps NULLs exact.
        for event in events {
            try session.execute("""
                INSERT INTO alert_events (at, event, rule, device, severity, community, building, inhibited_by, evidence)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                """, [.int(event.atMs), .text(event.kind.rawValue), .text(event.ruleID), .text(event.deviceID), .text(event.severity),
                      .text(event.community), .text(event.building), .text(event.inhibitedBy),
                      .text(event.evidence.map { JSONValue.object($0).jsonText })])
        }
    }

    public func alertEvents(rule: String?, device: String?, limit: Int) throws -> [AlertEvent] {
        try read { session in
            try session.query("""
                SELECT * FROM (SELECT * FROM alert_events WHERE ($1::text IS NULL OR rule = $1) AND ($2::text IS NULL OR device = $2)
                               ORDER BY id DESC LIMIT $3) a ORDER BY id
                """, [.text(rule), .text(device), .int(limit)]).map { row in
                AlertEvent(atMs: try row.required("at"), kind: AlertEvent.Kind(rawValue: try row.required("event")) ?? .firing,
                           ruleID: try row.required("rule"), deviceID: try row.required("device"), severity: try row.required("severity"),
                           community: try row.required("community"), building: try row.required("building"), inhibitedBy: try row.value("inhibited_by"))
            }
        }
    }

    /// A single gateway's checkpoint (partition `*`); cluster owners save theirs fenced, per partition.
    public func saveRuleState(_ encoded: RuleEngine.EncodedSnapshot) throws {
        let bytes = encoded.bytes
        try write { session in
            try session.execute("""
                INSERT INTO rule_state (partition, saved_at, snapshot) VALUES ($1, $2, $3)
                ON CONFLICT (partition) DO UPDATE SET saved_at = excluded.saved_at, snapshot = excluded.snapshot
                """, [.text(Self.wholeStatePartition), .int(encoded.savedAtMs), .bytes(bytes)])
        }
    }

    public func loadRuleState() throws -> RuleEngine.Snapshot? {
        guard let saved = try loadRuleState(partition: Self.wholeStatePartition) else { return nil }
        return try RuleEngine.Snapshot(jsonData: saved.snapshot)
    }

    /// One community's readings stored after `afterID`, in id order, at most `limit`: what a new
    /// owner replays on top of the checkpoint. The id range is short (a checkpoint is seconds
    /// old), so it is searched by id and filtered by community.
    public func ruleReadings(community: String, afterID: Int64, limit: Int) throws -> [(id: Int64, reading: RuleReading)] {
        try read { session in
            try session.query("""
                SELECT id, device_id, received_at, payload FROM readings WHERE id > $1 AND community = $2 ORDER BY id LIMIT $3
                """, [.int(afterID), .text(community), .int(limit)]).compactMap { row in
                guard let values = JSONParser.objectFields(Array((try row.required("payload", as: String.self)).utf8)) else { return nil }
                return (try row.required("id"), RuleReading(deviceID: try row.required("device_id"), atMs: try row.required("received_at"), values: values))
            }
        }
    }

    /// Stored readings received since `sinceMs` that `selection` wants (offered newest first,
    /// only those parsed), oldest first. Partitions are by device time, so the search is
    /// bounded to device times from a day before `sinceMs`: a reading whose clock was more than
    /// a day behind is not replayed into the rules (it was flagged as untrusted when stored, and
    /// rules read receive time anyway).
    public func ruleReadings(sinceMs: Int64, selecting selection: inout WarmSelection) throws -> [RuleReading] {
        let rows = try read { session in
            try session.query("""
                SELECT device_id, received_at, payload FROM readings WHERE device_ts >= $1 AND received_at >= $2 ORDER BY id DESC
                """, [.int(sinceMs - 86_400_000), .int(sinceMs)])
        }
        var readings: [RuleReading] = []
        for row in rows {
            let deviceID: String = try row.required("device_id")
            let atMs: Int64 = try row.required("received_at")
            guard selection.wants(deviceID: deviceID, atMs: atMs) else { continue }
            guard let values = JSONParser.objectFields(Array((try row.required("payload", as: String.self)).utf8)) else { continue }
            readings.append(RuleReading(deviceID: deviceID, atMs: atMs, values: selection.took(deviceID: deviceID, values: values)))
        }
        readings.reverse()
        return readings
    }
}
