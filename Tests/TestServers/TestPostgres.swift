#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A real PostgreSQL server for the tests, as users run Debian's: `initdb` into a temporary
/// directory, `postgres` on a free loopback port with its socket in that directory, as the
/// `postgres` user when the tests run as root (PostgreSQL refuses to run as root), stopped by
/// its PID. One server serves the whole test process; each test takes a database of its own.
public final class TestPostgres: @unchecked Sendable {
    // @unchecked: the stored properties are `let`s set in init, except the counter and the
    // current server process, which are read and written only under `lock`.
    public let port: Int
    public let directory: String
    private let command: (executable: String, arguments: [String])
    private let lock = NSLock()
    private var databases = 0
    private var server: ChildProcess?

    /// The running server process.
    public var process: ChildProcess { lock.withLock { server! } }

    /// The server the test process shares, started on first use.
    public static func shared() throws -> TestPostgres {
        try sharedServer.get()
    }

    private static let sharedServer: Result<TestPostgres, any Error> = {
        Result {
            let server = try TestPostgres()
            removeAtExit = server
            atexit { removeAtExit?.stopAndRemove() }
            return server
        }
    }()

    public init() throws {
        guard let binaries = Self.binaryDirectory else {
            throw TestFailure("no PostgreSQL server binaries under /usr/lib/postgresql (scripts/test installs postgresql)")
        }
        directory = try TestPaths.temporaryDirectory("postgres")
        port = TestPaths.freePort()
        let data = directory + "/data"
        let asPostgres = getuid() == 0
        if asPostgres { try Self.run("/bin/chown", ["-R", "postgres:postgres", directory]) }
        try Self.run(binaries + "/initdb", ["-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync"], asPostgres: asPostgres,
                     log: directory + "/initdb.log")
        // fsync off only for the tests' throwaway server: durability is the product's setting, not this one's.
        let arguments = ["-D", data, "-p", "\(port)", "-k", directory, "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off",
                         "-c", "max_connections=200", "-c", "shared_buffers=64MB"]
        command = Self.command(binaries + "/postgres", arguments, asPostgres: asPostgres)
        try start()
    }

    /// Starts the server on its data directory and port (again, after `stop`).
    public func start() throws {
        let started = try ChildProcess(name: "postgres", executable: command.executable, arguments: command.arguments, logDirectory: directory)
        lock.withLock { server = started }
        guard eventually(timeout: 30, { TestPaths.portAccepts(port) }) else {
            throw TestFailure("PostgreSQL did not start on port \(port): \(started.log)")
        }
    }

    /// A fresh, empty database; returns its store URL.
    public func createDatabase(_ prefix: String = "t") throws -> String {
        let name: String = lock.withLock {
            databases += 1
            return "\(prefix)_\(getpid())_\(databases)".lowercased().filter { $0.isLetter || $0.isNumber || $0 == "_" }
        }
        try Self.run("/usr/bin/psql", ["-h", "127.0.0.1", "-p", "\(port)", "-U", "postgres", "-d", "postgres", "-q", "-c", "CREATE DATABASE \(name)"],
                     log: directory + "/psql.log")
        return url(database: name)
    }

    /// Runs one statement with psql against the database of `storeURL`.
    public func psql(database storeURL: String, _ sql: String) throws {
        let name = String(storeURL.split(separator: "/").last ?? "postgres")
        try Self.run("/usr/bin/psql", ["-h", "127.0.0.1", "-p", "\(port)", "-U", "postgres", "-d", name, "-q", "-v", "ON_ERROR_STOP=1", "-c", sql],
                     log: directory + "/psql.log")
    }

    public func url(database: String) -> String { "postgresql://postgres@127.0.0.1:\(port)/\(database)" }

    /// SIGINT: PostgreSQL's fast shutdown.
    public func stop() { process.stop(SIGINT) }

    /// Stops the server and deletes its directory: with the databases the tests made it holds
    /// hundreds of megabytes, and left behind run after run they filled the disk CI shares.
    public func stopAndRemove() {
        stop()
        TestPaths.removeScratch(directory)
    }

    /// Debian's newest installed server version.
    static var binaryDirectory: String? {
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        return versions.compactMap(Int.init).sorted().reversed().map { "/usr/lib/postgresql/\($0)/bin" }
            .first { FileManager.default.isExecutableFile(atPath: $0 + "/postgres") }
    }

    /// `setpriv` switches user and then execs, so the PID it starts with is the server's own.
    static func command(_ executable: String, _ arguments: [String], asPostgres: Bool) -> (String, [String]) {
        asPostgres ? ("/usr/bin/setpriv", ["--reuid=postgres", "--regid=postgres", "--init-groups", executable] + arguments) : (executable, arguments)
    }

    static func run(_ executable: String, _ arguments: [String], asPostgres: Bool = false, log: String = "/dev/null") throws {
        let (command, fullArguments) = Self.command(executable, arguments, asPostgres: asPostgres)
        let pid = try spawnChild(command, arguments: fullArguments, environment: [:], logPath: log)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        guard status == 0 else {
            let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            throw TestFailure("\(executable) \(arguments.joined(separator: " ")) failed (status \(status)): \(output.suffix(2000))")
        }
    }
}

/// The shared server, for the exit handler (a C function pointer captures nothing). Written
/// once, inside `sharedServer`'s lazy initialiser, before `atexit` is registered; read only by
/// that handler, after the tests have run.
nonisolated(unsafe) private var removeAtExit: TestPostgres?
