#if canImport(Glibc)
import Glibc
#endif
import Foundation

// The plumbing under HeadlessBrowser: starting Chromium with its protocol pipes, the reader
// thread, the inbox it fills, and finding processes the browser left behind.

/// Responses by id and the events the tests care about, handed from the reader thread to the test.
/// `@unchecked Sendable` is safe: every stored property is read and written only while holding
/// `condition`, and each stored dictionary comes fresh from JSONSerialization and is never mutated.
final class CDPInbox: @unchecked Sendable {
    private let condition = NSCondition()
    private var responses: [Int: [String: Any]] = [:]
    private var messages: [ConsoleMessage] = []
    private var loadEvents = 0
    private var finished = false

    var consoleMessages: [ConsoleMessage] { locked { messages } }
    var loadEventCount: Int { locked { loadEvents } }
    var isFinished: Bool { locked { finished } }

    func receive(_ message: [String: Any]) {
        locked {
            if let id = message["id"] as? Int {
                responses[id] = message
                return
            }
            let params = message["params"] as? [String: Any] ?? [:]
            switch message["method"] as? String {
            case "Page.loadEventFired":
                loadEvents += 1
            case "Runtime.consoleAPICalled":
                let arguments = params["args"] as? [[String: Any]] ?? []
                let text = arguments.map { "\($0["value"] ?? $0["description"] ?? $0["type"] ?? "?")" }.joined(separator: " ")
                messages.append(ConsoleMessage(kind: params["type"] as? String ?? "log", text: text))
            case "Runtime.exceptionThrown":
                messages.append(ConsoleMessage(kind: "exception", text: exceptionText(params["exceptionDetails"] as? [String: Any] ?? [:])))
            default:
                break
            }
        }
    }

    func finish() { locked { finished = true } }

    func response(to id: Int, deadline: Date) -> [String: Any]? {
        waitFor(deadline) { responses.removeValue(forKey: id) }
    }

    func waitForLoadEvent(after count: Int, deadline: Date) -> Bool {
        waitFor(deadline) { loadEvents > count ? true : nil } ?? false
    }

    /// Waits until `ready` returns a value, the deadline passes or the browser is gone.
    private func waitFor<Value>(_ deadline: Date, _ ready: () -> Value?) -> Value? {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if let value = ready() { return value }
            if finished || !condition.wait(until: deadline) { return ready() }
        }
    }

    /// Runs `body` under the lock and wakes every waiter, since `body` may have changed what they wait for.
    private func locked<Value>(_ body: () -> Value) -> Value {
        condition.lock()
        defer { condition.broadcast(); condition.unlock() }
        return body()
    }
}

/// Reads NUL-terminated JSON messages from `fd` until the browser closes it. Runs on its own
/// Thread so a blocking read() never holds one of the few threads of Swift's cooperative pool.
func readMessages(from fd: Int32, into inbox: CDPInbox) {
    var pending = Data()
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if count < 0, errno == EINTR { continue }
        guard count > 0 else { break }
        // Only the new bytes are searched for the terminator: a screenshot is megabytes long.
        var start = 0
        for index in 0..<count where chunk[index] == 0 {
            pending.append(contentsOf: chunk[start..<index])
            if let message = try? JSONSerialization.jsonObject(with: pending) as? [String: Any] { inbox.receive(message) }
            pending.removeAll(keepingCapacity: true)
            start = index + 1
        }
        pending.append(contentsOf: chunk[start..<count])
    }
    Glibc.close(fd)
    inbox.finish()
}

/// Starts `executable` in its own process group with a pipe read as fd 3 and one written as fd 4.
func spawnWithPipes(_ executable: String, arguments: [String], environment: [String: String], logPath: String) throws -> (pid: pid_t, commandFD: Int32, responseFD: Int32) {
    let commands = try makePipe()
    let responses = try makePipe()
    // The child's ends: once only the browser holds them, EOF on `responses` means it is gone.
    defer { Glibc.close(commands.read); Glibc.close(responses.write) }
    do {
        let pid = try spawnChild(executable, arguments: arguments, environment: environment, logPath: logPath,
                                 descriptors: [(commands.read, 3), (responses.write, 4)], newProcessGroup: true)
        return (pid, commands.write, responses.read)
    } catch {
        Glibc.close(commands.write)
        Glibc.close(responses.read)
        throw error
    }
}

/// A close-on-exec pipe with both ends above fd 4, so the child's dup2 onto 3 and 4 cannot
/// overwrite a descriptor it has yet to copy, and no other child inherits either end.
func makePipe() throws -> (read: Int32, write: Int32) {
    var fds: [Int32] = [0, 0]
    guard pipe(&fds) == 0 else { throw TestFailure("pipe: \(String(cString: strerror(errno)))") }
    let high = fds.map { fd in
        defer { Glibc.close(fd) }
        return fcntl(fd, F_DUPFD_CLOEXEC, 10)
    }
    guard high.allSatisfy({ $0 >= 0 }) else { throw TestFailure("fcntl: \(String(cString: strerror(errno)))") }
    return (high[0], high[1])
}

/// Whether `pid` has exited, without reaping it (WNOWAIT).
func hasExited(_ pid: pid_t) -> Bool {
    var info = siginfo_t()
    return waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info._sifields._sigchld.si_pid == pid
}

/// Live processes in `group` or whose command line mentions `directory`. Zombies do not count:
/// they are dead, and reaping orphans is up to init, which may take its time.
func leftoverProcesses(group: pid_t, directory: String) -> [pid_t] {
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    return entries.compactMap { entry -> pid_t? in
        // "pid (comm) state ppid pgrp …"; comm may contain spaces and parentheses.
        guard let pid = pid_t(entry), let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
              let nameEnd = stat.range(of: ") ", options: .backwards) else { return nil }
        let fields = stat[nameEnd.upperBound...].split(separator: " ")
        guard fields.count > 2, fields[0] != "Z" else { return nil }
        if fields[2] == "\(group)" { return pid }
        let commandLine = (try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(entry)/cmdline"))) ?? Data()
        return String(decoding: commandLine, as: UTF8.self).contains(directory) ? pid : nil
    }
}

/// The message of a thrown value: `Error: boom\n    at …` for an Error, else the thrown value.
func exceptionText(_ details: [String: Any]) -> String {
    let exception = details["exception"] as? [String: Any] ?? [:]
    if let description = exception["description"] as? String { return description }
    if let value = exception["value"] { return "\(value)" }
    return details["text"] as? String ?? "an unknown exception"
}
