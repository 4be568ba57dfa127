import Foundation
import Testing

/// The staff API on a live gateway: tokens and roles, a responder's actions recorded under
/// their name, refusals that change nothing, personal data kept from viewers, events over SSE
/// (resumable) and MQTT, and the requests an attacker would try.
@Suite(.serialized) struct APIIntegrationTests {
    @Test func staffWorkAnSOSThroughTheAPI() throws {
        let (broker, gateway, _) = try RulesIntegrationTests.gatewayWithOwnRules("api-live")
        defer { broker.stop() }
        let config = gateway.configPath
        let responder = try createToken(name: "wang", role: "responder", config: config, directory: gateway.directory)
        let viewer = try createToken(name: "screen", role: "viewer", config: config, directory: gateway.directory)
        try gateway.start()
        defer { _ = gateway.terminate() }
        let api = APIClient(port: gateway.httpPort)
        let stream = try api.eventStream(token: viewer, directory: gateway.directory)
        defer { stream.stop(SIGKILL) }
        let alerts = try subscribe(broker: broker, topic: "gridwatch/+/alerts/#", directory: gateway.directory)
        defer { alerts.stop(SIGKILL) }
        #expect(eventually(timeout: 30) { stream.log.contains(": connected") })

        let simulator = try startSimulator(broker: broker, count: 3000, rate: 3000, clientID: "sim-api", directory: gateway.directory,
                                           extra: ["--inject", "sos:wb-b01-0101@1m"])
        #expect(simulator.waitForExit(timeout: 60) == 0, "\(simulator.log)")
        var sosID = ""
        #expect(eventually(timeout: 10) {
            let list = api.object("GET", "/api/v1/tickets?state=active", token: responder).object["tickets"] as? [[String: Any]] ?? []
            sosID = list.first { $0["rule"] as? String == "fall_or_sos" }?["id"] as? String ?? ""
            return !sosID.isEmpty
        })

        // A responder sees where the wearer is; a viewer sees the ticket without personal data.
        let full = api.object("GET", "/api/v1/tickets/\(sosID)", token: responder).object
        #expect((full["location"] as? [String: Any])?["latitude"] != nil && full["resident"] != nil, "\(full)")
        #expect((full["wearer"] as? [String: Any])?["hr_bpm"] != nil, "the wearer's latest heart rate for the responder")
        let redacted = api.call("GET", "/api/v1/tickets/\(sosID)", token: viewer)
        #expect(redacted.status == 200 && redacted.body.contains("\"redacted\":true"))
        for personal in ["latitude", "hr_bpm", "spo2", "\"lat\"", "resident", "wearer"] { #expect(!redacted.body.contains(personal), "\(personal) shown to a viewer") }

        // Live: the opening reached the SSE client (redacted for its viewer token) and MQTT.
        #expect(eventually(timeout: 30) { stream.log.contains("event: ticket_opened") && stream.log.contains(sosID) })
        #expect(!stream.log.contains("hr_bpm") && !stream.log.contains("latitude"))
        #expect(eventually(timeout: 30) { alerts.log.contains("gridwatch/demo/alerts/\(sosID) {") })
        // Sent either way (handed over at its commit, or read back), and counted once published.
        func sent() -> [Double] {
            gateway.metrics().split(separator: "\n").filter { $0.hasPrefix("gridwatch_mqtt_alerts_total{") }
                .compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }
        }
        #expect(eventually(timeout: 30) { sent().count == 2 && sent().reduce(0, +) >= 1 }, "\(sent())")
        // The loop's socket calls: the SOS and its PUBACK went through the burst buffers, each
        // recv serving at least one read, each send taking at least one write.
        let calls = Dictionary(uniqueKeysWithValues: gateway.metrics().split(separator: "\n")
            .filter { $0.hasPrefix("gridwatch_mqtt_socket_calls_total{") }
            .compactMap { line -> (String, Double)? in
                guard let call = line.split(separator: "\"").dropFirst().first, let value = line.split(separator: " ").last.flatMap({ Double($0) }) else { return nil }
                return (String(call), value)
            })
        let (reads, receives, writes, sends) = (calls["read"] ?? 0, calls["recv"] ?? 0, calls["write"] ?? 0, calls["send"] ?? 0)
        #expect(receives >= 1 && reads >= receives && sends >= 1 && writes >= sends, "\(calls)")

        // Roles and refusals.
        let noToken = api.call("POST", "/api/v1/tickets/\(sosID)/ack", token: nil)
        #expect(noToken.status == 401 && noToken.body.contains("bearer token"))
        #expect(api.call("POST", "/api/v1/tickets/\(sosID)/ack", token: "gw_wrong").status == 401)
        let forbidden = api.call("POST", "/api/v1/tickets/\(sosID)/ack", token: viewer)
        #expect(forbidden.status == 403 && forbidden.body.contains("viewer"))
        #expect(api.call("POST", "/api/v1/tickets/\(sosID)/comment", token: responder, body: "{\"text\": ").status == 400)
        #expect(api.call("POST", "/api/v1/tickets/\(sosID)/pending", token: responder, body: "{}").status == 400, "pending needs a reason")

        let acknowledged = api.object("POST", "/api/v1/tickets/\(sosID)/ack", token: responder, body: "{}")
        #expect(acknowledged.status == 200 && acknowledged.object["state"] as? String == "acknowledged")
        let timeline = acknowledged.object["timeline"] as? [[String: Any]] ?? []
        #expect(timeline.contains { $0["actor"] as? String == "wang" && $0["action"] as? String == "acknowledged" }, "\(timeline)")
        let again = api.call("POST", "/api/v1/tickets/\(sosID)/ack", token: responder)
        #expect(again.status == 409 && again.body.contains("already acknowledged"))
        let after = api.object("GET", "/api/v1/tickets/\(sosID)", token: responder).object
        #expect(after["acknowledged_at"] as? String == acknowledged.object["acknowledged_at"] as? String, "a refused action changes nothing")
        #expect(eventually(timeout: 30) { stream.log.contains("event: ticket_acknowledged") })

        // Resuming from an event id replays what came after it, from the database.
        let firstID = stream.log.split(separator: "\n").first { $0.hasPrefix("id: ") }.map { String($0.dropFirst(4)) } ?? ""
        let resumed = try api.eventStream(token: responder, lastEventID: firstID, directory: gateway.directory)
        defer { resumed.stop(SIGKILL) }
        #expect(eventually(timeout: 30) { resumed.log.contains("event: ticket_acknowledged") }, "\(resumed.log)")
        #expect(!resumed.log.contains("id: \(firstID)\n"), "\(resumed.log)")

        // The command line through the API (--api): same tickets, the token's owner as actor.
        let tokenFile = gateway.directory + "/token"
        try responder.write(toFile: tokenFile, atomically: true, encoding: .utf8)
        let remote = ["--api", "http://127.0.0.1:\(gateway.httpPort)", "--token-file", tokenFile]
        let listed = try CommandLineTests.gridwatch(["tickets", "list"] + remote, in: gateway.directory)
        #expect(listed.status == 0 && listed.output.contains(sosID) && listed.output.contains("acknowledged"), "\(listed.output)")
        let commented = try CommandLineTests.gridwatch(["tickets", "comment", sosID, "--text", "on my way"] + remote, in: gateway.directory)
        #expect(commented.status == 0 && commented.output.contains("\(sosID): comment added"), "\(commented.output)")
        let impostor = try CommandLineTests.gridwatch(["tickets", "resolve", sosID, "--by", "li"] + remote, in: gateway.directory)
        #expect(impostor.status != 0 && impostor.output.contains("does not match"), "\(impostor.output)")
        let shown = try CommandLineTests.gridwatch(["tickets", "show", sosID, "--format", "json"] + remote, in: gateway.directory)
        #expect(shown.output.contains("\"actor\":\"wang\"") && shown.output.contains("on my way"), "\(shown.output)")
        let refused = try CommandLineTests.gridwatch(["tickets", "ack", sosID] + remote, in: gateway.directory)
        #expect(refused.status != 0 && refused.output.contains("already acknowledged") && refused.output.contains("409"), "\(refused.output)")

        // A change made with the database commands is streamed too (the gateway's next look).
        let local = try CommandLineTests.gridwatch(["tickets", "comment", sosID, "--by", "li", "--text", "called the daughter", "--config", config],
                                                   in: gateway.directory)
        #expect(local.status == 0, "\(local.output)")
        #expect(eventually(timeout: 30) { stream.log.contains("event: ticket_commented") && stream.log.contains("\"actor\":\"li\"") }, "\(stream.log.suffix(500))")

        // Revoked: refused at the next request, and the open stream ends.
        #expect(try CommandLineTests.gridwatch(["token", "revoke", "screen", "--config", config], in: gateway.directory).status == 0)
        #expect(api.call("GET", "/api/v1/tickets", token: viewer).status == 401)
        #expect(eventually(timeout: 15) { !stream.isRunning }, "a revoked token's stream stays open")

        // A stream open at SIGTERM does not hold the gateway up.
        #expect(gateway.terminate() == 0)
    }

    @Test func hostileRequestsAreRefused() throws {
        let (broker, gateway, _) = try RulesIntegrationTests.gatewayWithOwnRules("api-hostile")
        defer { broker.stop() }
        let responder = try createToken(name: "ops", role: "admin", config: gateway.configPath, directory: gateway.directory)
        try gateway.start()
        defer { _ = gateway.terminate() }
        let api = APIClient(port: gateway.httpPort)
        let big = gateway.directory + "/big.json"
        try ("{\"text\": \"" + String(repeating: "a", count: 200_000) + "\"}").write(toFile: big, atomically: true, encoding: .utf8)
        let created = api.object("POST", "/api/v1/tickets", token: responder,
                                 body: "{\"category\": \"repair\", \"severity\": \"general\", \"community\": \"demo\", \"building\": \"b01\", \"text\": \"door lock jams\"}")
        #expect(created.status == 201, "\(created)")
        let id = created.object["id"] as? String ?? "T-000001"
        let oversized = api.call("POST", "/api/v1/tickets/\(id)/comment", token: responder, bodyFile: big)
        #expect(oversized.status == 413, "\(oversized.status)")
        #expect(api.call("POST", "/api/v1/tickets", token: responder, body: "[1, 2]").status == 400)
        #expect(api.call("POST", "/api/v1/tickets", token: responder, body: "{\"category\": \"x\", \"severity\": \"urgent\", \"community\": \"demo\", \"text\": \"t\"}").status == 400)
        #expect(api.call("GET", "/api/v1/tickets?state=lost", token: responder).status == 400)
        #expect(api.call("GET", "/api/v1/tickets", token: "not a token").status == 401)
        #expect(api.call("GET", "/api/v1/tickets", token: nil, headers: ["Authorization: Basic d2FuZzpwdw=="]).status == 401)
        for path in ["/../../etc/passwd", "/assets/../../config/gridwatch.yaml", "/%2e%2e/%2e%2e/etc/passwd", "/assets/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
                     "/..%2f..%2fetc/passwd", "/api/v1/../../etc/passwd"] {
            let response = api.call("GET", path, token: responder)
            #expect([400, 404].contains(response.status), "\(path): \(response.status)")
            #expect(!response.body.contains("root:") && !response.body.contains("mqtt:"), "\(path) served a file outside the dashboard")
        }
        let comments = api.object("GET", "/api/v1/tickets/\(id)", token: responder).object["timeline"] as? [[String: Any]] ?? []
        #expect(comments.count == 1, "only the opening: nothing refused reached the timeline")
        // A community becomes an MQTT topic segment: wildcards and separators are refused.
        #expect(api.call("POST", "/api/v1/tickets", token: responder,
                         body: "{\"category\": \"repair\", \"community\": \"demo/+\", \"text\": \"t\"}").status == 400)
        // Bulk acknowledge: a malformed list changes nothing; otherwise each id answers for itself.
        #expect(api.call("POST", "/api/v1/tickets/ack", token: responder, body: "{\"ids\": [\"\(id)\", 7]}").status == 400)
        #expect(api.object("GET", "/api/v1/tickets/\(id)", token: responder).object["state"] as? String == "open")
        let bulk = api.object("POST", "/api/v1/tickets/ack", token: responder, body: "{\"ids\": [\"T-999999\", \"\(id)\"]}")
        let results = bulk.object["results"] as? [[String: Any]] ?? []
        #expect(bulk.status == 200 && results.count == 2 && results[0]["ok"] as? Bool == false && results[1]["ok"] as? Bool == true, "\(bulk)")
    }
}
