import Foundation
import Testing

/// `rules explain` against the real thing: the live gateway's endpoint answering from its
/// running engine (and from the store for an earlier instant), and the command line on the
/// database a gateway wrote.
@Suite(.serialized) struct RulesExplainIntegrationTests {
    static let smoke = "smoke-b01-0101"

    /// A gateway that has raised `smoke_alarm` on `smoke`, and the time just before the alarm.
    static func gatewayWithSmokeAlarm(_ name: String) throws -> (TestBroker, TestGateway, beforeMs: Int64) {
        let (broker, gateway, _) = try RulesIntegrationTests.gatewayWithOwnRules(name)
        try gateway.start()
        let beforeMs = Int64(Date().timeIntervalSince1970 * 1000)
        #expect(try publishSmokeAlarm(broker: broker, device: smoke, directory: gateway.directory))
        #expect(eventually(timeout: 10) { !RulesIntegrationTests.firingEvents(gateway, rule: "smoke_alarm").isEmpty })
        return (broker, gateway, beforeMs)
    }

    static func rfc3339(_ ms: Int64) -> String {
        let formatter = ISO8601DateFormatter()
        return formatter.string(from: Date(timeIntervalSince1970: Double(ms) / 1000))
    }

    @Test func theLiveGatewayExplainsFromItsRunningEngine() throws {
        let (broker, gateway, beforeMs) = try Self.gatewayWithSmokeAlarm("explain-live")
        defer { broker.stop() }
        defer { _ = gateway.terminate() }
        let viewer = try createToken(name: "screen", role: "viewer", config: gateway.configPath, directory: gateway.directory)
        let api = APIClient(port: gateway.httpPort)

        let now = api.object("GET", "/api/v1/rules/explain?device=\(Self.smoke)&rule=smoke_alarm", token: viewer)
        #expect(now.status == 200, "\(now)")
        #expect(now.object["source"] as? String == "engine")
        let explanation = (now.object["explanations"] as? [[String: Any]])?.first ?? [:]
        #expect(explanation["phase"] as? String == "firing")
        #expect((explanation["verdict"] as? String)?.hasPrefix("firing since ") == true, "\(explanation)")
        let terms = ((explanation["conditions"] as? [[String: Any]])?.first?["terms"] as? [[String: Any]]) ?? []
        #expect(terms.contains { $0["text"] as? String == "alarm" && $0["value"] as? String == "true" }, "\(terms)")
        #expect((now.object["text"] as? String)?.contains("verdict: firing since") == true)

        // Every rule watching the detector, when no rule is named.
        let all = api.object("GET", "/api/v1/rules/explain?device=\(Self.smoke)", token: viewer)
        let rules = ((all.object["explanations"] as? [[String: Any]]) ?? []).compactMap { $0["rule"] as? String }
        #expect(rules.contains("smoke_alarm") && rules.contains("smoke_tamper") && !rules.contains("heart_rate"), "\(rules)")

        // An instant before the alarm: the engine keeps no past, the store is replayed up to it.
        let at = Self.rfc3339(beforeMs - 1000).replacingOccurrences(of: "+", with: "%2B")
        let past = api.object("GET", "/api/v1/rules/explain?device=\(Self.smoke)&rule=smoke_alarm&at=\(at)", token: viewer)
        #expect(past.status == 200, "\(past)")
        #expect(past.object["source"] as? String == "store")
        let pastExplanation = (past.object["explanations"] as? [[String: Any]])?.first ?? [:]
        #expect(pastExplanation["phase"] as? String == "inactive", "\(pastExplanation)")

        #expect(api.call("GET", "/api/v1/rules/explain?device=\(Self.smoke)", token: nil).status == 401)
        #expect(api.call("GET", "/api/v1/rules/explain", token: viewer).status == 400)
        #expect(api.call("GET", "/api/v1/rules/explain?device=nope", token: viewer).status == 404)
        #expect(api.call("GET", "/api/v1/rules/explain?device=\(Self.smoke)&rule=heart_rate", token: viewer).status == 400)
        #expect(api.call("GET", "/api/v1/rules/explain?device=\(Self.smoke)&at=yesterday", token: viewer).status == 400)

        // The command line through the API prints the gateway's text.
        let tokenFile = gateway.directory + "/token"
        try viewer.write(toFile: tokenFile, atomically: true, encoding: .utf8)
        let remote = try CommandLineTests.gridwatch(["rules", "explain", "--api", "http://127.0.0.1:\(gateway.httpPort)", "--token-file", tokenFile,
                                                     "--device", Self.smoke, "--rule", "smoke_alarm"], in: gateway.directory)
        #expect(remote.status == 0, "\(remote.output)")
        #expect(remote.output.contains("smoke_alarm on \(Self.smoke)") && remote.output.contains("verdict: firing since"), "\(remote.output)")
    }

