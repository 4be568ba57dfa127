#if canImport(Glibc)
import Glibc
#endif
import Foundation
// The test servers and process tools, for every file of this target.
@_exported import TestServers

/// A real mosquitto on a free loopback port, started from the shipped `config/mosquitto.conf`
/// with only the port and the persistence directory changed; stopped by its PID.
final class TestBroker {
    let port: Int
    let directory: String
    let configPath: String
    private(set) var process: ChildProcess?

    /// A TLS listener added to the shipped configuration (see `TLSIntegrationTests`).
    let extraConfiguration: String

    init(directory: String, extraConfiguration: String = "") throws {
        self.directory = directory
        self.extraConfiguration = extraConfiguration
        port = TestPaths.freePort()
        configPath = directory + "/mosquitto.conf"
        let shipped = try String(contentsOfFile: TestPaths.repository + "/config/mosquitto.conf", encoding: .utf8)
        let adapted = shipped.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            if line.hasPrefix("listener ") { return "listener \(port) 127.0.0.1" + (extraConfiguration.isEmpty ? "" : "\nallow_anonymous true") }
            if line.hasPrefix("per_listener_settings ") && !extraConfiguration.isEmpty { return "per_listener_settings true" }
            if line.hasPrefix("persistence_location ") { return "persistence_location \(directory)/" }
            return String(line)
        }.joined(separator: "\n") + "\n" + extraConfiguration + (getuid() == 0 ? "\n# as root, keep root: the test's directories are not the mosquitto user's\nuser root\n" : "\n")
        try adapted.write(toFile: configPath, atomically: true, encoding: .utf8)
        try start()
    }

    var url: String { "mqtt://127.0.0.1:\(port)" }

    func start() throws {
        let broker = try ChildProcess(name: "mosquitto", executable: Self.mosquittoPath, arguments: ["-c", configPath], logDirectory: directory)
        process = broker
        guard eventually(timeout: 10, { TestPaths.portAccepts(port) }) else {
            throw TestFailure("mosquitto did not start on port \(port): \(broker.log)")
        }
    }

    /// SIGTERM: mosquitto writes its persistence file and exits.
    func stop() { process?.stop(SIGTERM) }

    func restart() throws {
        stop()
        try start()
    }

    static var mosquittoPath: String {
        ["/usr/sbin/mosquitto", "/usr/bin/mosquitto", "/usr/local/sbin/mosquitto"].first { FileManager.default.isExecutableFile(atPath: $0) } ?? "mosquitto"
    }
}
