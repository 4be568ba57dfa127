#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Storage
import Synchronization

/// `gridwatch run` as a child process against a test broker, with its own database, journal
/// and HTTP port.
final class TestGateway {
    let broker: TestBroker
    let directory: String
    let databasePath: String
    let httpPort: Int
    let configPath: String
    private(set) var process: ChildProcess?

    init(broker: TestBroker, directory: String, configPath: String = TestPaths.repository + "/config/gridwatch.yaml") {
        self.broker = broker
        self.directory = directory
        self.configPath = configPath
        databasePath = directory + "/gridwatch.db"
        httpPort = TestPaths.freePort()
    }

    func start(mqttURL: String? = nil, environment: [String: String] = [:], waitForReady: Bool = true) throws {
        let gateway = try ChildProcess(name: "gridwatch", executable: TestPaths.gridwatch, arguments: [
            "run", "--config", configPath, "--mqtt-url", mqttURL ?? broker.url, "--db", databasePath,
            "--http-listen", "127.0.0.1:\(httpPort)", "--log-level", "notice",
        ], logDirectory: directory, environment: environment)
        process = gateway
        guard waitForReady else { return }
        guard eventually(timeout: 30, { httpStatus("/readyz", maxTimeSeconds: 2) == 200 || !gateway.isRunning }), gateway.isRunning else {
            throw TestFailure("gateway did not become ready: \(gateway.log)")
        }
    }

    /// `/readyz` answers 200.
    func isReady() -> Bool { httpStatus("/readyz") == 200 }

    /// The body of `/readyz`.
    func readiness() -> String { body("/readyz") }

    /// The body of `/metrics`.
    func metrics() -> String { body("/metrics") }

    /// `maxTimeSeconds`: a single look under the parallel suites' load needs room; a caller
    /// polling a gateway still starting passes less.
    func body(_ path: String, maxTimeSeconds: Double = 10) -> String {
        APIClient(port: httpPort).call("GET", path, token: nil, maxTimeSeconds: maxTimeSeconds).body
    }

    /// The status of `GET path`; 0 when nothing answered.
    func httpStatus(_ path: String, maxTimeSeconds: Double = 10) -> Int? {
        APIClient(port: httpPort).call("GET", path, token: nil, maxTimeSeconds: maxTimeSeconds).status
    }

    func kill9() { process?.stop(SIGKILL) }

    @discardableResult
    func terminate() -> Int32? { process?.stop(SIGTERM, timeout: 60) }

    func database() throws -> GatewayDatabase {
        if let opened = opened.withLock({ $0 }) { return opened }
        let database = try GatewayDatabase(path: databasePath)
        opened.withLock { $0 = database }
        return database
    }

    /// One connection pool for the test's reads: opening one per poll was slow enough to miss
    /// the moment a kill was meant for.
    private let opened = Mutex<GatewayDatabase?>(nil)

    func readingCount() -> Int { (try? database().readingCount()) ?? -1 }
}

/// `gridwatch simulate` publishing the demo community's devices to the test broker (`--count`
/// messages; the roster's staff stay home, so the gateway receives exactly those).
func startSimulator(broker: TestBroker, count: Int, rate: Int, clientID: String, directory: String, extra: [String] = []) throws -> ChildProcess {
    try ChildProcess(name: "simulate", executable: TestPaths.gridwatch, arguments: [
        "simulate", "--config", TestPaths.repository + "/config/gridwatch.yaml", "--mqtt-url", broker.url,
        "--count", String(count), "--rate", String(rate), "--client-id", clientID, "--seed", String(UInt32.random(in: 1...1_000_000)),
        "--no-staff",
    ] + extra, logDirectory: directory)
}
