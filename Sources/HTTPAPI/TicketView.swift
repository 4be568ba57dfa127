import Devices
import Formats
import Foundation
import Storage
import Tickets

/// A ticket as the API shows it: docs/design.md §1.5's object, plus the resident from the inventory and
/// the actions its state allows; personal data removed for callers who may not see it.
struct TicketView {
    let environment: APIEnvironment
    let caller: APICaller
    /// Residents by device id (from the inventory).
    var residents: [String: String] = [:]

    /// `devices`: the devices of the tickets to be shown when known (one ticket's page reads
    /// one device, not the whole inventory); nil reads them all (lists).
    init(environment: APIEnvironment, caller: APICaller, devices: [String]? = nil) throws {
        self.environment = environment
        self.caller = caller
        guard caller.seesPersonalData else { return }
        let stored = try devices.map { try $0.compactMap { try environment.database.device(id: $0) } } ?? environment.database.devices()
        for item in stored where !item.device.resident.isEmpty { residents[item.device.id] = item.device.resident }
    }

    func json(_ ticket: Ticket, withTimeline: Bool = false) -> JSONValue {
        guard case var .object(object) = ticket.contractJSON(timeZone: environment.timeZone, withTimeline: withTimeline) else { return .null }
        object["actions"] = .array(Self.validActions(ticket, settings: environment.ticketSettings).map { .string($0) })
        if let resident = residents[ticket.device] { object["resident"] = .string(resident) }
        let value = JSONValue.object(object)
        return caller.seesPersonalData ? value : PersonalDataFilter(catalog: environment.catalog).ticket(value)
    }

    /// The actions the lifecycle accepts in the ticket's state, asked of the lifecycle itself so
    /// the buttons can never offer what the server would refuse.
    static func validActions(_ ticket: Ticket, settings: TicketSettings) -> [String] {
        func accepts(_ event: TicketEvent) -> Bool {
            var lifecycle = TicketLifecycle(resuming: ticket, settings: settings)
            return (try? lifecycle.eventHappened(event, at: max(ticket.updatedAt, ticket.openedAt), by: "check")) != nil
        }
        // A sample text: only the state decides here.
        let staff = TicketEvent.staffActions.filter { accepts($0.make($0.textRequired ? "?" : "")) }.map(\.name)
        return staff + (accepts(.followUp(FollowUpAnswer(reached: false))) ? ["follow_up"] : [])
    }

    /// The event for an action name with its body's text; 400 for what is missing.
    static func event(_ name: String, body: [String: JSONValue]) throws -> TicketEvent {
        let aliases = ["acknowledge": "ack", "pend": "pending"]
        if name == "follow_up" || name == "follow-up" { return .followUp(try followUpAnswer(body)) }
        guard let action = TicketEvent.staffActions.first(where: { $0.name == aliases[name] ?? name }) else {
            throw APIError(.notFound, "unknown action '\(name)' (actions: \(TicketEvent.staffActions.map(\.name).joined(separator: ", ")))")
        }
        guard let field = action.field else { return action.make("") }
        let text = action.textRequired ? try APIResponse.requiredString(body, field, for: action.name) : try APIResponse.string(body, field) ?? ""
        return action.make(text)
    }
}

/// Removes personal data (docs/design.md §6.3: a resident's heart rate, SpO2, skin temperature, location,
/// name) from what a viewer receives. Which fields are personal comes from the device types.
struct PersonalDataFilter {
    let catalog: DeviceTypeCatalog

    func ticket(_ value: JSONValue) -> JSONValue {
        guard case var .object(object) = value else { return value }
        var redacted = object.removeValue(forKey: "resident") != nil || object.removeValue(forKey: "wearer") != nil
        if case var .object(location)? = object["location"] {
            redacted = location.removeValue(forKey: "latitude") != nil || redacted
            redacted = location.removeValue(forKey: "longitude") != nil || redacted
            object["location"] = .object(location)
        }
        // The resident's words at the follow-up are theirs, not the viewer's.
        if case let .object(blanked) = Ticket.withoutFollowUpComments(.object(object)), blanked != object {
            object = blanked
            redacted = true
        }
        if case let .array(evidence)? = object["evidence"], !evidence.isEmpty {
            // Fail closed: evidence of a type the catalog does not know, or in a shape this
            // filter does not understand, is dropped rather than shown.
            guard case let .string(type)? = object["device_type"], let deviceType = catalog[type] else {
                object["evidence"] = .array([])
                object["redacted"] = .bool(true)
                return .object(object)
            }
            let personal = deviceType.personalFields
            object["evidence"] = .array(evidence.map { item in
                guard case var .object(entry) = item, case let .object(values)? = entry["values"] else {
                    redacted = true
                    return .object([:])
                }
                let kept = values.filter { !personal.contains($0.key) }
                if kept.count != values.count { redacted = true }
                entry["values"] = .object(kept)
                return .object(entry)
            })
        }
        if redacted { object["redacted"] = .bool(true) }
        return .object(object)
    }

    /// A reading's values without the type's personal fields.
    func values(_ values: [String: JSONValue], type: String) -> (values: [String: JSONValue], redacted: Bool) {
        let personal = catalog[type]?.personalFields ?? []
        let kept = values.filter { !personal.contains($0.key) }
        return (kept, kept.count != values.count)
    }

    /// An event body (SSE) with its ticket filtered.
    func event(_ body: String) -> String {
        guard case var .object(object)? = try? JSONParser.parse(Array(body.utf8)) else { return #"{"redacted":true}"# }
        if let ticket = object["ticket"] { object["ticket"] = self.ticket(ticket) }
        return JSONValue.object(object).jsonText
    }
}

extension TicketView {
    /// `{"reached": true|false|"yes"|"no", "satisfaction": 1-5, "recommend": 0-10, "comment": "..."}`.
    static func followUpAnswer(_ body: [String: JSONValue]) throws -> FollowUpAnswer {
        let reached: Bool
        switch body["reached"] {
        case let .bool(value)?: reached = value
        case let .string(text)? where ["yes", "no"].contains(text.lowercased()): reached = text.lowercased() == "yes"
        case nil, .null?: throw APIError(.badRequest, "follow_up needs 'reached' (true or false)")
        default: throw APIError(.badRequest, "'reached' must be true or false")
        }
        func score(_ field: String) throws -> Int? {
            switch body[field] {
            case nil, .null?: return nil
            case let .int(value)?: return Int(value)
            case let .double(value)? where value == value.rounded() && abs(value) < 1e6: return Int(value)
            default: throw APIError(.badRequest, "'\(field)' must be a whole number")
            }
        }
        let answer = FollowUpAnswer(reached: reached, satisfaction: try score("satisfaction"), recommend: try score("recommend"),
                                    comment: try APIResponse.string(body, "comment"))
        if let problem = answer.problem { throw APIError(.badRequest, problem) }
        return answer
    }
}
