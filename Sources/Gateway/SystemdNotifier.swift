#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// systemd's notification protocol (`sd_notify`) without libsystemd: one datagram per state
/// (`READY=1`, `STOPPING=1`, `WATCHDOG=1`) to the socket named by `$NOTIFY_SOCKET`. Outside
/// systemd the variable is absent and every call does nothing.
public struct SystemdNotifier: Sendable {
    let socketPath: String?
    /// How often systemd expects `WATCHDOG=1` (`WatchdogSec=`), when it asked for it.
    public let watchdogIntervalSeconds: Double?

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        socketPath = environment["NOTIFY_SOCKET"].flatMap { $0.isEmpty ? nil : $0 }
        let forUs = environment["WATCHDOG_PID"].map { Int32($0) == getpid() } ?? true
        watchdogIntervalSeconds = forUs ? environment["WATCHDOG_USEC"].flatMap(Double.init).map { $0 / 1_000_000 } : nil
    }

    /// Sends `state` (e.g. `READY=1`); false when not under systemd or the send failed.
    @discardableResult
    public func notify(_ state: String) -> Bool {
        guard let socketPath else { return false }
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var path = Array(socketPath.utf8)
        // "@name" is an abstract socket: its address starts with a NUL byte.
        if path.first == UInt8(ascii: "@") { path[0] = 0 }
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard path.count < capacity else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in path.enumerated() { raw[index] = byte }
        }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + path.count)
        let bytes = Array(state.utf8)
        let sent = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(fd, bytes, bytes.count, 0, $0, length) }
        }
        return sent == bytes.count
    }
}