    @Test func theCommandLineExplainsACaptureInVirtualTime() throws {
        let directory = try TestPaths.temporaryDirectory("explain-capture")
        let config = TestPaths.repository + "/config/gridwatch.yaml"
        let capture = directory + "/capture.jsonl"
        let simulated = try CommandLineTests.gridwatch(["simulate", "--config", config, "--start", "2026-01-05T20:00:00+08:00", "--duration", "40m",
                                                        "--output", capture, "--inject", "silence:wb-b01-0101@10m+1h"], in: directory)
        #expect(simulated.status == 0, "\(simulated.output)")
        // Eight minutes into the band's silence: its last reading is stale, and it is offline.
        let result = try CommandLineTests.gridwatch(["rules", "explain", "--config", config, "--input", capture, "--device", "wb-b01-0101",
                                                     "--at", "2026-01-05T20:18:00+08:00"], in: directory)
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("heart_rate on wb-b01-0101 at 2026-01-05T"), "\(result.output)")
        #expect(result.output.contains("verdict: did not fire: reading 8 min"), "\(result.output)")
        #expect(result.output.contains("stale after 2 min"), "\(result.output)")
        #expect(result.output.contains("inhibited by device_offline (equal: device): firing on wb-b01-0101"), "\(result.output)")
    }

    @Test func theCommandLineExplainsFromTheDatabase() throws {
        let (broker, gateway, beforeMs) = try Self.gatewayWithSmokeAlarm("explain-db")
        defer { broker.stop() }
        #expect(gateway.terminate() == 0)
        let base = ["rules", "explain", "--config", gateway.configPath, "--device", Self.smoke, "--rule", "smoke_alarm"]

        let text = try CommandLineTests.gridwatch(base, in: gateway.directory)
        #expect(text.status == 0, "\(text.output)")
        #expect(text.output.contains("verdict: firing since") && text.output.contains("only a person resolves it"), "\(text.output)")
        #expect(text.output.contains("    alarm = true"), "\(text.output)")

        let json = try CommandLineTests.gridwatch(base + ["--format", "json"], in: gateway.directory)
        let line = json.output.split(separator: "\n").first { $0.hasPrefix("{") }.map(String.init) ?? ""
        let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] ?? [:]
        #expect(object["phase"] as? String == "firing" && object["rule"] as? String == "smoke_alarm", "\(json.output)")

        let before = try CommandLineTests.gridwatch(base + ["--at", Self.rfc3339(beforeMs - 1000)], in: gateway.directory)
        #expect(before.status == 0, "\(before.output)")
        #expect(before.output.contains("verdict: did not fire: no reading from \(Self.smoke) yet"), "\(before.output)")

        let unknown = try CommandLineTests.gridwatch(["rules", "explain", "--config", gateway.configPath, "--device", "nope"], in: gateway.directory)
        #expect(unknown.status != 0 && unknown.output.contains("unknown device 'nope'"), "\(unknown.output)")
    }
}
