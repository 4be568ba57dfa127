@testable import Journal
import Testing

/// The journal's checksum is libdeflate's CRC-32: journals written by the byte-at-a-time table
/// and by zlib before it must keep verifying.
@Suite struct CRC32Tests {
    /// The table-driven CRC-32 the journal used before, as the reference.
    static func tableChecksum(_ bytes: [UInt8]) -> UInt32 {
        let table: [UInt32] = (0..<256).map { index in
            var crc = UInt32(index)
            for _ in 0..<8 { crc = crc & 1 == 1 ? 0xEDB8_8320 ^ (crc >> 1) : crc >> 1 }
            return crc
        }
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }

    @Test func theStandardCheckValue() {
        let bytes = Array("123456789".utf8)
        #expect(bytes.withUnsafeBufferPointer { CRC32.checksum($0) } == 0xCBF4_3926)
    }

    /// Every short length (libdeflate takes bytes, then words, then 16-byte folds) and a few long
    /// ones, each from every start within a word: the journal checks a record in the middle of
    /// its read buffer. The bytes come from a fixed seed, so a failure repeats.
    @Test func itAgreesWithTheOldTableOnEveryLengthAndAlignment() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        let pool = (0..<(65_537 + 8)).map { _ -> UInt8 in
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return UInt8(truncatingIfNeeded: state)
        }
        for length in Array(0...600) + [1_024, 4_095, 65_537] {
            for start in 0..<8 {
                let bytes = Array(pool[start..<(start + length)])
                let checksum = pool.withUnsafeBufferPointer { CRC32.checksum(UnsafeBufferPointer(rebasing: $0[start..<(start + length)])) }
                #expect(checksum == Self.tableChecksum(bytes), "length \(length) from byte \(start)")
            }
        }
    }
}
