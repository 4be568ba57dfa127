#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Reads journal records in order from a position, in bulk; owned by the single consumer.
/// It reads the segment file in chunks and keeps the unparsed rest, so every byte is read
/// from the page cache once.
public struct JournalReader: ~Copyable {
    public let journal: Journal
    public private(set) var position: UInt64
    private var fd: Int32 = -1
    private var segmentBase: UInt64 = 0
    private var segmentEnd: UInt64 = .max
    private var buffer: [UInt8]
    /// Journal position of `buffer[0]` and how many bytes of `buffer` are valid.
    private var bufferBase: UInt64 = 0
    private var bufferCount = 0

    public init(journal: Journal, from position: UInt64, chunkBytes: Int = 1 << 20) {
        self.journal = journal
        self.position = position
        buffer = [UInt8](repeating: 0, count: chunkBytes)
    }

    deinit { if fd >= 0 { close(fd) } }

    /// Up to `maxCount` entries after the current position (fewer when the journal ends).
    public mutating func read(maxCount: Int) throws -> [JournalEntry] {
        var entries: [JournalEntry] = []
        let end = journal.endPosition
        var freshlyRead = false
        while entries.count < maxCount, position < end {
            if let parsed = parseBuffered(maxCount: maxCount - entries.count), !parsed.isEmpty {
                entries += parsed
                freshlyRead = false
                continue
            }
            if freshlyRead, bufferBase == position, bufferCount > 0 {
                // Nothing parses at the start of a freshly read chunk: a record larger than the
                // chunk, or damage. Records never span segments and `end` only covers whole writes.
                guard bufferCount == buffer.count, buffer.count < JournalRecord.maxBodySize + JournalRecord.headerSize else {
                    throw JournalError.io("corrupt journal record at position \(position)")
                }
                buffer = [UInt8](repeating: 0, count: min(buffer.count * 2, JournalRecord.maxBodySize + JournalRecord.headerSize))
            }
            freshlyRead = try refill(end: end)
        }
        return entries
    }

    /// Records wholly inside the buffer from `position` on.
    private mutating func parseBuffered(maxCount: Int) -> [JournalEntry]? {
        guard position >= bufferBase, position < bufferBase + UInt64(bufferCount) else { return nil }
        var entries: [JournalEntry] = []
        var offset = Int(position - bufferBase)
        let base = bufferBase
        let count = bufferCount
        buffer.withUnsafeBytes { raw in
            let bytes = UnsafeRawBufferPointer(rebasing: raw[0..<count])
            while entries.count < maxCount, let (entry, size) = JournalRecord.decode(bytes, at: offset, basePosition: base) {
                entries.append(entry)
                offset += size
            }
        }
        position = bufferBase + UInt64(offset)
        return entries
    }

    /// Reads the next chunk starting at `position`, following the writer into new segments.
    /// Returns whether bytes were read.
    private mutating func refill(end: UInt64) throws -> Bool {
        if fd < 0 || position >= segmentEnd || position < segmentBase { try openSegment(for: position) }
        let available = Int(min(segmentEnd, end) - position)
        guard available > 0 else {
            try openSegment(for: position)
            return false
        }
        let want = min(available, buffer.count)
        let got = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress!, want, off_t(position - segmentBase)) }
        if got == 0 {
            // The writer moved to a new segment since this one was opened as the last.
            let previousBase = segmentBase
            try openSegment(for: position)
            guard segmentBase != previousBase || segmentEnd != .max else { throw JournalError.io("journal ends early at \(position)") }
            return false
        }
        guard got > 0 else { throw JournalError.io("journal read failed at \(position): \(String(cString: strerror(errno)))") }
        bufferBase = position
        bufferCount = got
        return true
    }

    private mutating func openSegment(for position: UInt64) throws {
        let segments = try JournalSegments.list(journal.directory)
        guard let index = segments.lastIndex(where: { $0 <= position }) else {
            throw JournalError.io("journal position \(position) is before the oldest segment")
        }
        if fd >= 0 { close(fd) }
        segmentBase = segments[index]
        let path = JournalSegments.path(journal.directory, segmentBase)
        fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw JournalError.io("cannot open \(path)") }
        segmentEnd = index + 1 < segments.count ? segments[index + 1] : .max
        bufferCount = 0
    }
}
