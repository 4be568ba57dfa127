#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Storage
import Testing
import Tickets

/// Residents' requests end to end on a real mosquitto: a request on the request topic opens
/// one ticket however often it is sent (also after a restart), a bad one is stored as rejected
/// with its reason, and the requester's status topic hears accepted, then resolved once staff
/// resolve it. Over HTTP an intake token creates requests and reads their status, and nothing else.
@Suite(.serialized) struct RequestIntegrationTests {
    static func publish(_ broker: TestBroker, source: String = "app", payload: String, directory: String) throws -> Bool {
        let pub = try ChildProcess(name: "pub-request", executable: "/usr/bin/mosquitto_pub", arguments: [
            "-h", "127.0.0.1", "-p", String(broker.port), "-q", "1", "-t", "gridwatch/demo/requests/\(source)", "-m", payload,
        ], logDirectory: directory)
        return pub.waitForExit(timeout: 10) == 0
    }

    static func request(_ id: String, item: String = "lock_repair", unit: String = "0101") -> String {
        #"{"ts": \#(Int64(Date().timeIntervalSince1970 * 1000)), "request_id": "\#(id)", "building": "b01", "unit": "\#(unit)", "item": "\#(item)", "text": "门锁坏了"}"#
    }

    static func config(in directory: String) throws -> String {
        try CommandLineTests.writeConfig(in: directory, extra: "tickets:\n  catalogue: \(TestPaths.repository)/config/catalogue.yaml\n")
    }

    static func ticketsOf(_ requestID: String, _ gateway: TestGateway) -> [Ticket] {
        ((try? gateway.database().tickets(TicketFilter())) ?? []).filter { $0.requestID == requestID }
    }

    @Test func aRequestOverMQTTOpensOneTicketAndItsRequesterHearsItsProgress() throws {
        let directory = try TestPaths.temporaryDirectory("requests-mqtt")
        let broker = try TestBroker(directory: directory)
        defer { broker.stop() }
        let config = try Self.config(in: directory)
        var gateway = TestGateway(broker: broker, directory: directory, configPath: config)
        try gateway.start()
        defer { _ = gateway.terminate() }
        let status = try subscribe(broker: broker, topic: "gridwatch/demo/requests/+/+/status", directory: directory)
        defer { status.stop(SIGKILL) }

        for _ in 1...3 { #expect(try Self.publish(broker, payload: Self.request("app-1"), directory: directory)) }
        #expect(try Self.publish(broker, payload: Self.request("app-2", item: "pizza"), directory: directory))
        #expect(try Self.publish(broker, payload: Self.request("app-3", unit: "9999"), directory: directory))
        #expect(try Self.publish(broker, payload: #"{"building": "b01"}"#, directory: directory))
        // The refusals were sent after the three copies: once they are stored, so are the copies.
        #expect(eventually(timeout: 15) { ((try? gateway.database().rejections().count) ?? 0) == 3 })
        let reasons = try gateway.database().rejections().map(\.reason).sorted()
        #expect(reasons == ["missing_field", "unknown_item", "unknown_unit"], "\(reasons)")
        #expect(eventually(timeout: 10) { Self.ticketsOf("app-1", gateway).count == 1 })
        let ticket = try #require(Self.ticketsOf("app-1", gateway).first)
        #expect(ticket.source == "app" && ticket.item == "lock_repair" && ticket.category == "repairs" && ticket.request == "门锁坏了")
        #expect(eventually(timeout: 10) { status.log.contains("gridwatch/demo/requests/app/app-1/status") && status.log.contains("\"accepted\"") },
                "\(status.log)")

        let resolved = try CommandLineTests.gridwatch(["tickets", "resolve", ticket.id, "--config", config, "--by", "wang", "--note", "lock replaced"],
                                                      in: directory)
        #expect(resolved.status == 0, "\(resolved.output)")
        #expect(eventually(timeout: 10) { status.log.contains("\"resolved\"") }, "\(status.log)")
        let lines = status.log.split(separator: "\n").filter { $0.contains("app-1/status") }
        #expect(lines.first?.contains("\"accepted\"") == true && lines.last?.contains("\"resolved\"") == true, "\(lines)")
        #expect(!status.log.contains("wang") && !status.log.contains("lock replaced"), "no staff name or note goes to the requester")

        // After a restart the same request is still the same ticket.
        #expect(gateway.terminate() == 0)
        gateway = TestGateway(broker: broker, directory: directory, configPath: config)
        try gateway.start()
        #expect(try Self.publish(broker, payload: Self.request("app-1"), directory: directory))
        #expect(try Self.publish(broker, payload: Self.request("app-4", item: "pizza"), directory: directory))
        #expect(eventually(timeout: 15) { ((try? gateway.database().rejections().count) ?? 0) == 4 })
        #expect(Self.ticketsOf("app-1", gateway).count == 1)
    }

