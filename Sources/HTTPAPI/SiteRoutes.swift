import Devices
import Formats
import Foundation
import GridDispatch
import Hummingbird
import Storage

/// `/api/v1/site`: one community's site plan drawn from the inventory (buildings with their
/// grid and position, grids with their buildings, the bounding box), for a map without tiles.
struct SiteRoutes {
    let environment: APIEnvironment

    func add(to group: RouterGroup<APIRequestContext>) {
        group.get("site") { request, context in try await environment.blocking { try site(request, context) } }
    }

    func site(_ request: Request, _ context: APIRequestContext) throws -> Response {
        _ = try context.require(.viewer)
        let devices = try environment.database.devices().map(\.device)
        let communities = SitePlan.communities(devices)
        // Without a choice, the first community in name order: one map to open on.
        guard let community = APIResponse.query(request, "community") ?? communities.first else {
            throw APIError(.notFound, "no community: the inventory is empty")
        }
        return APIResponse.json(Self.json(SitePlan(community: try environment.knownCommunity(community, among: communities), devices: devices)))
    }

    static func json(_ plan: SitePlan) -> JSONValue {
        let bounds: JSONValue = plan.bounds.map { box in
            .object(["min_lat": .double(box.minLatitude), "min_lon": .double(box.minLongitude),
                     "max_lat": .double(box.maxLatitude), "max_lon": .double(box.maxLongitude)])
        } ?? .null
        return .object([
            "community": .string(plan.community),
            "bounds": bounds,
            "buildings": .array(plan.buildings.map { building in
                .object(["building": .string(building.name), "grid": .string(building.grid),
                         "lat": building.position.map { .double($0.latitude) } ?? .null,
                         "lon": building.position.map { .double($0.longitude) } ?? .null,
                         "units": .int(Int64(building.units))])
            }),
            "grids": .array(plan.grids.map { grid in
                .object(["grid": .string(grid.name), "buildings": .array(grid.buildings.map { .string($0) })])
            }),
        ])
    }
}
