#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing

/// docs/openapi.yaml against a live gateway: schemathesis (PyPI, installed by scripts/test into
/// .build/schemathesis) generates requests from the description, valid and invalid, with an
/// admin token, over a gateway holding alarms, requests in several states, readings and staff
/// positions; no answer may be a 5xx, and every status, content type and body must be the one
/// described. The unit side (OpenAPIDescriptionTests) checks that every route is described.
@Suite(.serialized) struct OpenAPIIntegrationTests {
    static let schemathesis = TestPaths.repository + "/.build/schemathesis/bin/st"

    @Test func everyAnswerOfALiveGatewayMatchesTheDescription() throws {
        guard FileManager.default.isExecutableFile(atPath: Self.schemathesis) else {
            Issue.record("schemathesis is not installed at \(Self.schemathesis): run scripts/test (it installs the pinned version)")
            return
        }
        let directory = try TestPaths.temporaryDirectory("openapi-live")
        let config = try DashboardBrowserTests.mapConfig(in: directory)
        let broker = try TestBroker(directory: directory)
        defer { broker.stop() }
        let gateway = TestGateway(broker: broker, directory: directory, configPath: config)
        let admin = try createToken(name: "schemathesis", role: "admin", config: config, directory: directory)
        let viewer = try createToken(name: "screen", role: "viewer", config: config, directory: directory)
        try gateway.start()
        defer { _ = gateway.terminate() }
        let api = APIClient(port: gateway.httpPort)
        try Self.demoData(api: api, broker: broker, token: admin, directory: directory)

        // The stream never ends, so schemathesis cannot read a whole answer: its status and
        // content type are checked here instead, and its refusal of a bad cursor.
        let stream = Self.headOfStream(port: gateway.httpPort, token: admin)
        #expect(stream == "200 text/event-stream; charset=utf-8", "\(stream)")
        let badCursor = api.call("GET", "/api/v1/events?last_event_id=x", token: admin)
        #expect(badCursor.status == 400 && badCursor.body.hasPrefix(#"{"error":"#), "\(badCursor)")

        // An admin sees everything; a viewer gets the redacted shapes and the 403s.
        for (token, examples) in [(admin, 40), (viewer, 10)] {
            let (status, log) = try Self.schemathesis(port: gateway.httpPort, token: token, maxExamples: examples, directory: directory)
            if status != 0 { print("schemathesis (exit \(status)):\n\(log.suffix(20_000))") }
            #expect(status == 0, "schemathesis found answers the description does not allow; its report is printed above")
            let selected = Self.count(after: "Selected: ", in: log), tested = Self.count(after: "Tested: ", in: log)
            #expect(selected != nil && tested == selected, "schemathesis did not test every operation: \(log.suffix(2000))")
        }
        #expect(gateway.process?.isRunning == true, "the gateway died under schemathesis: \(gateway.process?.log.suffix(3000) ?? "")")
    }

    /// One bounded schemathesis run (examples, coverage and fuzzing; no stateful phase) with
    /// `token`: its exit status and output. The checks are those a description promises.
    static func schemathesis(port: Int, token: String, maxExamples: Int, directory: String) throws -> (status: Int32, log: String) {
        // One worker: with two threads, CPython 3.11's ast module (hypothesis describing its
        // lambdas) failed a CI run with "AST constructor recursion depth mismatch" (cpython#106905),
        // a crash of the tool, not an answer of ours.
        let arguments = [
            "run", TestPaths.repository + "/docs/openapi.yaml", "--url", "http://127.0.0.1:\(port)", "--header", "Authorization: Bearer \(token)",
            "--checks", "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance",
            "--exclude-path", "/api/v1/events", "--phases", "examples,coverage,fuzzing", "--max-examples", String(maxExamples),
            "--request-timeout", "10", "--suppress-health-check", "all", "--workers", "1",
        ]
        // From the test's directory: schemathesis keeps its cache in the working directory.
        let command = "cd '\(directory)' && exec '\(Self.schemathesis)' " + arguments.map { "'\($0)'" }.joined(separator: " ")
        let run = try ChildProcess(name: "schemathesis", executable: "/bin/sh", arguments: ["-c", command], logDirectory: directory,
                                   environment: ["NO_COLOR": "1"])
        // Bounded: a run past this is stopped and fails.
        let status = run.waitForExit(timeout: 180) ?? run.stop(SIGKILL)
        return (status, run.log)
    }

