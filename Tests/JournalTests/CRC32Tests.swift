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

    @Test func itAgreesWithTheOldTableOnEveryLength() {
        var generator = SystemRandomNumberGenerator()
        // Every short length (libdeflate takes bytes, then words, then 16-byte folds), and a few long ones.
        for length in Array(0...600) + [1_024, 4_095, 65_537] {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            #expect(bytes.withUnsafeBufferPointer { CRC32.checksum($0) } == Self.tableChecksum(bytes), "length \(length)")
        }
    }
}
