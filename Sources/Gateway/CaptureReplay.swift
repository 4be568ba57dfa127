import Devices
import Foundation
import GridDispatch
import Rules
import Simulation
import Synchronization

/// Reads a capture file (`simulate --output`) into a `ReplaySession`. Decoding (capture line,
/// topic, JSON, validation) runs on a thread of its own and the session on the caller's, in
/// chunks: the two halves cost about the same, so on two cores replay runs nearly twice as
/// fast. Order is kept: one producer, one consumer, first in first out.
public struct CaptureReplay: Sendable {
    public var decoder: PayloadDecoder
    public var inventory: [Device]
    public var autoRegister: Bool
    /// Items per chunk handed between the threads.
    public var chunkSize = 4096
    /// Bytes read from a capture file at a time (`run(file:)`).
    public var fileBlockBytes = 1 << 20
    /// The staff topic and the roster's check: positions in the capture move dispatch and arrival.
    public var staffTopic: TopicLayout?
    public var staffCheck: StaffPositionCheck?

    public init(decoder: PayloadDecoder, inventory: [Device], autoRegister: Bool) {
        self.decoder = decoder
        self.inventory = inventory
        self.autoRegister = autoRegister
    }

    /// Feeds every line of `capture` to `session`; `progress` is called between chunks.
    public func run(_ capture: [UInt8], into session: inout ReplaySession,
                    progress: (ReplaySession.Result, _ totalBytes: Int) -> Void = { _, _ in }) throws {
        try run(lines: { visit in Self.forEachLine(of: capture, visit) }, totalBytes: capture.count, into: &session, progress: progress)
    }

    /// The same for the capture file at `path`, read in blocks rather than held whole.
    public func run(file path: String, into session: inout ReplaySession,
                    progress: (ReplaySession.Result, _ totalBytes: Int) -> Void = { _, _ in }) throws {
        let lines = CaptureFileLines(path: path, blockBytes: fileBlockBytes)
        let total = try lines.size()
        let readFailure = ReadFailure()
        try run(lines: { visit in
            do { try lines.forEach(visit) } catch { readFailure.message.withLock { $0 = "\(error)" } }
        }, totalBytes: total, into: &session, progress: progress)
        if let message = readFailure.message.withLock({ $0 }) { throw ReplaySession.Failure(description: message) }
    }

    private func run(lines: @escaping @Sendable (_ visit: (_ line: [UInt8], _ endOffset: Int) -> Bool) -> Void, totalBytes: Int,
                     into session: inout ReplaySession, progress: (ReplaySession.Result, _ totalBytes: Int) -> Void) throws {
        let queue = ChunkQueue<[ReplaySession.Item]>(capacity: 8)
        let producer = Thread { [self] in
            self.decode(lines: lines) { queue.push($0) }
            queue.finish()
        }
        producer.start()
        while let chunk = queue.pop() {
            for item in chunk {
                do { try session.handle(item) } catch {
                    queue.drain()
                    throw error
                }
            }
            progress(session.result, totalBytes)
        }
    }

    /// The capture's lines as items, in chunks of `chunkSize`; stops at the first line that is
    /// not a capture line, with a `.failed` item naming it.
    public func decode(_ capture: [UInt8], emit: ([ReplaySession.Item]) -> Void) {
        // `decode(lines:)` calls `emit` only while it runs.
        withoutActuallyEscaping(emit) { emit in decode(lines: { visit in Self.forEachLine(of: capture, visit) }, emit: emit) }
    }

    private func decode(lines: (_ visit: (_ line: [UInt8], _ endOffset: Int) -> Bool) -> Void,
                        emit: @escaping ([ReplaySession.Item]) -> Void) {
        var registry = DeviceRegistry(inventory, autoRegister: autoRegister)
        var chunk: [ReplaySession.Item] = []
        chunk.reserveCapacity(chunkSize)
        var lineNumber = 0
        lines { line, endOffset in
            lineNumber += 1
            guard !line.isEmpty else { return true }
            guard let message = try? CaptureLine.decode(bytes: line) else {
                chunk.append(.failed("line \(lineNumber): not a capture line"))
                return false
            }
            chunk.append(item(for: message, registry: &registry))
            if chunk.count >= chunkSize {
                chunk.append(.progress(endOffset))
                emit(chunk)
                chunk.removeAll(keepingCapacity: true)
            }
            return true
        }
        emit(chunk)
    }

    private static func forEachLine(of capture: [UInt8], _ visit: (_ line: [UInt8], _ endOffset: Int) -> Bool) {
        var lineStart = 0
        while lineStart < capture.count {
            let lineEnd = capture[lineStart...].firstIndex(of: 0x0A) ?? capture.count
            if !visit(Array(capture[lineStart..<lineEnd]), lineEnd) { return }
            lineStart = lineEnd + 1
        }
    }

    private func item(for message: SimulatedMessage, registry: inout DeviceRegistry) -> ReplaySession.Item {
        let atMs = Int64((message.at.timeIntervalSince1970 * 1000).rounded())
        if let staffTopic, let staffCheck, let parts = staffTopic.parts(of: message.topic) {
            switch staffCheck.check(staffID: parts.device, payload: message.payload, nowMs: atMs) {
            case let .accepted(position):
                return .staffPosition(StaffPositionReport(staffID: parts.device, community: parts.community ?? "", position: position, receivedAtMs: atMs))
            case .rejected: return .rejected(atMs)
            }
        }
        let outcome = decoder.decode(topic: message.topic, payload: message.payload, receivedAtMs: atMs, registry: registry)
        switch outcome {
        case let .reading(reading, newDevice):
            if let newDevice { registry.upsert(newDevice) }
            return .reading(RuleReading(deviceID: reading.deviceID, atMs: atMs, values: reading.values), newDevice: newDevice)
        case .availability: return .tick(atMs)
        case .rejected: return .rejected(atMs)
        }
    }
}

/// A read error on the decoding thread, for the caller's thread to throw.
private final class ReadFailure: Sendable {
    let message = Mutex<String?>(nil)
}
