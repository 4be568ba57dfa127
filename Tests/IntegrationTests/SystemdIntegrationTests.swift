#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing

/// `gridwatch run` under systemd's notification protocol, with a real datagram socket in
/// place of systemd: READY once ingesting, WATCHDOG while the pipeline and the MQTT loop go
/// round, STOPPING at SIGTERM. And the unit's hardening, rated by `systemd-analyze`.
@Suite(.serialized) struct SystemdIntegrationTests {
    /// A bound unix datagram socket collecting what the gateway sends.
    final class NotifySocket {
        let path: String
        let fd: Int32

        init(directory: String) throws {
            path = directory + "/notify.sock"
            fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &address.sun_path) { raw in
                for (index, byte) in path.utf8.enumerated() { raw[index] = byte }
            }
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
            guard bound == 0 else { throw TestFailure("cannot bind \(path)") }
            var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        }

        deinit { close(fd) }

        /// Messages received within `seconds`.
        func receive(for seconds: Double) -> [String] {
            var messages: [String] = []
            let deadline = Date().addingTimeInterval(seconds)
            var buffer = [UInt8](repeating: 0, count: 4096)
            while Date() < deadline {
                let count = recv(fd, &buffer, buffer.count, 0)
                if count > 0 { messages.append(String(decoding: buffer[0..<count], as: UTF8.self)) }
            }
            return messages
        }
    }

    @Test func readyWatchdogAndStoppingReachTheNotifySocket() throws {
        let directory = try TestPaths.temporaryDirectory("systemd-notify")
        let broker = try TestBroker(directory: directory)
        defer { broker.stop() }
        let config = try CommandLineTests.writeConfig(in: directory)
        let gateway = TestGateway(broker: broker, directory: directory, configPath: config)
        let notify = try NotifySocket(directory: directory)
        try gateway.start(environment: ["NOTIFY_SOCKET": notify.path, "WATCHDOG_USEC": "400000"])
        let running = notify.receive(for: 2)
        #expect(running.contains { $0.hasPrefix("READY=1") }, "\(running)")
        // WatchdogSec=0.4 s: fed every 0.1 s while healthy.
        #expect(running.filter { $0 == "WATCHDOG=1" }.count >= 5, "\(running)")
        #expect(gateway.terminate() == 0)
        let stopping = notify.receive(for: 0.5)
        #expect((running + stopping).contains { $0.hasPrefix("STOPPING=1") }, "\(running + stopping)")
    }

    @Test func aClusterInstanceFeedsTheWatchdogWhileItsLoopsGoRound() throws {
        let directory = try TestPaths.temporaryDirectory("systemd-cluster")
        let broker = try TestBroker(directory: directory)
        defer { broker.stop() }
        let cluster = try TestCluster(broker: broker, directory: directory)
        defer { cluster.stopAll() }
        let notify = try NotifySocket(directory: directory)
        // WatchdogSec=4 s: fed every second while the lease, clock and community loops go round.
        try cluster.start("gw-1", environment: ["NOTIFY_SOCKET": notify.path, "WATCHDOG_USEC": "4000000"])
        // 10 s: a feed is skipped while a loop has not gone round, as on a busy machine at start.
        let running = notify.receive(for: 10)
        #expect(running.contains { $0.hasPrefix("READY=1") }, "\(running)")
        #expect(running.filter { $0 == "WATCHDOG=1" }.count >= 4, "\(running)")
        #expect(cluster.instance("gw-1")?.terminate() == 0)
        let stopping = notify.receive(for: 0.5)
        #expect((running + stopping).contains { $0.hasPrefix("STOPPING=1") }, "\(running + stopping)")
    }

    @Test(arguments: ["gridwatch.service", "gridwatch@.service"]) func theUnitRatesTwoOrBetter(unit: String) throws {
        let analyze = "/usr/bin/systemd-analyze"
        guard FileManager.default.isExecutableFile(atPath: analyze) else {
            Issue.record("systemd-analyze is missing: scripts/install-deps installs systemd")
            return
        }
        let directory = try TestPaths.temporaryDirectory("systemd-analyze")
        let process = try ChildProcess(name: "analyze", executable: analyze,
                                       arguments: ["security", "--offline=yes", TestPaths.repository + "/systemd/" + unit],
                                       logDirectory: directory)
        _ = process.waitForExit(timeout: 60)
        let output = process.log
        let line = try #require(output.split(separator: "\n").first { $0.contains("Overall exposure level") }, "\(output)")
        let level = try #require(line.split(separator: " ").compactMap { Double($0) }.first, "\(line)")
        print("systemd-analyze security --offline=yes systemd/\(unit): \(level)")
        #expect(level <= 2.0, "\(line)")
    }

    @Test func theInstallCommandPutsAWorkingSetupInItsUsualPlaces() throws {
        let root = try TestPaths.temporaryDirectory("install-root")
        let install = try ChildProcess(name: "install", executable: "/bin/bash",
                                       arguments: [TestPaths.repository + "/scripts/install", "--root", root], logDirectory: root,
                                       environment: ["GRIDWATCH_BIN": TestPaths.gridwatch])
        #expect(install.waitForExit(timeout: 120) == 0, "\(install.log)")
        for path in ["/usr/local/bin/gridwatch", "/etc/gridwatch/gridwatch.yaml", "/etc/gridwatch/rules/community.yaml",
                     "/etc/gridwatch/calendars/cn-2026.yaml", "/etc/systemd/system/gridwatch.service",
                     "/usr/local/share/gridwatch/devices/wristband.yaml"] {
            #expect(FileManager.default.fileExists(atPath: root + path), "\(path) not installed")
        }
        let check = try CommandLineTests.gridwatch(["check", "--config", root + "/etc/gridwatch/gridwatch.yaml"], in: root)
        #expect(check.status == 0 && check.output.contains("15 rules"), "\(check.output)")
        // A second install keeps the operator's configuration.
        try "# edited by the operator\n".write(toFile: root + "/etc/gridwatch/gridwatch.yaml", atomically: true, encoding: .utf8)
        let again = try ChildProcess(name: "install-again", executable: "/bin/bash",
                                     arguments: [TestPaths.repository + "/scripts/install", "--root", root], logDirectory: root,
                                     environment: ["GRIDWATCH_BIN": TestPaths.gridwatch])
        #expect(again.waitForExit(timeout: 120) == 0)
        #expect(try String(contentsOfFile: root + "/etc/gridwatch/gridwatch.yaml", encoding: .utf8) == "# edited by the operator\n")
    }
}
