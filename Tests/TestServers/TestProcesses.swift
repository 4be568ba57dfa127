#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Paths the tests need: the repository and the built `gridwatch` binary.
public enum TestPaths {
    public static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// `GRIDWATCH_BIN`, else the debug build next to the test bundle, else `.build/debug`.
    public static var gridwatch: String {
        if let explicit = ProcessInfo.processInfo.environment["GRIDWATCH_BIN"] { return explicit }
        let sibling = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("gridwatch").path
        if FileManager.default.isExecutableFile(atPath: sibling) { return sibling }
        return repository + "/.build/debug/gridwatch"
    }

    /// Puts the shipped demand catalogue next to a test's configuration, where `tickets.catalogue`
    /// looks by default (as on an installed machine): the shipped rules name its items. A
    /// catalogue the test wrote itself stays.
    public static func shipCatalogue(to directory: String) throws {
        let target = directory + "/catalogue.yaml"
        guard !FileManager.default.fileExists(atPath: target) else { return }
        try FileManager.default.copyItem(atPath: repository + "/config/catalogue.yaml", toPath: target)
    }

    public static func temporaryDirectory(_ name: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gw-\(name)-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Deletes a test's scratch directory, unless `GRIDWATCH_KEEP_TEST_FILES` is set (to read
    /// the servers' logs and data after a run).
    public static func removeScratch(_ path: String) {
        guard (ProcessInfo.processInfo.environment["GRIDWATCH_KEEP_TEST_FILES"] ?? "").isEmpty else { return }
        try? FileManager.default.removeItem(atPath: path)
    }

    /// A port nobody listens on, below Linux's ephemeral range (32768-60999): a port from that
    /// range can be taken as the source port of some outgoing connection before the broker
    /// binds it, and a probe connecting to it can even connect to itself.
    public static func freePort() -> Int {
        for _ in 0..<200 {
            let port = Int.random(in: 20_000..<32_000)
            if onLoopback(port, bind) == 0 { return port }
        }
        fatalError("no free port between 20000 and 32000")
    }

    public static func portAccepts(_ port: Int) -> Bool { onLoopback(port, connect) == 0 }

    /// Calls `bind` or `connect` with a fresh TCP socket and 127.0.0.1:`port`, then closes it.
    public static func onLoopback(_ port: Int, _ call: (Int32, UnsafePointer<sockaddr>, socklen_t) -> Int32) -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { call(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
    }
}

/// A child process the test owns and stops by its PID. Spawned with `posix_spawn` and an
/// empty signal mask: the test runner's threads block signals, and a child started through
/// Foundation's `Process` inherits that mask, so mosquitto would ignore SIGTERM.
/// Starts `executable` with stdin from /dev/null and stdout and stderr appended to `logPath`;
/// `descriptors` are dup2'd into the child too (the browser's pipes on fds 3 and 4), and
/// `newProcessGroup` puts it in a group of its own. `posix_spawn` because Foundation's Process
/// maps only stdin, stdout and stderr; the empty signal mask because the test runner's threads
/// block signals and a child would inherit that.
public func spawnChild(_ executable: String, arguments: [String], environment: [String: String], logPath: String,
                descriptors: [(from: Int32, to: Int32)] = [], newProcessGroup: Bool = false) throws -> pid_t {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
    posix_spawn_file_actions_adddup2(&actions, 1, 2)
    for descriptor in descriptors { posix_spawn_file_actions_adddup2(&actions, descriptor.from, descriptor.to) }
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var empty = sigset_t()
    sigemptyset(&empty)
    var defaults = sigset_t()
    sigfillset(&defaults)
    posix_spawnattr_setsigmask(&attributes, &empty)
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    var flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF
    if newProcessGroup {
        posix_spawnattr_setpgroup(&attributes, 0)
        flags |= POSIX_SPAWN_SETPGROUP
    }
    posix_spawnattr_setflags(&attributes, Int16(flags))
    let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    let variables = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
    let envp: [UnsafeMutablePointer<CChar>?] = variables.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer { envp.forEach { free($0) } }
    var child: pid_t = 0
    let rc = posix_spawn(&child, executable, &actions, &attributes, argv, envp)
    guard rc == 0 else { throw TestFailure("cannot start \(executable): \(String(cString: strerror(rc)))") }
    return child
}

public final class ChildProcess {
    public let name: String
    public let logPath: String
    public let pid: pid_t
    private var exitStatus: Int32?

    public init(name: String, executable: String, arguments: [String], logDirectory: String, environment: [String: String] = [:]) throws {
        self.name = name
        logPath = logDirectory + "/\(name)-\(UUID().uuidString.prefix(6)).log"
        pid = try spawnChild(executable, arguments: arguments, environment: environment, logPath: logPath)
    }

    public var isRunning: Bool {
        guard exitStatus == nil else { return false }
        var status: Int32 = 0
        let result = waitpid(pid, &status, WNOHANG)
        guard result == pid else { return result == 0 }
        // WIFEXITED / WEXITSTATUS, and 128 + signal for a killed child.
        exitStatus = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        return false
    }

    public func signal(_ signal: Int32) { if isRunning { kill(pid, signal) } }

    /// Sends `signal` and waits for the process to end; SIGKILL after `timeout`.
    @discardableResult
    public func stop(_ signal: Int32 = SIGTERM, timeout: Double = 30) -> Int32 {
        self.signal(signal)
        if waitForExit(timeout: timeout) == nil {
            kill(pid, SIGKILL)
            _ = waitForExit(timeout: 10)
        }
        return exitStatus ?? -1
    }

    public func waitForExit(timeout: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while isRunning, Date() < deadline { usleep(10_000) }
        return isRunning ? nil : exitStatus
    }

    public var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }
}

/// Polls `condition` every 50 ms until it holds or `timeout` passes.
public func eventually(timeout: Double, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if try condition() { return true }
        usleep(50_000)
    }
    return try condition()
}

/// A test setup failure with its explanation.
public struct TestFailure: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
