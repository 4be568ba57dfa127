import Foundation
import GridDispatch
import XCTest

/// Who goes: on duty, skilled, willing, in reach; grid first, then distance, then load, then id.
final class DispatcherTests: XCTestCase {
    typealias F = DispatchFixture

    /// A: grid G1, first aid, 800 m north. B: grid G2, first aid, 300 m east.
    /// C: grid G1, no skill, 200 m south. D: grid G1, first aid, 5 km west.
    static let a = F.member("A", grids: ["G1"], skills: ["first_aid"], north: 800)
    static let b = F.member("B", grids: ["G2"], skills: ["first_aid"], east: 300)
    static let c = F.member("C", grids: ["G1"], north: -200)
    static let d = F.member("D", grids: ["G1"], skills: ["first_aid"], east: -5000)
    static let everyone = [a, b, c, d].map { F.state($0) }

    static func request(grid: String? = "G1", skill: String? = "first_aid", declinedBy: Set<String> = [],
                        maxDistanceMetres: Double = 3000, location: GeoPoint? = F.site) -> DispatchRequest {
        DispatchRequest(grid: grid, location: location, requiredSkill: skill, declinedBy: declinedBy,
                        settings: DispatchSettings(maxDistanceMetres: maxDistanceMetres))
    }

    func choose(_ request: DispatchRequest, _ staff: [StaffState] = everyone) -> DispatchDecision {
        Dispatcher().choose(for: request, staff: staff, nowMs: F.now)
    }

    func testTableOfChoices() {
        let cases: [(name: String, request: DispatchRequest, assignee: String?, candidates: [String])] = [
            ("grid preferred over a nearer person of another grid", Self.request(), "A", ["A", "B"]),
            ("skill filter: C is nearest in grid but has no first aid", Self.request(), "A", ["A", "B"]),
            ("no skill named: anyone on duty, C nearest in grid", Self.request(skill: nil), "C", ["C", "A", "B"]),
            ("empty skill is no skill", Self.request(skill: ""), "C", ["C", "A", "B"]),
            ("no grid: nearest wins", Self.request(grid: nil), "B", ["B", "A"]),
            ("grid nobody covers: nearest wins", Self.request(grid: "G9"), "B", ["B", "A"]),
            ("max distance cuts the grid worker at 800 m", Self.request(maxDistanceMetres: 500), "B", ["B"]),
            ("radius wide enough for D", Self.request(maxDistanceMetres: 6000), "A", ["A", "D", "B"]),
            ("declined staff excluded", Self.request(declinedBy: ["A"]), "B", ["B"]),
            ("unknown skill", Self.request(skill: "diving"), nil, []),
            ("radius too small for anyone", Self.request(maxDistanceMetres: 100), nil, []),
        ]
        for test in cases {
            let decision = choose(test.request)
            XCTAssertEqual(decision.assignee, test.assignee, test.name)
            XCTAssertEqual(decision.candidates.map(\.id), test.candidates, test.name)
        }
    }

    func testReasonsSayWhy() {
        let cases: [(name: String, request: DispatchRequest, staff: [StaffState], reason: String)] = [
            ("same grid", Self.request(), Self.everyone, "same grid G1, nearest on duty with skill first_aid 800 m (base position)"),
            ("other grid", Self.request(maxDistanceMetres: 500), Self.everyone,
             "nobody of grid G1 in reach, nearest on duty with skill first_aid 300 m (base position)"),
            ("no grid, no skill", Self.request(grid: nil, skill: nil), Self.everyone, "nearest on duty 200 m (base position)"),
            ("out of reach", Self.request(maxDistanceMetres: 100), Self.everyone,
             "nobody on duty with skill first_aid within 100 m; nearest is B at 300 m (base position)"),
            ("nobody skilled", Self.request(skill: "diving"), Self.everyone, "nobody on duty with skill diving"),
            ("nobody on duty", Self.request(), Self.everyone.map { F.state($0.member, onDuty: false) }, "nobody on duty"),
            ("all declined", Self.request(declinedBy: ["A", "B", "D"]), Self.everyone,
             "all 3 on duty with skill first_aid declined this ticket"),
            ("the only one declined", Self.request(declinedBy: ["A"]), [F.state(Self.a)],
             "the only one on duty with skill first_aid declined this ticket"),
        ]
        for test in cases {
            XCTAssertEqual(choose(test.request, test.staff).reason, test.reason, test.name)
        }
    }

    func testNeverSomeoneOffDutyHoweverClose() {
        let staff = [F.state(Self.c, onDuty: false), F.state(Self.a), F.state(Self.b, onDuty: false)]
        let decision = choose(Self.request(skill: nil), staff)
        XCTAssertEqual(decision.assignee, "A")
        XCTAssertEqual(decision.candidates.map(\.id), ["A"])
    }

    func testNobodyAvailableIsADecisionWithNullsAndResourcesStillListed() throws {
        let resources = ServiceResources(resources: [
            ServiceResource(id: "AED-1", name: "AED at gate", resourceClass: "aed", location: F.point(east: 60)),
        ])
        var request = Self.request(maxDistanceMetres: 100)
        request.resourceClasses = ["aed"]
        let decision = Dispatcher(resources: resources).choose(for: request, staff: Self.everyone, nowMs: F.now)
        XCTAssertTrue(decision.nobodyAvailable)
        XCTAssertNil(decision.distanceMetres)
        XCTAssertEqual(decision.resources, [ResourceMatch(id: "AED-1", resourceClass: "aed", distanceMetres: 60)])
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = String(decoding: try encoder.encode(decision), as: UTF8.self)
        XCTAssertEqual(json, #"{"assignee":null,"candidates":[],"distance_m":null,"#
            + #""reason":"nobody on duty with skill first_aid within 100 m; nearest is B at 300 m (base position)","#
            + #""resources":[{"class":"aed","distance_m":60,"id":"AED-1"}]}"#)
        XCTAssertEqual(try JSONDecoder().decode(DispatchDecision.self, from: Data(json.utf8)), decision)
    }

    func testDecisionEncodesTheContractObject() throws {
        let decision = choose(Self.request())
        let data = try JSONEncoder().encode(decision)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        XCTAssertEqual(Set(object.keys), ["assignee", "distance_m", "reason", "candidates", "resources"])
        XCTAssertEqual(object["assignee"] as? String, "A")
        XCTAssertEqual(object["distance_m"] as? Int, 800)
        let candidates = try XCTUnwrap(object["candidates"] as? [[String: Any]])
        XCTAssertEqual(candidates.map { Set($0.keys) }, [["id", "distance_m"], ["id", "distance_m"]])
        XCTAssertEqual(candidates.map { $0["distance_m"] as? Int }, [800, 300])
        XCTAssertEqual(try JSONDecoder().decode(DispatchDecision.self, from: data), decision)
    }

    func testTheSameInputGivesTheSameDecisionInAnyOrder() {
        let twins = [F.member("Z", grids: ["G1"], north: 100), F.member("Y", grids: ["G1"], north: 100),
                     F.member("X", grids: ["G1"], north: 100)].map { F.state($0, activeTickets: 1) }
        let staff = Self.everyone + twins
        let expected = choose(Self.request(skill: nil), staff)
        XCTAssertEqual(expected.assignee, "X")
        XCTAssertEqual(expected.candidates.map(\.id), ["X", "Y", "Z", "C", "A", "B"])
        XCTAssertEqual(expected.reason, "same grid G1, nearest on duty 100 m (base position); tied with Y, first by id")
        for _ in 0..<20 {
            XCTAssertEqual(choose(Self.request(skill: nil), staff.shuffled()), expected)
        }
    }
}
