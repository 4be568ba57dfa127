#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Reads journal records in order from a position, in bulk; owned by the single consumer.
public struct JournalReader: ~Copyable {
    public let journal: Journal
    public private(set) var position: UInt64
    private var fd: Int32 = -1
    private var segmentBase: UInt64 = 0
    private var segmentEnd: UInt64 = .max
    private var chunk: [UInt8] = []

    public init(journal: Journal, from position: UInt64) {
        self.journal = journal
        self.position = position
    }

    deinit { if fd >= 0 { close(fd) } }

    /// Up to `maxCount` entries after the current position (fewer when the journal ends).
    public mutating func read(maxCount: Int, maxBytes: Int = 8 << 20) throws -> [JournalEntry] {
        var entries: [JournalEntry] = []
        let end = journal.endPosition
        while entries.count < maxCount, position < end {
            if fd < 0 || position >= segmentEnd || position < segmentBase { try openSegment(for: position, end: end) }
            let available = Int(min(segmentEnd, end) - position)
            guard available > 0 else { try openSegment(for: position, end: end); continue }
            let want = min(available, maxBytes)
            if chunk.count < want { chunk = [UInt8](repeating: 0, count: want) }
            let got = chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress!, want, off_t(position - segmentBase)) }
            if got == 0 {
                // The writer moved to a new segment since this one was opened as the last.
                let previousBase = segmentBase
                try openSegment(for: position, end: end)
                guard segmentBase != previousBase || segmentEnd != .max else { throw JournalError.io("journal ends early at \(position)") }
                continue
            }
            guard got > 0 else { throw JournalError.io("journal read failed at \(position)") }
            var offset = 0
            let chunkBase = position
            chunk.withUnsafeBytes { raw in
                let bytes = UnsafeRawBufferPointer(rebasing: raw[0..<got])
                while entries.count < maxCount, let (entry, size) = JournalRecord.decode(bytes, at: offset, basePosition: chunkBase) {
                    entries.append(entry)
                    offset += size
                }
            }
            if offset == 0 {
                // A record larger than the chunk: read it whole next time.
                guard want < available else { throw JournalError.io("corrupt journal record at position \(position)") }
                chunk = [UInt8](repeating: 0, count: min(available, want * 2))
                continue
            }
            position += UInt64(offset)
            if entries.count >= maxCount { break }
        }
        return entries
    }

    private mutating func openSegment(for position: UInt64, end: UInt64) throws {
        let segments = try JournalSegments.list(journal.directory)
        guard let index = segments.lastIndex(where: { $0 <= position }) else {
            throw JournalError.io("journal position \(position) is before the oldest segment")
        }
        if fd >= 0 { close(fd) }
        segmentBase = segments[index]
        let path = JournalSegments.path(journal.directory, segmentBase)
        fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw JournalError.io("cannot open \(path)") }
        if index + 1 < segments.count {
            segmentEnd = segments[index + 1]
        } else {
            segmentEnd = .max
        }
        if position == segmentEnd, index + 1 < segments.count { try openSegment(for: segments[index + 1], end: end) }
    }
}
