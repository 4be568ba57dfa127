import Foundation

/// The name the system shows for the calling thread (`ps -L`, `top -H`, perf, and
/// `/proc/PID/task/TID/comm`, which `bench/alert-latency` splits its CPU figure by).
/// Foundation's `Thread.name` is no way to it here: set before `start()` it stays on the
/// object, and set from inside it reaches the system only if the parent has already recorded
/// the started thread, a race. Glibc's `pthread_setname_np` needs `_GNU_SOURCE`, which Swift's
/// Glibc module does not define, so the name is written where the kernel keeps it.
public enum SystemThreadName {
    /// Names the calling thread; at most 15 bytes of `name` are kept (the kernel's limit).
    /// Nothing happens where `/proc` is missing: a name is for people, never for logic.
    public static func set(_ name: String) {
        let fd = open("/proc/thread-self/comm", O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        defer { close(fd) }
        let bytes = Array(name.utf8.prefix(15))
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    }
}
