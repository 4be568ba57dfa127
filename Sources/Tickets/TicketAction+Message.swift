import Devices
import Formats
import Foundation

/// Ticket events as staff and programs receive them live (SSE, MQTT alerts, webhooks;
/// docs/api.md "Live events"): a name per action and one JSON object per happening.
extension TicketAction {
    /// The live event's name, or nil for nothing worth sending.
    public var eventName: String? {
        switch self {
        case .none: nil
        case .opened: "ticket_opened"
        case .updated: "ticket_updated"
        case .acknowledged: "ticket_acknowledged"
        case .started: "ticket_started"
        case .pended: "ticket_pending"
        case .resumed: "ticket_resumed"
        case .resolved: "ticket_resolved"
        case .closed: "ticket_closed"
        case .reopened: "ticket_reopened"
        case .cancelled: "ticket_cancelled"
        case .assigned: "ticket_assigned"
        case .commented: "ticket_commented"
        case .warned: "ticket_warned"
        case .transferred: "ticket_transferred"
        case .responseBreached: "ticket_response_breached"
        case .resolutionBreached: "ticket_resolution_breached"
        case .fellBackToOpen: "ticket_ack_timeout"
        case .dispatched: "ticket_dispatched"
        case .declined: "ticket_declined"
        case .arrived: "ticket_arrived"
        case .followedUp: "ticket_followed_up"
        case .followUpOverdue: "ticket_follow_up_overdue"
        }
    }

    /// Caused by a deadline passing rather than by a person or an alert.
    public var isClockDriven: Bool {
        switch self {
        case .warned, .transferred, .responseBreached, .resolutionBreached, .fellBackToOpen, .followUpOverdue: true
        default: false
        }
    }

    /// Every name `eventName` can give, for configuration checks (webhook event lists).
    public static let eventNames: [String] = [
        "ticket_opened", "ticket_updated", "ticket_acknowledged", "ticket_started", "ticket_pending", "ticket_resumed",
        "ticket_resolved", "ticket_closed", "ticket_reopened", "ticket_cancelled", "ticket_assigned", "ticket_commented",
        "ticket_warned", "ticket_transferred", "ticket_response_breached", "ticket_resolution_breached", "ticket_ack_timeout",
        "ticket_dispatched", "ticket_declined", "ticket_arrived", "ticket_followed_up", "ticket_follow_up_overdue",
    ]
}

extension TicketDesk.Happening {
    /// The live event object: name, time, ticket id, who caused it, the action's details and
    /// the whole ticket (without its timeline); nil when there is nothing to send.
    public func message(actor: String, timeZone: TimeZone) -> (event: String, body: JSONValue)? {
        guard let name = action.eventName else { return nil }
        var object: [String: JSONValue] = [
            "event": .string(name), "at": .string(RFC3339.format(milliseconds: atMs, timeZone: timeZone)),
            "ticket_id": .string(ticket.id), "actor": .string(actor), "severity": .string(ticket.severity),
            "ticket": Ticket.withoutFollowUpComments(ticket.contractJSON(timeZone: timeZone)),
        ]
        switch action {
        case let .warned(level, clock):
            object["level"] = .int(Int64(level))
            object["clock"] = .string(clock.rawValue)
        case let .transferred(team, clock):
            object["team"] = .string(team)
            object["clock"] = .string(clock.rawValue)
        case let .followedUp(outcome): object["outcome"] = .string(outcome.rawValue)
        case let .resolved(automatically): object["automatically"] = .bool(automatically)
        case let .reopened(cycle): object["cycle"] = .int(Int64(cycle))
        case let .assigned(person): object["assignee"] = .string(person)
        case let .dispatched(assignee): object["assignee"] = assignee.map { .string($0) } ?? .null
        case let .declined(person): object["person"] = .string(person)
        case let .arrived(person): object["person"] = .string(person)
        default: break
        }
        return (name, .object(object))
    }
}
