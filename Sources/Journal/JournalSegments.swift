#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// File-level operations on the journal's segment files (`<20-digit position>.seg`).
enum JournalSegments {
    static func path(_ directory: String, _ base: UInt64) -> String {
        let digits = String(base)
        return directory + "/" + String(repeating: "0", count: max(0, 20 - digits.count)) + digits + ".seg"
    }

    /// Segment base positions in ascending order.
    static func list(_ directory: String) throws -> [UInt64] {
        try FileManager.default.contentsOfDirectory(atPath: directory)
            .filter { $0.hasSuffix(".seg") }
            .compactMap { UInt64($0.dropLast(4)) }
            .sorted()
    }

    /// Validates every record of the segment at `path` and truncates it after the last good
    /// one. Returns the valid size (0 for a missing file).
    static func recover(path: String) throws -> Int {
        guard let data = FileManager.default.contents(atPath: path) else { return 0 }
        var offset = 0
        data.withUnsafeBytes { bytes in
            while let (_, size) = JournalRecord.decode(bytes, at: offset, basePosition: 0) { offset += size }
        }
        if offset < data.count {
            guard truncate(path, off_t(offset)) == 0 else {
                throw JournalError.io("cannot truncate torn journal tail of \(path): \(String(cString: strerror(errno)))")
            }
        }
        return offset
    }

    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let result = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if result < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += result
        }
        return true
    }
}
