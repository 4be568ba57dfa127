import CLibdeflate

/// One raw MQTT message as it was written to the journal, before any decoding.
public struct JournalEntry: Sendable {
    /// Journal position just after this record: committing it means "everything up to here is stored".
    public var endPosition: UInt64
    public var receivedAtMs: Int64
    public var topic: String
    public var payload: [UInt8]

    public init(endPosition: UInt64, receivedAtMs: Int64, topic: String, payload: [UInt8]) {
        self.endPosition = endPosition
        self.receivedAtMs = receivedAtMs
        self.topic = topic
        self.payload = payload
    }
}

/// The on-disk record layout: `[u32 body length][u32 CRC-32 of body]` then the body
/// `[i64 received ms][u16 topic length][topic][payload]`, little-endian. The checksum finds a
/// record torn by a crash; such a record was never acknowledged, so it is cut off on recovery.
enum JournalRecord {
    static let headerSize = 8
    static let fixedBodySize = 10
    /// A record larger than this is corruption, not a message (the MQTT payload limit is far lower).
    static let maxBodySize = 16 << 20

    /// Appends one record to `buffer` (which may already hold others, for one write of many).
    static func encode(topic: String, payload: UnsafeRawBufferPointer, receivedAtMs: Int64, into buffer: inout [UInt8]) {
        let topicCount = min(topic.utf8.count, Int(UInt16.max))
        let bodySize = fixedBodySize + topicCount + payload.count
        let start = buffer.count
        buffer.reserveCapacity(start + headerSize + bodySize)
        appendLE(UInt32(bodySize), to: &buffer)
        appendLE(UInt32(0), to: &buffer)
        appendLE(UInt64(bitPattern: receivedAtMs), to: &buffer)
        appendLE(UInt16(topicCount), to: &buffer)
        // From the string's own storage when it has one (a topic from libmosquitto does): the
        // generic copy through `UTF8View` was ~5 % of the MQTT loop thread (perf).
        let copied: Void? = topic.utf8.withContiguousStorageIfAvailable { buffer.append(contentsOf: UnsafeBufferPointer(rebasing: $0.prefix(topicCount))) }
        if copied == nil { buffer.append(contentsOf: topic.utf8.prefix(topicCount)) }
        buffer.append(contentsOf: payload)
        let checksum = buffer.withUnsafeBufferPointer { CRC32.checksum(UnsafeBufferPointer(rebasing: $0[(start + headerSize)...])) }
        withUnsafeBytes(of: checksum.littleEndian) { raw in
            for index in 0..<4 { buffer[start + 4 + index] = raw[index] }
        }
    }

    /// Decodes the record at `offset` of `bytes`: the entry and its total size, or nil when
    /// the bytes there are incomplete or fail the checksum.
    static func decode(_ bytes: UnsafeRawBufferPointer, at offset: Int, basePosition: UInt64) -> (JournalEntry, Int)? {
        guard offset + headerSize <= bytes.count else { return nil }
        let bodySize = Int(readLE(UInt32.self, bytes, offset))
        guard bodySize >= fixedBodySize, bodySize <= maxBodySize, offset + headerSize + bodySize <= bytes.count else { return nil }
        let storedChecksum = readLE(UInt32.self, bytes, offset + 4)
        let body = UnsafeRawBufferPointer(rebasing: bytes[(offset + headerSize)..<(offset + headerSize + bodySize)])
        guard CRC32.checksum(body.assumingMemoryBound(to: UInt8.self)) == storedChecksum else { return nil }
        let receivedAtMs = Int64(bitPattern: readLE(UInt64.self, body, 0))
        let topicLength = Int(readLE(UInt16.self, body, 8))
        guard fixedBodySize + topicLength <= bodySize else { return nil }
        let topic = String(decoding: body[fixedBodySize..<(fixedBodySize + topicLength)], as: UTF8.self)
        let payload = Array(body[(fixedBodySize + topicLength)...])
        let total = headerSize + bodySize
        let entry = JournalEntry(endPosition: basePosition + UInt64(offset + total), receivedAtMs: receivedAtMs, topic: topic, payload: payload)
        return (entry, total)
    }

    private static func appendLE<T: FixedWidthInteger>(_ value: T, to buffer: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { buffer.append(contentsOf: $0) }
    }

    private static func readLE<T: FixedWidthInteger>(_: T.Type, _ bytes: UnsafeRawBufferPointer, _ offset: Int) -> T {
        var value: T = 0
        withUnsafeMutableBytes(of: &value) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + MemoryLayout<T>.size)])) }
        return T(littleEndian: value)
    }
}

/// CRC-32 (IEEE, the polynomial of zlib, gzip and PNG), computed by libdeflate, which folds
/// 16 bytes at a time with carry-less multiplies where the CPU has them. zlib's word-at-a-time
/// code before it took ~120 ns for a 120–250-byte record here against libdeflate's 5–9 ns, and
/// was 3.3 % of gridwatch's ingest samples (perf, both threads: the network thread encodes
/// each record, the ingest thread checks it). Journals written before read back unchanged:
/// same polynomial, same value.
enum CRC32 {
    static func checksum(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt32 {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return 0 }
        return libdeflate_crc32(0, base, bytes.count)
    }
}
