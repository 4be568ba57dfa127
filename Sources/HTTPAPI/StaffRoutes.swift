import Devices
import Foundation
import GridDispatch
import Hummingbird

/// `/api/v1/staff`: the roster with who is on duty now, and for responders and admins each
/// person's phone, base and newest live position (`?on_duty=true` and `?team=` filter).
struct StaffRoutes {
    let environment: APIEnvironment

    func add(to group: RouterGroup<APIRequestContext>) {
        group.get("staff") { request, context in try list(request, context) }
        group.get("staff/:id") { _, context in try show(context) }
    }

    func list(_ request: Request, _ context: APIRequestContext) throws -> Response {
        let caller = try context.require(.viewer)
        let onDuty = APIResponse.query(request, "on_duty")
        if let onDuty, !["true", "false"].contains(onDuty) { throw APIError(.badRequest, "on_duty must be true or false") }
        let team = APIResponse.query(request, "team")
        let shown = states().filter { state in
            (onDuty.map { ($0 == "true") == state.onDuty } ?? true) && (team.map { $0 == state.member.team } ?? true)
        }
        let staff = shown.map { StaffView.json($0, personal: caller.seesPersonalData, timeZone: environment.timeZone) }
        return APIResponse.json(.object(["now": environment.time(environment.nowMs()), "staff": .array(staff)]))
    }

    func show(_ context: APIRequestContext) throws -> Response {
        let caller = try context.require(.viewer)
        let id = try context.parameters.require("id")
        guard let state = states().first(where: { $0.member.id == id }) else { throw APIError(.notFound, "no staff member \(id)") }
        return APIResponse.json(StaffView.json(state, personal: caller.seesPersonalData, timeZone: environment.timeZone))
    }

    private func states() -> [StaffState] {
        environment.staff?.states(atMs: environment.nowMs(), activeTickets: [:]) ?? []
    }
}