    @Test func anIntakeTokenCreatesRequestsAndReadsTheirStatusOnly() throws {
        let directory = try TestPaths.temporaryDirectory("requests-http")
        let broker = try TestBroker(directory: directory)
        defer { broker.stop() }
        let config = try Self.config(in: directory)
        let gateway = TestGateway(broker: broker, directory: directory, configPath: config)
        let intake = try createToken(name: "kiosk-1", role: "intake", config: config, directory: directory)
        let responder = try createToken(name: "duty-li", role: "responder", config: config, directory: directory)
        let viewer = try createToken(name: "screen", role: "viewer", config: config, directory: directory)
        try gateway.start()
        defer { _ = gateway.terminate() }
        let api = APIClient(port: gateway.httpPort)
        let body = #"{"community": "demo", "request_id": "kiosk-7", "building": "b01", "unit": "0101", "item": "meal_delivery", "text": "午餐送到家"}"#

        let created = api.object("POST", "/api/v1/requests", token: intake, body: body)
        #expect(created.status == 201 && created.object["status"] as? String == "accepted", "\(created)")
        let ticketID = try #require(created.object["ticket_id"] as? String)
        #expect(created.object["source"] as? String == "api" && created.object["item"] as? String == "meal_delivery")
        let repeated = api.object("POST", "/api/v1/requests", token: intake, body: body)
        #expect(repeated.status == 200 && repeated.object["ticket_id"] as? String == ticketID, "\(repeated)")
        let shown = api.call("GET", "/api/v1/requests/kiosk-7", token: intake)
        #expect(shown.status == 200 && shown.body.contains(ticketID), "\(shown)")
        for personal in ["duty-li", "assignee", "午餐送到家", "latitude"] { #expect(!shown.body.contains(personal), "\(personal) in \(shown.body)") }
        #expect(api.call("GET", "/api/v1/requests/kiosk-7?community=maple", token: intake).status == 404)

        // Refusals name the field, are 400 or 422, and are kept in `rejected`.
        let unknown = api.object("POST", "/api/v1/requests", token: intake, body: body.replacingOccurrences(of: "meal_delivery", with: "pizza"))
        #expect(unknown.status == 422 && unknown.object["field"] as? String == "item" && (unknown.object["error"] as? String)?.contains("pizza") == true)
        let missing = api.object("POST", "/api/v1/requests", token: intake, body: #"{"community": "demo", "building": "b01"}"#)
        #expect(missing.status == 400 && missing.object["field"] as? String == "request_id", "\(missing)")
        #expect(try gateway.database().rejections().map(\.reason).sorted() == ["missing_field", "unknown_item"])

        // Intake reaches nothing else; staff may log a phone call through the same path.
        for path in ["/api/v1/tickets", "/api/v1/tickets/\(ticketID)", "/api/v1/devices", "/api/v1/staff", "/api/v1/whoami"] {
            #expect(api.call("GET", path, token: intake).status == 403, "\(path)")
        }
        #expect(api.call("POST", "/api/v1/tickets/\(ticketID)/ack", token: intake, body: "{}").status == 403)
        #expect(api.call("POST", "/api/v1/requests", token: viewer, body: body).status == 403)
        #expect(api.object("GET", "/api/v1/catalogue", token: intake).object["classes"] as? [Any] != nil)
        let phone = body.replacingOccurrences(of: "kiosk-7", with: "call-1").replacingOccurrences(of: "\"community\"", with: "\"source\": \"phone\", \"community\"")
        let logged = api.object("POST", "/api/v1/requests", token: responder, body: phone)
        #expect(logged.status == 201 && logged.object["source"] as? String == "phone", "\(logged)")
        let full = api.object("GET", "/api/v1/tickets/\(ticketID)", token: responder).object
        #expect(full["request_id"] as? String == "kiosk-7" && full["source"] as? String == "api", "\(full)")
    }

    /// In cluster mode the community's owner subscribes to its request topic, stores requests
    /// fenced with their burst and opens one ticket per request id in the shared store.
    @Test func aClusterPartitionOpensOneTicketPerRequest() throws {
        let directory = try TestPaths.temporaryDirectory("requests-cluster")
        let broker = try TestBroker(directory: directory)
        defer { broker.stop() }
        let cluster = try TestCluster(broker: broker, directory: directory,
                                      extra: "tickets: {catalogue: \(TestPaths.repository)/config/catalogue.yaml}")
        defer { cluster.stopAll() }
        try cluster.start("gw-1")
        #expect(eventually(timeout: 30) { (try? cluster.owners().count) == TestCluster.communities.count + 1 })
        func publish(_ payload: String) throws -> Bool {
            let pub = try ChildProcess(name: "pub-hexi", executable: "/usr/bin/mosquitto_pub", arguments: [
                "-h", "127.0.0.1", "-p", String(broker.port), "-q", "1", "-t", "gridwatch/hexi/requests/panel", "-m", payload,
            ], logDirectory: directory)
            return pub.waitForExit(timeout: 10) == 0
        }
        func tickets() -> [Ticket] { ((try? cluster.store.tickets(TicketFilter())) ?? []).filter { $0.requestID == "panel-9" } }
        // A partition's subscription is made once its client connects: publish until stored.
        #expect(eventually(timeout: 30) {
            _ = try? publish(Self.request("panel-9"))
            return tickets().count == 1
        }, "the hexi partition opened no ticket")
        for _ in 1...3 { #expect(try publish(Self.request("panel-9"))) }
        #expect(try publish(Self.request("panel-10", item: "pizza")))
        #expect(eventually(timeout: 15) { ((try? cluster.store.rejections(reason: "unknown_item")) ?? []).count == 1 })
        #expect(tickets().count == 1 && tickets().first?.source == "panel" && tickets().first?.community == "hexi")
    }
}
