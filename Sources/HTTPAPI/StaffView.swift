import Devices
import Formats
import Foundation
import GridDispatch

/// One staff member as the API and `gridwatch staff` show them: `{"id", "name", "team",
/// "grids", "skills", "on_duty", "phone", "base", "position"}`. The phone number, the base
/// and the live position are personal data: left out unless `personal` (responder, admin).
public enum StaffView {
    public static func json(_ state: StaffState, personal: Bool, timeZone: TimeZone) -> JSONValue {
        let member = state.member
        var object: [String: JSONValue] = [
            "id": .string(member.id), "name": .string(member.name), "team": .string(member.team),
            "grids": .array(member.grids.map { .string($0) }), "skills": .array(member.skills.map { .string($0) }),
            "on_duty": .bool(state.onDuty),
        ]
        guard personal else { return .object(object) }
        object["phone"] = .string(member.phone)
        object["base"] = point(member.base)
        object["position"] = state.livePosition.map { live in
            guard case var .object(position) = point(live.point) else { return .null }
            position["at"] = .string(RFC3339.format(milliseconds: live.atMs, timeZone: timeZone))
            return .object(position)
        } ?? .null
        return .object(object)
    }

    static func point(_ point: GeoPoint) -> JSONValue { .object(["lat": .double(point.latitude), "lon": .double(point.longitude)]) }
}
