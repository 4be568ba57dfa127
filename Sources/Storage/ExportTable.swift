import Foundation

/// A table that `gridwatch db copy` moves from a SQLite file into a PostgreSQL store, with the
/// columns both engines share. Cases are in copy order: devices before the readings that take
/// their community from them, tickets before the timelines that reference them.
public enum ExportTable: String, CaseIterable, Sendable, Hashable {
    case devices
    case readings
    case rejected
    case alertEvents = "alert_events"
    case tickets
    case ticketTimeline = "ticket_timeline"
    case ticketEvents = "ticket_events"
    case outboxCursors = "outbox_cursors"
    case apiTokens = "api_tokens"
    case webhookDeliveries = "webhook_deliveries"
    case rollups
    case retentionCursors = "retention_cursors"
    case ruleState = "rule_state"
    case staffPositions = "staff_positions"
    case residentRequests = "resident_requests"

    /// The SQL table name (the same on both engines).
    public var name: String { rawValue }

    /// The source's columns in the order of a page's values. Ids are among them: a copied row
    /// keeps its id, so tickets, events and webhook deliveries are the same objects in the cluster.
    public var columns: [String] {
        switch self {
        case .devices:
            ["id", "type", "community", "building", "unit", "resident", "installed", "grid", "lat", "lon", "source", "registered_at",
             "last_seen_at", "availability", "availability_at"]
        case .readings: ["id", "device_id", "received_at", "device_ts", "device_ts_trusted", "seq", "payload", "flags", "content_hash"]
        case .rejected: ["id", "topic", "reason", "detail", "received_at", "device_id", "payload_prefix", "payload_size"]
        case .alertEvents: ["id", "at", "event", "rule", "device", "severity", "community", "building", "inhibited_by", "evidence"]
        case .tickets:
            ["id", "number", "alert_key", "rule", "device", "community", "building", "category", "severity", "state", "team",
             "escalation_level", "opened_at", "next_deadline", "body"]
        case .ticketTimeline: ["id", "ticket_id", "at", "actor", "action", "detail"]
        case .ticketEvents: ["seq", "at", "event", "ticket_id", "community", "severity", "body"]
        case .outboxCursors: ["name", "seq"]
        case .apiTokens: ["name", "role", "hash", "created_at", "revoked_at", "last_used_at"]
        case .webhookDeliveries:
            ["id", "webhook", "event_seq", "event", "ticket_id", "state", "attempts", "next_attempt_at", "last_error", "last_status",
             "created_at", "delivered_at"]
        case .rollups: ["width_s", "bucket_start", "device_id", "field", "count", "sum", "min", "max", "last", "last_ts"]
        case .retentionCursors: ["name", "position"]
        case .ruleState: ["id", "saved_at", "snapshot"]
        case .staffPositions: ["id", "staff_id", "community", "lat", "lon", "device_ts", "received_at"]
        case .residentRequests:
            ["id", "community", "request_id", "source", "building", "unit", "item", "text", "asked_at", "received_at", "ticket_id"]
        }
    }

    /// The column a sequence fills on PostgreSQL (nil for tables keyed by name): after a copy
    /// each sequence moves past the source's ids, so the cluster never hands one out again.
    public var generatedIDColumn: String? {
        switch self {
        case .readings, .rejected, .alertEvents, .ticketTimeline, .webhookDeliveries, .staffPositions, .residentRequests: "id"
        case .tickets: "number"
        case .ticketEvents: "seq"
        default: nil
        }
    }
}
