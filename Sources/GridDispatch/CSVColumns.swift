import Devices
import Formats
import Foundation

/// The header of a dispatch CSV (roster, resources) read the way `Inventory` reads its own:
/// columns in any order, unknown ones a warning, missing required ones an error, so one
/// file shows every problem at once with its line and column.
struct CSVColumns {
    let path: String
    let header: CSVText.Row
    private let index: [String: Int]

    /// Nil (with diagnostics) when the file is empty or lacks a required column: no row can
    /// be read meaningfully then.
    init?(rows: [CSVText.Row], path: String, what: String, columns: [String], required: [String],
          diagnostics: inout DiagnosticList) {
        guard let header = rows.first, !(header.cells.count == 1 && header.cells[0].text.isEmpty) else {
            diagnostics.append(Diagnostic(file: path, line: 1, column: 1,
                                          message: "\(what) is empty: expected a header line \(columns.joined(separator: ","))"))
            return nil
        }
        var index: [String: Int] = [:]
        for (position, cell) in header.cells.enumerated() {
            let name = cell.text.trimmingCharacters(in: .whitespaces).lowercased()
            if let earlier = index[name] {
                diagnostics.append(Diagnostic(file: path, line: header.line, column: cell.column,
                                              message: "column '\(name)' appears twice (first as column \(earlier + 1))"))
                continue
            }
            if !columns.contains(name) {
                diagnostics.append(Diagnostic(file: path, line: header.line, column: cell.column, severity: .warning,
                                              message: "unknown column '\(name)' is ignored"))
            }
            index[name] = position
        }
        var complete = true
        for column in required where index[column] == nil {
            diagnostics.append(Diagnostic(file: path, line: header.line, column: 1,
                                          message: "\(what) header lacks required column '\(column)'"))
            complete = false
        }
        guard complete else { return nil }
        self.path = path
        self.header = header
        self.index = index
    }

    func cell(_ name: String, in row: CSVText.Row) -> CSVText.Cell? {
        index[name].flatMap { $0 < row.cells.count ? row.cells[$0] : nil }
    }

    func value(_ name: String, in row: CSVText.Row) -> String {
        cell(name, in: row)?.text.trimmingCharacters(in: .whitespaces) ?? ""
    }

    func column(_ name: String, in row: CSVText.Row) -> Int { cell(name, in: row)?.column ?? 1 }

    /// Whether a data row is worth reading: a blank line is skipped, and a row whose cell
    /// count differs from the header's is reported and skipped (its columns cannot be trusted).
    func isReadable(_ row: CSVText.Row, diagnostics: inout DiagnosticList) -> Bool {
        if row.cells.count == 1 && row.cells[0].text.trimmingCharacters(in: .whitespaces).isEmpty { return false }
        guard row.cells.count == header.cells.count else {
            diagnostics.append(Diagnostic(file: path, line: row.line, column: 1,
                                          message: "row has \(row.cells.count) columns, header has \(header.cells.count)"))
            return false
        }
        return true
    }

    /// Reports an error at `name`'s cell in `row`.
    func report(_ message: String, at name: String, in row: CSVText.Row, diagnostics: inout DiagnosticList) {
        diagnostics.append(Diagnostic(file: path, line: row.line, column: column(name, in: row), message: message))
    }

    /// A non-empty value of a required column, or nil after reporting it empty.
    func required(_ name: String, in row: CSVText.Row, diagnostics: inout DiagnosticList) -> String? {
        let text = value(name, in: row)
        if text.isEmpty { report("'\(name)' must not be empty", at: name, in: row, diagnostics: &diagnostics) }
        return text.isEmpty ? nil : text
    }

    /// The `lat`,`lon` pair of `row` as a point; each bad half is reported at its own cell.
    func point(in row: CSVText.Row, diagnostics: inout DiagnosticList) -> GeoPoint? {
        let latitude = coordinate("lat", in: row, diagnostics: &diagnostics)
        let longitude = coordinate("lon", in: row, diagnostics: &diagnostics)
        guard let latitude, let longitude else { return nil }
        return GeoPoint(latitude: latitude, longitude: longitude)
    }

    private func coordinate(_ name: String, in row: CSVText.Row, diagnostics: inout DiagnosticList) -> Double? {
        switch CoordinateText.degrees(value(name, in: row), column: name) {
        case let .success(degrees): return degrees
        case let .failure(problem):
            report(problem.message, at: name, in: row, diagnostics: &diagnostics)
            return nil
        }
    }

    /// The `phone` cell (may be empty); anything but digits, spaces, `+`, `-` and brackets is
    /// reported, since a mistyped number is found only when someone urgently calls it.
    func phone(in row: CSVText.Row, diagnostics: inout DiagnosticList) -> String? {
        let text = value("phone", in: row)
        let allowed = Set("0123456789+-() ")
        guard text.allSatisfy({ allowed.contains($0) }) else {
            report("'phone' may hold only digits, spaces, '+', '-' and brackets, got '\(text)'", at: "phone", in: row,
                   diagnostics: &diagnostics)
            return nil
        }
        return text
    }

    /// Items of a `;`-separated cell, trimmed, without empties or repeats, in file order.
    func list(_ name: String, in row: CSVText.Row) -> [String] {
        var seen: Set<String> = []
        return value(name, in: row).split(separator: ";")
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && seen.insert($0).inserted }
    }
}
