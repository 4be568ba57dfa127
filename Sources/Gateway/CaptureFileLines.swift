import Foundation

/// The lines of a capture file, read in blocks: `replay` of an hour of 100,000 devices
/// (250 MB) no longer holds the file once as `Data` and again as an array (~500 MB of its
/// 806 MB peak), only one block and the line being read.
struct CaptureFileLines {
    let path: String
    var blockBytes = 1 << 20

    /// The file's size in bytes, for progress.
    func size() throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return (attributes[.size] as? NSNumber)?.intValue ?? 0
    }

    /// Calls `visit` with each line (without its newline) and the offset just past it, until
    /// the file ends or `visit` returns false.
    func forEach(_ visit: (_ line: [UInt8], _ endOffset: Int) -> Bool) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw CaptureFileError(path: path) }
        defer { try? handle.close() }
        var pending: [UInt8] = []
        var consumed = 0
        while true {
            let block = try handle.read(upToCount: blockBytes) ?? Data()
            if block.isEmpty { break }
            pending.append(contentsOf: block)
            var lineStart = 0
            while let newline = pending[lineStart...].firstIndex(of: 0x0A) {
                if !visit(Array(pending[lineStart..<newline]), consumed + newline + 1) { return }
                lineStart = newline + 1
            }
            pending.removeFirst(lineStart)
            consumed += lineStart
        }
        if !pending.isEmpty { _ = visit(pending, consumed + pending.count) }
    }
}

/// A capture file that cannot be opened.
struct CaptureFileError: Error, CustomStringConvertible {
    let path: String
    var description: String { "cannot read \(path)" }
}
