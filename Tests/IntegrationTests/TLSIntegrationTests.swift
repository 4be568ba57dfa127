import Foundation
import Testing

/// The gateway's broker link with TLS (a CA and certificates made by the test), a client
/// certificate and username/password; wrong credentials give a clear, retried error.
@Suite(.serialized) struct TLSIntegrationTests {
    /// Makes a CA, a server certificate for 127.0.0.1 and a client certificate with openssl.
    static func makeCertificates(in directory: String) throws {
        let script = """
        set -e
        cd '\(directory)'
        openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -subj /CN=gridwatch-test-ca -days 2 2>/dev/null
        openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj /CN=127.0.0.1 2>/dev/null
        printf 'subjectAltName=IP:127.0.0.1\\n' > san.ext
        openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out server.crt -days 2 -extfile san.ext 2>/dev/null
        openssl req -newkey rsa:2048 -nodes -keyout client.key -out client.csr -subj /CN=gridwatch 2>/dev/null
        openssl x509 -req -in client.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out client.crt -days 2 2>/dev/null
        mosquitto_passwd -b -c passwd gridwatch 's3cret-pass'
        chmod 644 *.key passwd
        """
        let shell = try ChildProcess(name: "openssl", executable: "/bin/sh", arguments: ["-c", script], logDirectory: directory)
        guard shell.waitForExit(timeout: 60) == 0 else { throw TestFailure("certificate generation failed: \(shell.log)") }
    }

    static func tlsBroker(directory: String, tlsPort: Int) throws -> TestBroker {
        try makeCertificates(in: directory)
        return try TestBroker(directory: directory, extraConfiguration: """
            listener \(tlsPort) 127.0.0.1
            cafile \(directory)/ca.crt
            certfile \(directory)/server.crt
            keyfile \(directory)/server.key
            require_certificate true
            allow_anonymous false
            password_file \(directory)/passwd
            """)
    }

    static func config(directory: String) throws -> String {
        try CommandLineTests.writeConfig(in: directory, extra: """
            mqtt:
              username: gridwatch
              keepalive: 10s
              reconnect: {min: 200ms, max: 2s}
              tls: {ca_file: \(directory)/ca.crt, cert_file: \(directory)/client.crt, key_file: \(directory)/client.key}
            """)
    }

    @Test func gatewayIngestsOverTLSWithClientCertificateAndPassword() throws {
        let directory = try TestPaths.temporaryDirectory("tls")
        let tlsPort = TestPaths.freePort()
        let broker = try Self.tlsBroker(directory: directory, tlsPort: tlsPort)
        defer { broker.stop() }
        let gateway = TestGateway(broker: broker, directory: directory, configPath: try Self.config(directory: directory))
        try gateway.start(mqttURL: "mqtts://127.0.0.1:\(tlsPort)", environment: ["GRIDWATCH_MQTT_PASSWORD": "s3cret-pass"])
        defer { gateway.terminate() }
        let simulator = try startSimulator(broker: broker, count: 2000, rate: 0, clientID: "sim-tls", directory: directory)
        #expect(simulator.waitForExit(timeout: 60) == 0, "\(simulator.log)")
        #expect(eventually(timeout: 30) { gateway.readingCount() >= 2000 })
        #expect(gateway.readingCount() == 2000)
    }

    @Test func wrongPasswordIsAClearErrorAndIsRetried() throws {
        let directory = try TestPaths.temporaryDirectory("tls-wrong")
        let tlsPort = TestPaths.freePort()
        let broker = try Self.tlsBroker(directory: directory, tlsPort: tlsPort)
        defer { broker.stop() }
        let gateway = TestGateway(broker: broker, directory: directory, configPath: try Self.config(directory: directory))
        try gateway.start(mqttURL: "mqtts://127.0.0.1:\(tlsPort)", environment: ["GRIDWATCH_MQTT_PASSWORD": "wrong"], waitForReady: false)
        defer { gateway.terminate() }
        let refused = eventually(timeout: 20) { gateway.readiness().contains("not authorised") }
        let readiness = gateway.readiness()
        print("wrong password: /readyz \(readiness)")
        #expect(refused, "\(readiness)")
        #expect(gateway.httpStatus("/readyz") == 503)
        func brokerLog() -> String {
            (try? FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasPrefix("mosquitto-") }
                .map { (try? String(contentsOfFile: directory + "/" + $0, encoding: .utf8)) ?? "" }.joined()) ?? ""
        }
        func refusals() -> Int { brokerLog().components(separatedBy: "not authorised").count - 1 }
        // Retried with backoff, not once and given up, and not in a tight loop. The count is taken
        // from here on: on a loaded machine several refusals may already be in the log by the time
        // readiness shows the first, so time measured against the log's total says nothing. Two
        // sessions are refused (the gateway's and the alerts'; the broker logs neither's id
        // before it is authorised), each on its own backoff: of four more refusals one session
        // made two.
        let started = Date()
        let before = refusals()
        _ = eventually(timeout: 20) { refusals() >= before + 4 }
        let seconds = Date().timeIntervalSince(started)
        let attempts = refusals()
        #expect(attempts >= max(3, before + 4), "\(attempts) attempts (\(before) before): \(brokerLog().suffix(1500))")
        // Two more refusals of one session take at least one whole backoff delay (0.2 s min in
        // this config; the first may already have been under way), not a tight loop.
        #expect(seconds >= 0.2, "four more attempts in \(seconds) s")
    }
}
