import Devices
import Foundation
import GridDispatch
import Rules
import Simulation

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
        let queue = ChunkQueue<[ReplaySession.Item]>(capacity: 8)
        let producer = Thread { [self] in
            self.decode(capture) { queue.push($0) }
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
            progress(session.result, capture.count)
        }
    }

    /// The capture's lines as items, in chunks of `chunkSize`; stops at the first line that is
    /// not a capture line, with a `.failed` item naming it.
    public func decode(_ capture: [UInt8], emit: ([ReplaySession.Item]) -> Void) {
        var registry = DeviceRegistry(inventory, autoRegister: autoRegister)
        var chunk: [ReplaySession.Item] = []
        chunk.reserveCapacity(chunkSize)
        var lineStart = 0
        var lineNumber = 0
        while lineStart < capture.count {
            let lineEnd = capture[lineStart...].firstIndex(of: 0x0A) ?? capture.count
            defer { lineStart = lineEnd + 1 }
            lineNumber += 1
            guard lineEnd > lineStart else { continue }
            guard let message = try? CaptureLine.decode(bytes: Array(capture[lineStart..<lineEnd])) else {
                chunk.append(.failed("line \(lineNumber): not a capture line"))
                break
            }
            chunk.append(item(for: message, registry: &registry))
            if chunk.count >= chunkSize {
                chunk.append(.progress(lineEnd))
                emit(chunk)
                chunk.removeAll(keepingCapacity: true)
            }
        }
        emit(chunk)
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
        let outcome = message.payload.withUnsafeBufferPointer { decoder.decode(topic: message.topic, payload: $0, receivedAtMs: atMs, registry: registry) }
        switch outcome {
        case let .reading(reading, newDevice):
            if let newDevice { registry.upsert(newDevice) }
            return .reading(RuleReading(deviceID: reading.deviceID, atMs: atMs, values: reading.values), newDevice: newDevice)
        case .availability: return .tick(atMs)
        case .rejected: return .rejected(atMs)
        }
    }
}
