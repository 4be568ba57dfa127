import Devices
import Formats

/// What a resident's requester is told about their request: which step it reached and when
/// each step happened, from the ticket events the gateway already publishes. Only the ticket
/// id, its state, the item and times: nobody's name, phone or position, since the requester
/// (an app's backend, a kiosk) may show it to anyone at the door.
public enum RequestStatus {
    /// Ticket event → the requester's status. One line per event: an event not listed here
    /// (a warning, a comment) is staff business and sends nothing.
    public static let statusByEvent: [String: String] = [
        "ticket_opened": "accepted",
        "ticket_dispatched": "assigned",
        "ticket_assigned": "assigned",
        "ticket_arrived": "arrived",
        "ticket_resolved": "resolved",
        "ticket_closed": "closed",
        "ticket_reopened": "reopened",
        "ticket_cancelled": "cancelled",
        // The follow-up's outcome; `resolved` already says by when the follow-up is due.
        "ticket_followed_up": "followed_up",
    ]

    /// The ticket fields a status may carry, under the status's own names.
    static let shownFields: [(status: String, ticket: String)] = [
        ("ticket_id", "id"), ("state", "state"), ("item", "item"), ("category", "category"), ("accepted_at", "opened_at"),
        ("assigned_at", "dispatched_at"), ("arrived_at", "arrived_at"), ("resolved_at", "resolved_at"), ("closed_at", "closed_at"),
    ]

    /// The status object for `ticket` (its contract JSON, as events carry it): the request's
    /// id and channel, `status` (nil: the ticket's state decides), and the shown fields.
    public static func json(ticket: [String: JSONValue], status: String?, at: JSONValue = .null) -> JSONValue {
        var object: [String: JSONValue] = ["request_id": ticket["request_id"] ?? .null, "source": ticket["source"] ?? .null,
                                           "community": ticket["community"] ?? .null, "at": at]
        for field in shownFields { object[field.status] = ticket[field.ticket] ?? .null }
        // When the centre will call back (回访): the resident may expect it, and know it is them.
        if case let .object(followUp)? = ticket["follow_up"] {
            object["follow_up_due_at"] = followUp["due_at"] ?? .null
            object["followed_up_at"] = followUp["done_at"] ?? .null
        }
        object["status"] = .string(status ?? currentStatus(ticket))
        return .object(object)
    }

    /// The status a ticket stands at now, for a requester asking rather than listening.
    static func currentStatus(_ ticket: [String: JSONValue]) -> String {
        func has(_ field: String) -> Bool { (ticket[field] ?? .null) != .null }
        guard case let .string(state)? = ticket["state"] else { return "accepted" }
        switch state {
        case "closed", "cancelled", "resolved": return state
        default:
            if has("arrived_at") { return "arrived" }
            if has("dispatched_at") || has("assignee") { return "assigned" }
            if case let .int(cycle)? = ticket["cycle"], cycle > 1 { return "reopened" }
            return "accepted"
        }
    }

    /// The requester's status of a live ticket event's body, or nil when the event is not
    /// about a resident's request or means nothing to its requester.
    public static func forEvent(_ event: String, body: JSONValue) -> (community: String, source: String, requestID: String, status: JSONValue)? {
        guard let status = statusByEvent[event], case let .object(members) = body, case let .object(ticket)? = members["ticket"],
              case let .string(requestID)? = ticket["request_id"], case let .string(source)? = ticket["source"],
              case let .string(community)? = ticket["community"] else { return nil }
        return (community, source, requestID, json(ticket: ticket, status: status, at: members["at"] ?? .null))
    }
}
