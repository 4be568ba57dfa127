import Foundation
import Testing

/// Dispatch on a live gateway with a real broker: a smoke alarm goes to the fire-trained
/// worker of its grid, a decline sends the next nearest, the staff app's position reaching the
/// flat records the arrival, and the way there is the ticket's trajectory.
@Suite(.serialized) struct DispatchIntegrationTests {
    /// A two-building site around 32.06 N, 118.78 E; 0.001° of latitude is about 111 m.
    static func writeSite(in directory: String) throws -> String {
        try """
        id,type,community,building,unit,resident,installed,grid,lat,lon
        smoke-b01-0101,smoke,demo,b01,0101,,,G1,32.0600,118.7800
        smoke-b02-0101,smoke,demo,b02,0101,,,G2,32.0610,118.7800
        """.write(toFile: directory + "/inventory.csv", atomically: true, encoding: .utf8)
        try """
        id,name,team,grids,skills,phone,lat,lon
        guard-a,Guard A,grid,G1,fire_safety,13800000001,32.0627,118.7800
        guard-b,Guard B,grid,G2,fire_safety,13800000002,32.0610,118.7810
        nurse-c,Nurse C,grid,G1,first_aid,13800000003,32.0601,118.7800
        """.write(toFile: directory + "/roster.csv", atomically: true, encoding: .utf8)
        let repository = TestPaths.repository
        let path = directory + "/gridwatch.yaml"
        try TestPaths.shipCatalogue(to: directory)
        try """
        devices:
          types: \(repository)/devices
          inventory: \(directory)/inventory.csv
        rules:
          directory: \(repository)/config/rules
        sla:
          calendar: \(repository)/config/calendars/cn-2026.yaml
        storage:
          database: \(directory)/gridwatch.db
        staff:
          roster: \(directory)/roster.csv
        dispatch:
          resources: \(repository)/config/resources.csv
        """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func aSmokeAlarmIsDispatchedDeclinedRedispatchedAndReached() throws {
        let directory = try TestPaths.temporaryDirectory("dispatch-live")
        let config = try Self.writeSite(in: directory)
        let broker = try TestBroker(directory: directory)
        defer { broker.stop() }
        let gateway = TestGateway(broker: broker, directory: directory, configPath: config)
        let responder = try createToken(name: "duty-li", role: "responder", config: config, directory: directory)
        try gateway.start()
        defer { _ = gateway.terminate() }
        let api = APIClient(port: gateway.httpPort)
        let alerts = try subscribe(broker: broker, topic: "gridwatch/+/alerts/#", directory: directory)
        defer { alerts.stop(SIGKILL) }

        #expect(try publishSmokeAlarm(broker: broker, device: "smoke-b01-0101", directory: directory))
        var ticket: [String: Any] = [:]
        #expect(eventually(timeout: 15) {
            ticket = api.object("GET", "/api/v1/tickets/T-000001", token: responder).object
            return ticket["dispatch"] is [String: Any]
        }, "\(ticket)\n\(gateway.process?.log ?? "")")
        let dispatch = ticket["dispatch"] as? [String: Any] ?? [:]
        #expect(dispatch["assignee"] as? String == "guard-a" && ticket["assignee"] as? String == "guard-a", "\(dispatch)")
        #expect(dispatch["distance_m"] as? Int == 300, "G1's fire-trained worker, 300 m away; the nurse lacks the skill")
        #expect(ticket["grid"] as? String == "G1")
        let resources = (dispatch["resources"] as? [[String: Any]] ?? []).compactMap { $0["class"] as? String }
        #expect(Set(resources) == ["fire_station", "aed"], "the smoke rule's resources within 3 km: \(resources)")

        let declined = api.object("POST", "/api/v1/tickets/T-000001/decline", token: responder, body: #"{"reason": "at another call"}"#)
        #expect(declined.status == 200, "\(declined)")
        #expect(declined.object["assignee"] as? String == "guard-b", "the next nearest with the skill: \(declined.object)")
        let refused = api.call("POST", "/api/v1/tickets/T-000001/decline", token: responder, body: "{}")
        #expect(refused.status == 400, "a decline needs its reason: \(refused)")

        // Guard B walks over: still 150 m away, then at the door.
        #expect(try publishStaffLocation(broker: broker, staff: "guard-b", lat: 32.0600, lon: 118.7818, directory: directory))
        #expect(try publishStaffLocation(broker: broker, staff: "guard-b", lat: 32.06003, lon: 118.78002, directory: directory))
        #expect(eventually(timeout: 15) {
            ticket = api.object("GET", "/api/v1/tickets/T-000001", token: responder).object
            return ticket["arrived_at"] is String
        }, "\(ticket)")
        let timeline = (ticket["timeline"] as? [[String: Any]] ?? []).compactMap { $0["action"] as? String }
        #expect(timeline.filter { ["dispatched", "declined", "arrived"].contains($0) } == ["dispatched", "declined", "dispatched", "arrived"], "\(timeline)")

        let trajectory = api.object("GET", "/api/v1/tickets/T-000001/trajectory", token: responder).object
        #expect(trajectory["assignee"] as? String == "guard-b")
        #expect((trajectory["points"] as? [[String: Any]])?.count == 2, "\(trajectory)")
        let heat = api.object("GET", "/api/v1/reports/heatmap?days=1&by=grid", token: responder).object
        let cells = heat["cells"] as? [[String: Any]] ?? []
        #expect(heat["by"] as? String == "grid" && cells.contains { $0["grid"] as? String == "G1" && $0["tickets"] as? Int == 1 }, "\(heat)")
        #expect(api.call("GET", "/api/v1/reports/heatmap?days=1&by=street", token: responder).status == 400)
        #expect(eventually(timeout: 10) { alerts.log.contains("\"event\":\"ticket_dispatched\"") && alerts.log.contains("\"event\":\"ticket_arrived\"") },
                "\(alerts.log)")
    }
}
