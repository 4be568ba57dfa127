import Devices
import Formats
import Foundation
import Hummingbird
import Tickets

/// `GET /api/v1/tickets/{id}/trajectory`: the way the dispatched person took, from the
/// dispatch to the arrival (or now). Positions of staff are personal data: responders only.
extension TicketRoutes {
    /// At most this many points, oldest first: hours of a 15-second cadence.
    static let trajectoryLimit = 2000

    func trajectory(_ context: APIRequestContext) throws -> Response {
        _ = try context.require(.responder)
        let id = try context.parameters.require("id")
        guard let ticket = try environment.database.ticket(id: id) else { throw APIError(.notFound, "no ticket \(id)") }
        var object: [String: JSONValue] = [
            "ticket": .string(ticket.id), "assignee": ticket.dispatch?.assignee.map { .string($0) } ?? .null,
            "dispatched_at": ticket.dispatchedAt.map(environment.time) ?? .null, "arrived_at": ticket.arrivedAt.map(environment.time) ?? .null,
            "points": .array([]),
        ]
        if let assignee = ticket.dispatch?.assignee, let from = ticket.dispatchedAt {
            // The arrival's own point included: the store's upper bound is exclusive.
            let until = (ticket.arrivedAt ?? environment.nowMs()) + 1
            let points = try environment.database.staffPositions(staffID: assignee, fromMs: from, toMs: until, limit: Self.trajectoryLimit)
            object["points"] = .array(points.map { .object(["lat": .double($0.point.latitude), "lon": .double($0.point.longitude), "at": environment.time($0.atMs)]) })
        }
        return APIResponse.json(.object(object))
    }
}
