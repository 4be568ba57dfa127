import Devices
import Formats
import Foundation
import Hummingbird
import Storage
import Tickets

/// `/api/v1/requests`: residents' requests from a community app's backend or a kiosk (role
/// `intake`) or the duty officer (a phone call, a visit), one ticket per request id; and
/// `/api/v1/catalogue`, the items a request may name. A status shows the ticket's id, state,
/// item and times, never a person: the requester may show it to anyone.
struct RequestRoutes {
    let environment: APIEnvironment

    func add(to group: RouterGroup<APIRequestContext>) {
        group.post("requests") { request, context in try await create(request, context) }
        group.get("requests/:request_id") { request, context in try await environment.blocking { try status(request, context) } }
        group.get("catalogue") { _, context in try catalogue(context) }
    }

    func create(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let caller = try context.require(intakeOr: .responder)
        let body = try await APIResponse.object(request)
        let routes = self
        return try await environment.blocking { try routes.submit(body, caller: caller) }
    }

    /// Checks `body` as MQTT's intake checks a payload; a refusal is kept in `rejected` with its
    /// reason and answered 400 (malformed) or 422 (an item or unit we do not know).
    func submit(_ body: [String: JSONValue], caller: APICaller) throws -> Response {
        let now = environment.nowMs()
        func text(_ name: String) -> String? { if case let .string(value)? = body[name] { value } else { nil } }
        let community = text("community") ?? ""
        let units = UnitDirectory(try environment.database.devices(type: nil, community: community).map(\.device))
        let check = ResidentRequestCheck(catalogue: environment.desk.catalogue, units: units)
        var outcome = check.check(community: community, source: text("source") ?? "api", values: body, receivedAtMs: now)
        for name in ["community", "source"] where body[name].map({ $0 != .null && text(name) == nil }) == true {
            outcome = .failure(ResidentRequestRejection(.invalidField, field: name, "'\(name)' must be a string"))
        }
        switch outcome {
        case let .failure(rejection):
            return try refuse(rejection, body: body, atMs: now)
        case let .success(request):
            let submitted: SubmittedRequest
            do {
                submitted = try environment.desk.submit(request, by: caller.name)
            } catch let error as TicketDeskError {
                throw APIError(.unprocessableContent, error.description)
            }
            var response = APIResponse.json(statusJSON(submitted.stored, ticket: submitted.ticket), status: submitted.created ? .created : .ok)
            response.headers[.location] = "/api/v1/requests/\(request.requestID)?community=\(request.community)"
            return response
        }
    }

    /// Keeps a refused request in `rejected` with its reason and answers with the field at fault.
    func refuse(_ rejection: ResidentRequestRejection, body: [String: JSONValue], atMs: Int64) throws -> Response {
        let bodyText = JSONValue.object(body).jsonText
        try environment.database.recordRejection(Rejection(topic: "POST /api/v1/requests", reason: rejection.reason, detail: rejection.detail,
                                                           receivedAtMs: atMs, deviceID: nil, payloadPrefix: Array(bodyText.utf8.prefix(Rejection.keptBytes)),
                                                           payloadSize: bodyText.utf8.count))
        let unknown = rejection.reason == .unknownItem || rejection.reason == .unknownUnit
        return APIResponse.json(.object(["error": .string(rejection.detail), "reason": .string(rejection.reason.rawValue),
                                         "field": rejection.field.map { .string($0) } ?? .null]),
                                status: unknown ? .unprocessableContent : .badRequest)
    }

    /// `GET /api/v1/requests/{request_id}[?community=C]`: the community may be left out while
    /// the id is unique across communities.
    func status(_ request: Request, _ context: APIRequestContext) throws -> Response {
        _ = try context.require(intakeOr: .viewer)
        let requestID = try context.parameters.require("request_id")
        let found = try environment.database.residentRequests(requestID: requestID, community: APIResponse.query(request, "community"))
        guard let stored = found.first else { throw APIError(.notFound, "no request \(requestID)") }
        guard found.count == 1 else {
            throw APIError(.conflict, "request id \(requestID) is used in several communities: add ?community=")
        }
        return APIResponse.json(statusJSON(stored, ticket: try stored.ticketID.flatMap { try environment.database.ticket(id: $0) }))
    }

    /// The status of `stored`: its ticket's, or `received` while the office has not opened it yet.
    func statusJSON(_ stored: StoredResidentRequest, ticket: Ticket?) -> JSONValue {
        guard let ticket, case let .object(contract) = ticket.contractJSON(timeZone: environment.timeZone) else {
            return .object(["request_id": .string(stored.request.requestID), "source": .string(stored.request.source),
                            "community": .string(stored.request.community), "status": .string("received"),
                            "item": .string(stored.request.item), "ticket_id": .null])
        }
        return RequestStatus.json(ticket: contract, status: nil, at: environment.time(ticket.updatedAt))
    }

    /// The demand catalogue for forms: classes and their items with both titles and tier.
    func catalogue(_ context: APIRequestContext) throws -> Response {
        _ = try context.require(intakeOr: .viewer)
        let classes = environment.desk.catalogue.classes.map { demandClass -> JSONValue in
            .object(["id": .string(demandClass.id), "title": .object(["zh": .string(demandClass.title.zh), "en": .string(demandClass.title.en)]),
                     "items": .array(demandClass.items.map { item in
                         .object(["id": .string(item.id), "tier": .string(item.tier), "complaint": .bool(item.complaint),
                                  "title": .object(["zh": .string(item.title.zh), "en": .string(item.title.en)])])
                     })])
        }
        return APIResponse.json(.object(["classes": .array(classes)]))
    }
}
