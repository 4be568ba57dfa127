import Foundation

/// HTTP requests to a test gateway through curl (a real client, raw paths included), and the
/// background streams a test watches: an SSE connection and an MQTT subscriber.
struct APIClient {
    let port: Int

    /// Status and body of one request; `bodyFile` sends a file's bytes as the body.
    func call(_ method: String, _ path: String, token: String?, body: String? = nil, bodyFile: String? = nil,
              headers: [String] = [], maxTimeSeconds: Double = 10) -> (status: Int, body: String) {
        var arguments = ["-s", "--path-as-is", "--max-time", String(maxTimeSeconds), "-X", method, "-w", "\n%{http_code}"]
        if let token { arguments += ["-H", "Authorization: Bearer \(token)"] }
        for header in headers { arguments += ["-H", header] }
        if let body { arguments += ["-H", "Content-Type: application/json", "--data-binary", body] }
        if let bodyFile { arguments += ["-H", "Content-Type: application/json", "--data-binary", "@" + bodyFile] }
        let curl = Process()
        curl.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        curl.arguments = arguments + ["http://127.0.0.1:\(port)\(path)"]
        let pipe = Pipe()
        curl.standardOutput = pipe
        guard (try? curl.run()) != nil else { return (0, "") }
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        curl.waitUntilExit()
        guard let newline = output.lastIndex(of: "\n") else { return (Int(output) ?? 0, "") }
        return (Int(output[output.index(after: newline)...]) ?? 0, String(output[..<newline]))
    }

    /// The body as a JSON object (empty when it is not one).
    func object(_ method: String, _ path: String, token: String?, body: String? = nil) -> (status: Int, object: [String: Any]) {
        let response = call(method, path, token: token, body: body)
        return (response.status, (try? JSONSerialization.jsonObject(with: Data(response.body.utf8))) as? [String: Any] ?? [:])
    }

    /// A long-lived `curl -N` on the event stream, writing what arrives to its log.
    func eventStream(token: String, lastEventID: String? = nil, directory: String) throws -> ChildProcess {
        var arguments = ["-sN", "-H", "Authorization: Bearer \(token)"]
        if let lastEventID { arguments += ["-H", "Last-Event-ID: \(lastEventID)"] }
        return try ChildProcess(name: "sse", executable: "/usr/bin/curl", arguments: arguments + ["http://127.0.0.1:\(port)/api/v1/events"],
                                logDirectory: directory)
    }
}

/// `gridwatch token create` in a test: the secret it prints once.
func createToken(name: String, role: String, config: String, directory: String) throws -> String {
    let result = try CommandLineTests.gridwatch(["token", "create", "--config", config, "--name", name, "--role", role], in: directory)
    guard result.status == 0, let secret = result.output.split(separator: "\n").first(where: { $0.hasPrefix("gw_") }) else {
        throw TestFailure("token create failed: \(result.output)")
    }
    return String(secret)
}

/// `mosquitto_sub -v` on `topic` at QoS 1, printing `TOPIC PAYLOAD` lines to its log.
func subscribe(broker: TestBroker, topic: String, directory: String) throws -> ChildProcess {
    try ChildProcess(name: "sub", executable: "/usr/bin/mosquitto_sub",
                     arguments: ["-h", "127.0.0.1", "-p", String(broker.port), "-t", topic, "-q", "1", "-v", "-i", "test-sub-\(UUID().uuidString.prefix(6))"],
                     logDirectory: directory)
}

/// A smoke detector of the demo community reporting an alarm now (mosquitto_pub, QoS 1); true once published.
func publishSmokeAlarm(broker: TestBroker, device: String = "smoke-b01-0101", community: String = "demo", directory: String) throws -> Bool {
    let nowMs = Int64(Date().timeIntervalSince1970 * 1000)
    let pub = try ChildProcess(name: "pub", executable: "/usr/bin/mosquitto_pub", arguments: [
        "-h", "127.0.0.1", "-p", String(broker.port), "-q", "1", "-t", "gridwatch/\(community)/smoke/\(device)/telemetry",
        "-m", "{\"ts\": \(nowMs), \"alarm\": true, \"smoke\": 12.5, \"temp_c\": 31, \"test\": false, \"battery\": 90}",
    ], logDirectory: directory)
    return pub.waitForExit(timeout: 10) == 0
}

/// A staff app reporting a live position now (mosquitto_pub, QoS 1; DESIGN's staff location topic); true once published.
func publishStaffLocation(broker: TestBroker, staff: String, lat: Double, lon: Double, community: String = "demo", directory: String) throws -> Bool {
    let nowMs = Int64(Date().timeIntervalSince1970 * 1000)
    let pub = try ChildProcess(name: "pub-staff", executable: "/usr/bin/mosquitto_pub", arguments: [
        "-h", "127.0.0.1", "-p", String(broker.port), "-q", "1", "-t", "gridwatch/\(community)/staff/\(staff)/location",
        "-m", "{\"ts\": \(nowMs), \"lat\": \(lat), \"lon\": \(lon)}",
    ], logDirectory: directory)
    return pub.waitForExit(timeout: 10) == 0
}
