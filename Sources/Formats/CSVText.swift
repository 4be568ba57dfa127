/// A small RFC 4180 reader that keeps each cell's line and column for error messages.
public enum CSVText {
    public struct Cell: Sendable { public var text: String; public var column: Int }
    public struct Row: Sendable { public var line: Int; public var cells: [Cell] }

    public static func rows(_ text: String) -> [Row] {
        var rows: [Row] = []
        var cells: [Cell] = []
        var current = ""
        var quoted = false
        var line = 1
        var column = 1
        var cellColumn = 1
        var rowLine = 1
        var iterator = Array(text.unicodeScalars)[...]
        func endCell() {
            cells.append(Cell(text: current, column: cellColumn))
            current = ""
        }
        while let scalar = iterator.popFirst() {
            column += 1
            if quoted {
                if scalar == "\"" {
                    if iterator.first == "\"" { current.unicodeScalars.append("\""); _ = iterator.popFirst(); column += 1 } else { quoted = false }
                } else {
                    if scalar == "\n" { line += 1; column = 1 }
                    current.unicodeScalars.append(scalar)
                }
                continue
            }
            switch scalar {
            case "\"" where current.isEmpty: quoted = true
            case ",":
                endCell()
                cellColumn = column
            case "\r": continue
            case "\n":
                endCell()
                rows.append(Row(line: rowLine, cells: cells))
                cells = []
                line += 1
                column = 1
                cellColumn = 1
                rowLine = line
            default: current.unicodeScalars.append(scalar)
            }
        }
        if !current.isEmpty || !cells.isEmpty {
            endCell()
            rows.append(Row(line: rowLine, cells: cells))
        }
        return rows.filter { !($0.cells.count == 1 && $0.cells[0].text.isEmpty && $0.line > 1) || $0.line == 1 }
    }

    /// `value` as one RFC 4180 field: quoted when it holds a separator, a quote or a line
    /// break (CR or LF), its quotes doubled; every CSV gridwatch writes goes through here.
    public static func escape(_ value: String) -> String {
        // Scalars, not Characters: "\r\n" is a single Character equal to neither "\r" nor "\n".
        guard value.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
