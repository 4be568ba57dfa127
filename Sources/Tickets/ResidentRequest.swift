import Devices

/// A resident's request as it arrived (MQTT `gridwatch/{community}/requests/{source}` or
/// `POST /api/v1/requests`), already checked against the catalogue and the inventory. It is
/// stored before it is acknowledged, keyed by (community, request id), and the ticket office
/// opens one ticket per key however often it is sent.
public struct ResidentRequest: Sendable, Hashable, Codable {
    public var community: String
    /// The requester's own id: repeats and redeliveries carry the same one.
    public var requestID: String
    /// The channel: the topic's `{source}` (an app's backend, a smart panel), `api`, `phone`, `visit`.
    public var source: String
    public var building: String
    public var unit: String
    /// The catalogue item asked for.
    public var item: String
    /// What the resident said; a one-tap button sends none and gets the item's title.
    public var text: String
    /// The requester's time (`ts`), else when it arrived.
    public var askedAtMs: Int64
    public var receivedAtMs: Int64

    public init(community: String, requestID: String, source: String, building: String, unit: String, item: String, text: String,
                askedAtMs: Int64, receivedAtMs: Int64) {
        self.community = community
        self.requestID = requestID
        self.source = source
        self.building = building
        self.unit = unit
        self.item = item
        self.text = text
        self.askedAtMs = askedAtMs
        self.receivedAtMs = receivedAtMs
    }

    /// What the ticket desk opens for it: the item sets class, tier, team and skill.
    public var deskRequest: TicketDesk.Request {
        var request = TicketDesk.Request(category: "", severity: "", community: community, building: building, unit: unit, text: text)
        request.item = item
        request.requestID = requestID
        request.source = source
        return request
    }
}

/// A refused request: the reason stored in `rejected`, the field it is about (for an API's
/// error), and a sentence for people.
public struct ResidentRequestRejection: Error, Sendable, Hashable, CustomStringConvertible {
    public var reason: RejectionReason
    /// The request field at fault (`item`, `unit`, ...); nil when the payload as a whole is.
    public var field: String?
    public var detail: String

    public init(_ reason: RejectionReason, field: String?, _ detail: String) {
        self.reason = reason
        self.field = field
        self.detail = detail
    }

    public var description: String { "\(reason.rawValue): \(detail)" }
}

/// The units the inventory knows, by (community, building, unit): a request for a unit
/// nobody installed anything in cannot be placed, routed or visited.
public struct UnitDirectory: Sendable {
    private var units: Set<String> = []

    public init(_ devices: some Sequence<Device>) {
        for device in devices where !device.unit.isEmpty { units.insert(Self.key(device.community, device.building, device.unit)) }
    }

    public func contains(community: String, building: String, unit: String) -> Bool {
        units.contains(Self.key(community, building, unit))
    }

    private static func key(_ community: String, _ building: String, _ unit: String) -> String {
        community + "\u{1F}" + building + "\u{1F}" + unit
    }
}
