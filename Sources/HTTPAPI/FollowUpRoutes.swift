import Devices
import Foundation
import Hummingbird
import Storage
import Tickets

/// `/api/v1/follow-ups`: the follow-up queue (回访), soonest due first; `?overdue=true` only
/// those past due, `?community=` one community. Recording one is the ticket action `follow_up`.
struct FollowUpRoutes {
    let environment: APIEnvironment

    func add(to group: RouterGroup<APIRequestContext>) {
        group.get("follow-ups") { request, context in try await environment.blocking { try queue(request, context) } }
    }

    func queue(_ request: Request, _ context: APIRequestContext) throws -> Response {
        let caller = try context.require(.viewer)
        let overdue = APIResponse.query(request, "overdue")
        if let overdue, !["true", "false"].contains(overdue) { throw APIError(.badRequest, "'overdue' must be true or false") }
        var limit = 500
        if let text = APIResponse.query(request, "limit") {
            guard let value = Int(text), (1...5000).contains(value) else { throw APIError(.badRequest, "'limit' must be 1-5000") }
            limit = value
        }
        let nowMs = environment.nowMs()
        let tickets = try FollowUpQueue.tickets(in: environment.database, community: APIResponse.query(request, "community"),
                                                overdueAt: overdue == "true" ? nowMs : nil, limit: limit)
        let view = try TicketView(environment: environment, caller: caller, devices: tickets.map(\.device))
        return APIResponse.json(.object(["now": environment.time(nowMs), "follow_ups": .array(tickets.map { view.json($0) })]))
    }
}
