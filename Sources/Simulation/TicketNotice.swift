import Formats
import Foundation

/// What the twin's staff need from one ticket event the gateway publishes on
/// `gridwatch/{community}/alerts/{ticket_id}`: which ticket, its state, who is sent, and where.
///
/// The event body is `{"seq", "event", "ticket_id", "ticket": TICKET, ...}` (docs/api.md
/// "Live events"); a bare ticket object is read too. The person sent is the ticket's
/// `assignee`, else its `dispatch.assignee`; the place is `location.latitude/longitude`.
public struct TicketNotice: Sendable, Hashable {
    public var ticketID: String
    /// The ticket's `state` (`open`, `acknowledged`, `in_progress`, `pending`, `resolved`,
    /// `closed`, `cancelled`).
    public var state: String
    public var assignee: String?
    public var destination: MapPoint?

    public init(ticketID: String, state: String, assignee: String?, destination: MapPoint?) {
        self.ticketID = ticketID
        self.state = state
        self.assignee = assignee
        self.destination = destination
    }

    /// States in which someone should be on the way or on the spot.
    static let activeStates: Set<String> = ["open", "acknowledged", "in_progress", "pending"]
    /// States after which nobody needs to be there any more.
    static let finishedStates: Set<String> = ["resolved", "closed", "cancelled"]

    /// Whether the ticket still needs its assignee.
    public var isActive: Bool { Self.activeStates.contains(state) }

    /// Whether the ticket is over.
    public var isFinished: Bool { Self.finishedStates.contains(state) }

    /// Reads an alert payload; nil when it is not a ticket event with an id and a state.
    public init?(alertPayload: [UInt8]) {
        guard JSONParser.isObject(alertPayload, maxDepth: CaptureLine.maxDepth),
              let event = try? JSONSerialization.jsonObject(with: Data(alertPayload)) as? [String: Any]
        else { return nil }
        let ticket = event["ticket"] as? [String: Any] ?? event
        guard let id = ticket["id"] as? String ?? event["ticket_id"] as? String,
              let state = ticket["state"] as? String
        else { return nil }
        let dispatch = ticket["dispatch"] as? [String: Any]
        let assignee = Self.nonEmpty(ticket["assignee"]) ?? Self.nonEmpty(dispatch?["assignee"])
        var destination: MapPoint?
        if let location = ticket["location"] as? [String: Any],
           let latitude = Self.number(location["latitude"]), let longitude = Self.number(location["longitude"]) {
            let point = MapPoint(latitude: latitude, longitude: longitude)
            destination = point.isValid ? point : nil
        }
        self.init(ticketID: id, state: state, assignee: assignee, destination: destination)
    }

    private static func nonEmpty(_ value: Any?) -> String? {
        guard let text = value as? String, !text.isEmpty else { return nil }
        return text
    }

    /// A JSON number, however Foundation hands it over (`NSNumber`, `Double` or `Int`).
    private static func number(_ value: Any?) -> Double? {
        if let number = value as? NSNumber { return number.doubleValue }
        if let double = value as? Double { return double }
        return (value as? Int).map(Double.init)
    }
}
