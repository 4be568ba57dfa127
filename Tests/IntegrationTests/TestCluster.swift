#if canImport(Glibc)
import Glibc
#endif
import Foundation
import PostgresStorage

/// A cluster for the tests: a database of its own on the shared test PostgreSQL, a
/// configuration over the three communities of `devices/district-3.csv` with an emergency
/// response window short enough to see all three warning levels, and `gridwatch run`
/// instances as child processes, each killed, paused and restarted by its PID.
final class TestCluster {
    let broker: TestBroker
    let directory: String
    let storeURL: String
    let configPath: String
    let store: PostgresStore
    private(set) var instances: [String: TestClusterInstance] = [:]
    static let communities = ["hexi", "lanyuan", "qingshan"]

    /// `extra` is appended to the configuration (more sections).
    init(broker: TestBroker, directory: String, postgres: TestPostgres? = nil, emergencyRespondSeconds: Int = 45, extra: String = "") throws {
        self.broker = broker
        self.directory = directory
        storeURL = try (postgres ?? TestPostgres.shared()).createDatabase("cluster")
        configPath = directory + "/cluster.yaml"
        let repository = TestPaths.repository
        try TestPaths.shipCatalogue(to: directory)
        try """
            mqtt: {client_id: gwtest}
            storage: {database: \(directory)/unused.db}
            devices: {types: \(repository)/devices, inventory: \(repository)/devices/district-3.csv}
            rules: {directory: \(repository)/config/rules}
            sla:
              calendar: \(repository)/config/calendars/cn-2026.yaml
              tiers: {emergency: {respond: \(emergencyRespondSeconds)s, resolve: 72h}, general: {respond: 24h, resolve: 72h}, complex: {respond: 3 working days, resolve: 72h}}
            http: {dashboard: \(repository)/dashboard}
            \(extra)
            """.write(toFile: configPath, atomically: true, encoding: .utf8)
        let migrate = try ChildProcess(name: "migrate", executable: TestPaths.gridwatch, arguments: ["db", "migrate", "--store", storeURL],
                                       logDirectory: directory)
        guard migrate.waitForExit(timeout: 60) == 0 else { throw TestFailure("gridwatch db migrate failed: \(migrate.log)") }
        store = try PostgresStore(urlText: storeURL, instance: "test-reader")
    }

    /// Starts (or restarts) the instance `name`; waits until its `/readyz` answers.
    func start(_ name: String, environment: [String: String] = [:]) throws {
        let instance = instances[name] ?? TestClusterInstance(name: name, cluster: self)
        instances[name] = instance
        try instance.start(environment: environment)
    }

    func instance(_ name: String) -> TestClusterInstance? { instances[name] }

    /// The owner of each partition now.
    func owners() throws -> [String: String] {
        try store.partitionLeases().reduce(into: [:]) { result, lease in
            if let owner = lease.owner { result[lease.partition] = owner }
        }
    }

    func lease(_ partition: String) throws -> PartitionLease? { try store.partitionLeases().first { $0.partition == partition } }

    func stopAll() { for instance in instances.values { instance.terminate() } }
}

/// One `gridwatch run` of a test cluster.
final class TestClusterInstance {
    let name: String
    let httpPort = TestPaths.freePort()
    unowned let cluster: TestCluster
    private(set) var process: ChildProcess?
    /// Every log this instance's processes wrote, restarts included.
    private(set) var logs: [String] = []

    init(name: String, cluster: TestCluster) {
        self.name = name
        self.cluster = cluster
    }

    func start(environment: [String: String] = [:]) throws {
        if let process { logs.append(process.log) }
        let child = try ChildProcess(name: "gridwatch-\(name)", executable: TestPaths.gridwatch, arguments: [
            "run", "--config", cluster.configPath, "--store", cluster.storeURL, "--instance", name, "--mqtt-url", cluster.broker.url,
            "--http-listen", "127.0.0.1:\(httpPort)", "--log-level", "notice",
        ], logDirectory: cluster.directory, environment: environment)
        process = child
        guard eventually(timeout: 30, { APIClient(port: httpPort).call("GET", "/readyz", token: nil, maxTimeSeconds: 2).status != 0 || !child.isRunning }),
              child.isRunning else {
            throw TestFailure("instance \(name) did not start: \(child.log)")
        }
    }

    var pid: pid_t? { process?.pid }
    func kill9() { process?.stop(SIGKILL) }
    func pause() { process?.signal(SIGSTOP) }
    func resume() { process?.signal(SIGCONT) }

    @discardableResult
    func terminate() -> Int32? { process?.stop(SIGTERM, timeout: 30) }

    var allLogs: String { (logs + [process?.log ?? ""]).joined(separator: "\n") }
}
