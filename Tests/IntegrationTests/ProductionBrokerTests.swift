#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing

/// The production broker configuration (`config/mosquitto-production.conf` and its ACL) on a
/// real mosquitto, with only paths and ports adapted: no anonymous access, a TLS listener, and a
/// device that may publish under its own topic only.
@Suite(.serialized) struct ProductionBrokerTests {
    static func run(_ executable: String, _ arguments: [String], in directory: String) throws -> (status: Int32?, log: String) {
        let process = try ChildProcess(name: (executable as NSString).lastPathComponent, executable: executable, arguments: arguments, logDirectory: directory)
        let status = process.waitForExit(timeout: 30)
        return (status, process.log)
    }

    @Test func devicesPublishOnlyUnderTheirOwnTopicAndAnonymousIsRefused() throws {
        let directory = try TestPaths.temporaryDirectory("prod-broker")
        try TLSIntegrationTests.makeCertificates(in: directory)
        for device in ["door-b01-0101", "door-b01-0102"] {
            _ = try Self.run("/usr/bin/mosquitto_passwd", ["-b", directory + "/passwd", device, "pw-" + device], in: directory)
        }
        try FileManager.default.copyItem(atPath: TestPaths.repository + "/config/mosquitto-acl.conf", toPath: directory + "/acl")
        let plainPort = TestPaths.freePort()
        let tlsPort = TestPaths.freePort()
        var config = try String(contentsOfFile: TestPaths.repository + "/config/mosquitto-production.conf", encoding: .utf8)
        for (shipped, adapted) in [("listener 1883 127.0.0.1", "listener \(plainPort) 127.0.0.1"), ("listener 8883", "listener \(tlsPort) 127.0.0.1"),
                                   ("/etc/mosquitto/gridwatch.passwd", directory + "/passwd"), ("/etc/mosquitto/gridwatch.acl", directory + "/acl"),
                                   ("/etc/mosquitto/certs/", directory + "/"), ("/var/lib/mosquitto/", directory + "/"), ("log_dest syslog", "log_dest stderr")] {
            #expect(config.contains(shipped), "the production configuration no longer has \(shipped)")
            config = config.replacingOccurrences(of: shipped, with: adapted)
        }
        if getuid() == 0 { config += "\nuser root\n" }
        try config.write(toFile: directory + "/mosquitto.conf", atomically: true, encoding: .utf8)
        let broker = try ChildProcess(name: "mosquitto", executable: TestBroker.mosquittoPath, arguments: ["-c", directory + "/mosquitto.conf"],
                                      logDirectory: directory)
        defer { _ = broker.stop(SIGTERM, timeout: 10) }
        #expect(eventually(timeout: 10) { TestPaths.portAccepts(plainPort) && TestPaths.portAccepts(tlsPort) }, "\(broker.log)")

        // The gateway's user subscribes with a persistent session and leaves (-E): what it may
        // read is queued for it, so nothing races the subscription.
        let subscribe = ["-h", "127.0.0.1", "-p", String(plainPort), "-u", "gridwatch", "-P", "s3cret-pass", "-c", "-i", "acl-watcher", "-q", "1",
                         "-t", "gridwatch/#"]
        #expect(try Self.run("/usr/bin/mosquitto_sub", subscribe + ["-E"], in: directory).status == 0)
        func publish(_ user: String?, topic: String, message: String, tls: Bool = false) throws -> (status: Int32?, log: String) {
            var arguments = ["-h", "127.0.0.1", "-p", String(tls ? tlsPort : plainPort), "-t", topic, "-m", message, "-q", "1"]
            if let user { arguments += ["-u", user, "-P", "pw-" + user] }
            if tls { arguments += ["--cafile", directory + "/ca.crt"] }
            return try Self.run("/usr/bin/mosquitto_pub", arguments, in: directory)
        }
        #expect(try publish("door-b01-0101", topic: "gridwatch/demo/door/door-b01-0101/telemetry", message: "own").status == 0)
        _ = try publish("door-b01-0101", topic: "gridwatch/demo/door/door-b01-0102/telemetry", message: "foreign")
        #expect(try publish("door-b01-0102", topic: "gridwatch/demo/door/door-b01-0102/telemetry", message: "over-tls", tls: true).status == 0)
        let anonymous = try publish(nil, topic: "gridwatch/demo/door/door-b01-0101/telemetry", message: "anonymous")
        #expect(anonymous.status != 0, "anonymous publish accepted: \(anonymous.log)")
        // Back for the two messages it may read, in publishing order (a leaked "foreign" would be one of them).
        let received = try Self.run("/usr/bin/mosquitto_sub", subscribe + ["-v", "-C", "2", "-W", "10"], in: directory).log
        #expect(received.contains("gridwatch/demo/door/door-b01-0101/telemetry own"), "\(received)")
        #expect(received.contains("gridwatch/demo/door/door-b01-0102/telemetry over-tls"), "\(received)")
        #expect(!received.contains("foreign") && !received.contains("anonymous"), "\(received)")
    }
}

/// gridwatch watches the broker's `$SYS` dropped-messages counter: a subscriber whose queue
/// overflows makes it move, and the gateway raises `broker_dropped_messages`.
@Suite(.serialized) struct BrokerDropWatchTests {
    @Test func droppedMessagesAtTheBrokerRaiseAnAlert() throws {
        let directory = try TestPaths.temporaryDirectory("broker-drops")
        let broker = try TestBroker(directory: directory, extraConfiguration: "sys_interval 1\nmax_queued_messages 10\n")
        defer { broker.stop() }
        let gateway = TestGateway(broker: broker, directory: directory, configPath: try CommandLineTests.writeConfig(in: directory))
        try gateway.start()
        defer { gateway.terminate() }
        // A persistent subscriber that goes away: the broker queues for it, up to 10.
        let lazy = try ProductionBrokerTests.run("/usr/bin/mosquitto_sub", ["-h", "127.0.0.1", "-p", String(broker.port), "-c", "-i", "lazy-sub",
                                                                           "-q", "1", "-t", "gridwatch/#", "-E"], in: directory)
        #expect(lazy.status == 0, "\(lazy.log)")
        let simulator = try startSimulator(broker: broker, count: 300, rate: 0, clientID: "sim-drops", directory: directory)
        #expect(simulator.waitForExit(timeout: 60) == 0)
        func raised() -> [AlertEventSummary] {
            ((try? gateway.database().alertEvents(rule: "broker_dropped_messages")) ?? []).map { AlertEventSummary(kind: $0.kind.rawValue) }
        }
        #expect(eventually(timeout: 15) { raised().contains { $0.kind == "alert_firing" } }, "\(gateway.process?.log ?? "")")
        #expect(gateway.metrics().contains("gridwatch_broker_dropped_messages"))
        // Every message still reached the gateway itself: only the lazy subscriber lost them.
        #expect(eventually(timeout: 15) { gateway.readingCount() >= 300 })
    }

    struct AlertEventSummary { var kind: String }
}
