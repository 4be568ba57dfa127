import Devices
import Formats
import Foundation
import Hummingbird
import Storage
import Tickets

/// `/api/v1/tickets`: the duty list with filters, one ticket with its timeline, and the
/// staff's actions (one, or acknowledging many at once).
struct TicketRoutes {
    let environment: APIEnvironment

    func add(to group: RouterGroup<APIRequestContext>) {
        group.get("tickets") { request, context in try await environment.blocking { try list(request, context) } }
        group.get("tickets/:id") { _, context in try await environment.blocking { try show(context) } }
        group.get("tickets/:id/trajectory") { _, context in try await environment.blocking { try trajectory(context) } }
        group.post("tickets") { request, context in try await create(request, context) }
        group.post("tickets/ack") { request, context in try await acknowledgeMany(request, context) }
        group.post("tickets/:id/:action") { request, context in try await act(request, context) }
    }

    func list(_ request: Request, _ context: APIRequestContext) throws -> Response {
        let caller = try context.require(.viewer)
        var filter = TicketFilter(limit: 500)
        if let states = APIResponse.query(request, "state") {
            var set: Set<Ticket.State> = []
            for name in states.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
                if name == "active" { set.formUnion(Ticket.State.allCases.filter(\.isActive)); continue }
                guard let state = Ticket.State(rawValue: name) else {
                    throw APIError(.badRequest, "unknown state '\(name)' (states: active, \(Ticket.State.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                set.insert(state)
            }
            filter.states = set
        }
        filter.severity = APIResponse.query(request, "severity")
        filter.community = APIResponse.query(request, "community")
        filter.building = APIResponse.query(request, "building")
        filter.grid = APIResponse.query(request, "grid")
        filter.category = APIResponse.query(request, "category")
        filter.item = APIResponse.query(request, "item")
        filter.device = APIResponse.query(request, "device")
        filter.team = APIResponse.query(request, "team")
        if let level = APIResponse.query(request, "level") {
            guard let value = Int(level), (0...3).contains(value) else { throw APIError(.badRequest, "'level' must be 0-3") }
            filter.minEscalationLevel = value
        }
        filter.openedFromMs = try APIResponse.moment(request, "opened_from")
        if let limit = APIResponse.query(request, "limit") {
            guard let value = Int(limit), (1...5000).contains(value) else { throw APIError(.badRequest, "'limit' must be 1-5000") }
            filter.limit = value
        }
        let view = try TicketView(environment: environment, caller: caller)
        let tickets = try environment.database.tickets(filter)
        return APIResponse.json(.object(["now": environment.time(environment.nowMs()), "tickets": .array(tickets.map { view.json($0) })]))
    }

    func show(_ context: APIRequestContext) throws -> Response {
        let caller = try context.require(.viewer)
        let id = try context.parameters.require("id")
        guard let ticket = try environment.database.ticket(id: id) else { throw APIError(.notFound, "no ticket \(id)") }
        return APIResponse.json(try detail(ticket, caller: caller))
    }

    /// One ticket with its timeline and, for a wristband and a caller who may see it, the wearer's latest values.
    func detail(_ ticket: Ticket, caller: APICaller) throws -> JSONValue {
        let view = try TicketView(environment: environment, caller: caller, devices: [ticket.device])
        guard case var .object(object) = view.json(ticket, withTimeline: true) else { return .null }
        if caller.seesPersonalData, ticket.deviceType == "wristband",
           let reading = try environment.database.readings(device: ticket.device, limit: 1).last,
           case let .object(values)? = try? JSONParser.parse(Array(reading.payload.utf8)) {
            let now = environment.nowMs()
            var wearer: [String: JSONValue] = ["at": environment.time(reading.receivedAtMs),
                                               "age_seconds": .int(max(0, now - reading.receivedAtMs) / 1000)]
            for field in ["hr_bpm", "spo2", "lat", "lon", "worn", "skin_temp_c"] { wearer[field] = values[field] ?? .null }
            object["wearer"] = .object(wearer)
        }
        return .object(object)
    }

    func act(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let caller = try context.require(.responder)
        let id = try context.parameters.require("id")
        let event = try TicketView.event(try context.parameters.require("action"), body: try await APIResponse.object(request))
        let environment = environment
        return try await environment.blocking {
            let ticket = try perform { try environment.desk.act(event, on: id, by: caller.name) }
            return APIResponse.json(try detail(ticket, caller: caller))
        }
    }

    func acknowledgeMany(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let caller = try context.require(.responder)
        let body = try await APIResponse.object(request)
        guard case let .array(items)? = body["ids"], !items.isEmpty, items.count <= 500 else {
            throw APIError(.badRequest, "bulk acknowledge needs 'ids': a list of 1-500 ticket ids")
        }
        let ids = try items.map { item -> String in
            guard case let .string(id) = item else { throw APIError(.badRequest, "'ids' must hold strings") }
            return id
        }
        let environment = environment
        let view = try await environment.blocking { try TicketView(environment: environment, caller: caller) }
        var results: [JSONValue] = []
        // Each ticket on its own: one that fails (its state, or the database) never hides what
        // the others did, so a client never retries acknowledgements that already happened.
        for id in ids {
            do {
                let ticket = try await environment.blocking { try perform { try environment.desk.act(.acknowledge, on: id, by: caller.name) } }
                results.append(.object(["id": .string(id), "ok": .bool(true), "ticket": view.json(ticket)]))
            } catch {
                let message = (error as? APIError)?.message ?? "could not be acknowledged now: \(error)"
                results.append(.object(["id": .string(id), "ok": .bool(false), "error": .string(message)]))
            }
            await Task.yield()
        }
        return APIResponse.json(.object(["results": .array(results)]))
    }

    func create(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let caller = try context.require(.responder)
        let body = try await APIResponse.object(request)
        let routes = self
        return try await environment.blocking { try routes.open(body, caller: caller) }
    }

    /// Logs the request in `body`; a catalogue `item` stands for the category (its class) and,
    /// unless `severity` is given, the tier.
    func open(_ body: [String: JSONValue], caller: APICaller) throws -> Response {
        var device: Device?
        if let id = try APIResponse.string(body, "device") {
            guard let stored = try environment.database.device(id: id) else { throw APIError(.badRequest, "no device \(id)") }
            device = stored.device
        }
        let requestText = try APIResponse.requiredString(body, "text", for: "a request")
        for field in ["community", "building", "unit"] {
            // These become topic segments (alerts) and path parts: no MQTT wildcards or separators.
            if let value = try APIResponse.string(body, field), value.contains(where: { "+#/".contains($0) || $0.isNewline || $0.asciiValue.map { $0 < 0x20 } == true }) {
                throw APIError(.badRequest, "'\(field)' may not contain +, #, / or control characters")
            }
        }
        let item = try APIResponse.string(body, "item")
        var ticketRequest = TicketDesk.Request(
            category: item == nil ? try APIResponse.requiredString(body, "category", for: "a request") : "",
            severity: try APIResponse.string(body, "severity") ?? (item == nil ? "general" : ""),
            community: try APIResponse.string(body, "community") ?? device?.community ?? "",
            building: try APIResponse.string(body, "building") ?? device?.building ?? "",
            unit: try APIResponse.string(body, "unit") ?? device?.unit ?? "", text: requestText, device: device)
        ticketRequest.skill = try APIResponse.string(body, "skill")
        ticketRequest.item = item
        ticketRequest.place = try environment.database.place(of: ticketRequest)
        let ticket = try perform { try environment.desk.open(ticketRequest, by: caller.name) }
        var response = APIResponse.json(try detail(ticket, caller: caller), status: .created)
        response.headers[.location] = "/api/v1/tickets/\(ticket.id)"
        return response
    }

    /// The desk's refusals as 404, 409 or 400; the ticket is unchanged (its transaction rolled back).
    func perform(_ body: () throws -> Ticket) throws -> Ticket {
        do {
            return try body()
        } catch let error as TicketTransitionError {
            switch error {
            case .missingText: throw APIError(.badRequest, error.description)
            default: throw APIError(.conflict, error.description)
            }
        } catch let error as TicketDeskError {
            switch error {
            case .unknownTicket: throw APIError(.notFound, error.description)
            case .outOfOrder: throw APIError(.conflict, error.description)
            default: throw APIError(.badRequest, error.description)
            }
        }
    }
}
