#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Foundation
import Synchronization

/// The durable buffer between the network and the slower stages: an append-only log of raw
/// MQTT messages in segment files named by their first position. The network loop `stage`s
/// each message inside libmosquitto's `on_message` and `flush`es the burst before it writes
/// the burst's PUBACKs, so a message is on disk before the broker hears "received";
/// everything after it (decode, store, rules) can be replayed from here after a crash.
public final class Journal: Sendable {
    /// Tuning and durability settings.
    public struct Options: Sendable {
        public var segmentBytes: Int
        /// `fdatasync` after every append: survives power loss, not only a killed process, at
        /// the cost of a disk flush per message.
        public var syncEveryAppend: Bool

        public init(segmentBytes: Int = 64 << 20, syncEveryAppend: Bool = false) {
            self.segmentBytes = segmentBytes
            self.syncEveryAppend = syncEveryAppend
        }
    }

    struct WriterState {
        var fd: Int32
        var segmentBase: UInt64
        var segmentSize: Int
        var end: UInt64
        var buffer: [UInt8] = []
        var failed: String?
    }

    public let directory: String
    let options: Options
    private let writer: Mutex<WriterState>
    private let consumerWaiting = Atomic<Bool>(false)
    private let dataAvailable = DispatchSemaphore(value: 0)

    /// Opens (or creates) the journal in `directory`, cutting off a torn last record.
    public init(directory: String, options: Options = Options()) throws {
        self.directory = directory
        self.options = options
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let segments = try JournalSegments.list(directory)
        let base = segments.last ?? 0
        let path = JournalSegments.path(directory, base)
        let validSize = try JournalSegments.recover(path: path)
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o640)
        guard fd >= 0 else { throw JournalError.io("cannot open \(path): \(String(cString: strerror(errno)))") }
        writer = Mutex(WriterState(fd: fd, segmentBase: base, segmentSize: validSize, end: base + UInt64(validSize)))
    }

    deinit {
        writer.withLock { state in _ = close(state.fd) }
    }

    /// Position just after the last appended record.
    public var endPosition: UInt64 { writer.withLock { $0.end } }

    /// Appends one message and writes it at once. Returns false if the write failed (disk
    /// full, I/O error): the caller must then not acknowledge the message, and the journal
    /// refuses further appends.
    @discardableResult
    public func append(topic: String, payload: UnsafeRawBufferPointer, receivedAtMs: Int64) -> Bool {
        stage(topic: topic, payload: payload, receivedAtMs: receivedAtMs) && flush()
    }

    /// Encodes one message into the pending buffer; it is on disk only after `flush`. The
    /// network loop stages every message of a read burst and flushes once before any of
    /// their PUBACKs is written: one `write` for many messages, the same guarantee.
    @discardableResult
    public func stage(topic: String, payload: UnsafeRawBufferPointer, receivedAtMs: Int64) -> Bool {
        writer.withLock { state -> Bool in
            guard state.failed == nil else { return false }
            JournalRecord.encode(topic: topic, payload: payload, receivedAtMs: receivedAtMs, into: &state.buffer)
            return true
        }
    }

    /// Writes every staged message with one `write` (and `fdatasync` when configured). Returns
    /// false if that failed: none of the staged messages may then be acknowledged.
    @discardableResult
    public func flush() -> Bool {
        let flushed = writer.withLock { state -> Int? in
            guard state.failed == nil else { return nil }
            guard !state.buffer.isEmpty else { return 0 }
            if state.segmentSize >= options.segmentBytes { rotate(&state) }
            guard state.failed == nil else { return nil }
            let written = state.buffer.withUnsafeBytes { JournalSegments.writeAll(state.fd, $0) }
            guard written else {
                state.failed = "write failed: \(String(cString: strerror(errno)))"
                return nil
            }
            if options.syncEveryAppend { _ = fdatasync(state.fd) }
            let count = state.buffer.count
            state.segmentSize += count
            state.end += UInt64(count)
            state.buffer.removeAll(keepingCapacity: true)
            return count
        }
        guard let flushed else { return false }
        if flushed > 0, consumerWaiting.exchange(false, ordering: .acquiringAndReleasing) { dataAvailable.signal() }
        return true
    }

    /// The reason appends stopped, if they did.
    public var failure: String? { writer.withLock { $0.failed } }

    /// Blocks the consumer until data past `position` exists or `timeout` passes.
    public func waitForData(after position: UInt64, timeout: DispatchTimeInterval) {
        consumerWaiting.store(true, ordering: .sequentiallyConsistent)
        if endPosition > position {
            consumerWaiting.store(false, ordering: .sequentiallyConsistent)
            return
        }
        _ = dataAvailable.wait(timeout: .now() + timeout)
    }

    /// Wakes a consumer blocked in `waitForData` (used at shutdown).
    public func wakeConsumer() { dataAvailable.signal() }

    /// Deletes segments wholly before `position` (already committed to the database).
    public func discard(before position: UInt64) {
        let active = writer.withLock { $0.segmentBase }
        guard let segments = try? JournalSegments.list(directory) else { return }
        for (index, base) in segments.enumerated() where base < active {
            let next = index + 1 < segments.count ? segments[index + 1] : active
            if next <= position { unlink(JournalSegments.path(directory, base)) }
        }
    }

    private func rotate(_ state: inout WriterState) {
        if options.syncEveryAppend { _ = fsync(state.fd) }
        let path = JournalSegments.path(directory, state.end)
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o640)
        guard fd >= 0 else {
            state.failed = "cannot open \(path): \(String(cString: strerror(errno)))"
            return
        }
        _ = close(state.fd)
        state.fd = fd
        state.segmentBase = state.end
        state.segmentSize = 0
    }
}

/// Why the journal could not be opened or read.
public enum JournalError: Error, CustomStringConvertible {
    case io(String)
    public var description: String {
        switch self { case let .io(message): message }
    }
}
