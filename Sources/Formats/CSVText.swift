/// A small RFC 4180 reader that keeps each cell's line and column for error messages.
public enum CSVText {
    public struct Cell: Sendable { public var text: String; public var column: Int }
    public struct Row: Sendable { public var line: Int; public var cells: [Cell] }

    /// The rows of `text`, each cell with its line and column (columns count Unicode scalars).
    /// Reads UTF-8 bytes: every byte the syntax cares about is ASCII, which never occurs inside
    /// a multi-byte sequence. Reading scalar by scalar into strings took a third of loading a
    /// 100,000-device inventory (perf).
    public static func rows(_ text: String) -> [Row] {
        var text = text
        let all: [Row] = text.withUTF8 { bytes in Self.rows(utf8: bytes) }
        return all.filter { row in
            let blank = row.cells.count == 1 && row.cells[0].text.isEmpty
            return !(blank && row.line > 1) || row.line == 1
        }
    }

    private static func rows(utf8 bytes: UnsafeBufferPointer<UInt8>) -> [Row] {
        let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), carriageReturn = UInt8(ascii: "\r"), newline = UInt8(ascii: "\n")
        var rows: [Row] = []
        var cells: [Cell] = []
        var current: [UInt8] = []
        var quoted = false
        var line = 1
        var column = 1
        var cellColumn = 1
        var rowLine = 1
        func endCell() {
            cells.append(Cell(text: String(decoding: current, as: UTF8.self), column: cellColumn))
            current.removeAll(keepingCapacity: true)
        }
        var position = 0
        while position < bytes.count {
            let byte = bytes[position]
            position += 1
            // A continuation byte belongs to the scalar already counted.
            if byte & 0xC0 != 0x80 { column += 1 }
            if quoted {
                if byte == quote {
                    if position < bytes.count, bytes[position] == quote { current.append(quote); position += 1; column += 1 } else { quoted = false }
                } else {
                    if byte == newline { line += 1; column = 1 }
                    current.append(byte)
                }
                continue
            }
            switch byte {
            case quote where current.isEmpty: quoted = true
            case comma:
                endCell()
                cellColumn = column
            case carriageReturn: continue
            case newline:
                endCell()
                rows.append(Row(line: rowLine, cells: cells))
                cells.removeAll(keepingCapacity: true)
                line += 1
                column = 1
                cellColumn = 1
                rowLine = line
            default: current.append(byte)
            }
        }
        if !current.isEmpty || !cells.isEmpty {
            endCell()
            rows.append(Row(line: rowLine, cells: cells))
        }
        return rows
    }

    /// `value` as one RFC 4180 field: quoted when it holds a separator, a quote or a line
    /// break (CR or LF), its quotes doubled; every CSV gridwatch writes goes through here.
    public static func escape(_ value: String) -> String {
        // Scalars, not Characters: "\r\n" is a single Character equal to neither "\r" nor "\n".
        guard value.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