    /// The number after `label` in schemathesis's summary (`Selected: 18/19`, `Tested: 18`).
    static func count(after label: String, in log: String) -> Int? {
        guard let range = log.range(of: label, options: .backwards) else { return nil }
        return Int(log[range.upperBound...].prefix { $0.isNumber })
    }

    /// Tickets of every kind for the generated requests to find: a smoke alarm (dispatched, with
    /// evidence), an SOS from a wristband (a wearer), requests logged by hand and moved through
    /// several states, readings from the simulator and a staff member's live position.
    static func demoData(api: APIClient, broker: TestBroker, token: String, directory: String) throws {
        #expect(try publishStaffLocation(broker: broker, staff: "S01", lat: 32.0603, lon: 118.7795, directory: directory))
        #expect(try publishSmokeAlarm(broker: broker, device: "smoke-b01-0101", directory: directory))
        let simulator = try startSimulator(broker: broker, count: 1500, rate: 1500, clientID: "sim-openapi", directory: directory,
                                           extra: ["--inject", "sos:wb-b01-0101@1m"])
        #expect(simulator.waitForExit(timeout: 60) == 0, "\(simulator.log)")
        let requests = [
            #"{"category": "repairs", "community": "demo", "building": "b01", "unit": "0101", "text": "The tap leaks"}"#,
            #"{"category": "repairs", "community": "demo", "building": "b02", "unit": "0201", "device": "door-b02-0201", "text": "The lock jams"}"#,
            #"{"category": "noise", "severity": "complex", "community": "demo", "building": "b03", "text": "Drilling at night"}"#,
        ]
        var ids: [String] = []
        for body in requests {
            let created = api.object("POST", "/api/v1/tickets", token: token, body: body)
            #expect(created.status == 201, "\(created)")
            ids.append(created.object["id"] as? String ?? "")
        }
        #expect(api.call("POST", "/api/v1/tickets/\(ids[0])/ack", token: token).status == 200)
        #expect(api.call("POST", "/api/v1/tickets/\(ids[0])/comment", token: token, body: #"{"text": "on my way"}"#).status == 200)
        #expect(api.call("POST", "/api/v1/tickets/\(ids[1])/resolve", token: token, body: #"{"note": "new cylinder"}"#).status == 200)
        #expect(api.call("POST", "/api/v1/tickets/\(ids[2])/cancel", token: token, body: #"{"reason": "duplicate"}"#).status == 200)
        #expect(eventually(timeout: 15) {
            let tickets = api.object("GET", "/api/v1/tickets?state=active", token: token).object["tickets"] as? [[String: Any]] ?? []
            let rules = Set(tickets.compactMap { $0["rule"] as? String })
            return rules.contains("fall_or_sos") && rules.contains("smoke_alarm")
        }, "the alarms did not become tickets")
    }

    /// `STATUS CONTENT-TYPE` of the event stream, read for a second.
    static func headOfStream(port: Int, token: String) -> String {
        let curl = Process()
        curl.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        curl.arguments = ["-s", "-o", "/dev/null", "--max-time", "1", "-w", "%{http_code} %{content_type}",
                          "-H", "Authorization: Bearer \(token)", "http://127.0.0.1:\(port)/api/v1/events"]
        let pipe = Pipe()
        curl.standardOutput = pipe
        guard (try? curl.run()) != nil else { return "" }
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        curl.waitUntilExit()
        return output
    }
}
