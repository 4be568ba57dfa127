import Devices
import Foundation
import GridDispatch
@testable import HTTPAPI
import Testing

/// A staff member as `/api/v1/staff` shows them: the contract's fields, and the phone, base
/// and live position only for the roles that see personal data.
@Suite struct StaffViewTests {
    static let member = StaffMember(id: "S01", name: "王芳", team: "grid", grids: ["G1"], skills: ["elderly_care", "first_aid"],
                                    phone: "+86 138 0000 0101", base: GeoPoint(latitude: 32.0612, longitude: 118.7791)!)

    @Test func respondersSeeThePhoneBaseAndPositionViewersDoNot() throws {
        let live = StaffPosition(point: GeoPoint(latitude: 32.0601, longitude: 118.7802)!, atMs: 1_772_416_800_000)
        let state = StaffState(member: Self.member, onDuty: true, livePosition: live)
        let zone = TimeZone(identifier: "Asia/Shanghai")!
        let full = StaffView.json(state, personal: true, timeZone: zone)
        #expect(full == .object([
            "id": .string("S01"), "name": .string("王芳"), "team": .string("grid"), "grids": .array([.string("G1")]),
            "skills": .array([.string("elderly_care"), .string("first_aid")]), "on_duty": .bool(true), "phone": .string("+86 138 0000 0101"),
            "base": .object(["lat": .double(32.0612), "lon": .double(118.7791)]),
            "position": .object(["lat": .double(32.0601), "lon": .double(118.7802), "at": .string("2026-03-02T10:00:00+08:00")]),
        ]))
        let viewer = StaffView.json(state, personal: false, timeZone: zone).jsonText
        for personal in ["phone", "base", "position", "138", "32.06"] { #expect(!viewer.contains(personal), "\(personal) shown to a viewer") }
        #expect(viewer.contains("\"on_duty\":true") && viewer.contains("\"grids\":[\"G1\"]"))

        let unplaced = StaffView.json(StaffState(member: Self.member, onDuty: false), personal: true, timeZone: zone).jsonText
        #expect(unplaced.contains("\"position\":null") && unplaced.contains("\"on_duty\":false"), "no live position yet: null, not absent")
    }
}
