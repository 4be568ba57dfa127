import Formats
import Foundation

/// The community's device inventory, read from CSV with a header line
/// `id,type,community,building,unit,resident,installed,grid,lat,lon` (columns in any order; the
/// first three required). Every bad row is reported with its line and column.
public enum Inventory {
    public static let requiredColumns = ["id", "type", "community"]
    public static let columns = ["id", "type", "community", "building", "unit", "resident", "installed", "grid", "lat", "lon"]

    /// Parses `text`; device types are checked against `catalog` when given.
    public static func parse(_ text: String, path: String, catalog: DeviceTypeCatalog?, diagnostics: inout DiagnosticList) -> [Device] {
        let rows = CSVText.rows(text)
        guard let header = rows.first else {
            diagnostics.append(Diagnostic(file: path, line: 1, column: 1, message: "inventory is empty: expected a header line \(columns.joined(separator: ","))"))
            return []
        }
        var index: [String: Int] = [:]
        for (position, cell) in header.cells.enumerated() {
            let name = cell.text.trimmingCharacters(in: .whitespaces).lowercased()
            if !columns.contains(name) {
                diagnostics.append(Diagnostic(file: path, line: header.line, column: cell.column, severity: .warning, message: "unknown column '\(name)' is ignored"))
            }
            index[name] = position
        }
        for column in requiredColumns where index[column] == nil {
            diagnostics.append(Diagnostic(file: path, line: header.line, column: 1, message: "inventory header lacks required column '\(column)'"))
        }
        guard requiredColumns.allSatisfy({ index[$0] != nil }) else { return [] }

        // Each of `columns`' position in the rows (the first seven are read into every device).
        let positions = columns.map { index[$0] }
        var devices: [Device] = []
        devices.reserveCapacity(rows.count - 1)
        var firstLine: [String: Int] = Dictionary(minimumCapacity: rows.count - 1)
        for row in rows.dropFirst() {
            if row.cells.count == 1 && row.cells[0].text.isEmpty { continue }
            func cell(_ name: String) -> CSVText.Cell? { index[name].flatMap { $0 < row.cells.count ? row.cells[$0] : nil } }
            func value(_ name: String) -> String { cell(name).map { trimmed($0.text) } ?? "" }
            if row.cells.count != header.cells.count {
                diagnostics.append(Diagnostic(file: path, line: row.line, column: 1, message: "row has \(row.cells.count) columns, header has \(header.cells.count)"))
                continue
            }
            // By position: looking each column up by name was a fifth of reading 100,000 rows (perf).
            func text(_ column: Int) -> String { positions[column].map { trimmed(row.cells[$0].text) } ?? "" }
            var device = Device(id: text(0), type: text(1), community: text(2), building: text(3), unit: text(4), resident: text(5),
                                installed: text(6))
            var valid = true
            if device.id.isEmpty || device.type.isEmpty || device.community.isEmpty {
                for name in requiredColumns where value(name).isEmpty {
                    diagnostics.append(Diagnostic(file: path, line: row.line, column: cell(name)?.column ?? 1, message: "'\(name)' must not be empty"))
                    valid = false
                }
            }
            if !device.id.isEmpty, !TopicLayout.isValidSegment(device.id) {
                diagnostics.append(Diagnostic(file: path, line: row.line, column: cell("id")?.column ?? 1, message: "device id '\(device.id)' may not contain '/', '+', '#' or spaces"))
                valid = false
            }
            if let catalog, !device.type.isEmpty, catalog[device.type] == nil {
                diagnostics.append(Diagnostic(file: path, line: row.line, column: cell("type")?.column ?? 1,
                                              message: "unknown device type '\(device.type)' (known: \(catalog.names.joined(separator: ", ")))"))
                valid = false
            }
            if !device.installed.isEmpty, !isDate(device.installed) {
                diagnostics.append(Diagnostic(file: path, line: row.line, column: cell("installed")?.column ?? 1, message: "'installed' must be a date YYYY-MM-DD"))
                valid = false
            }
            if !place(&device, line: row.line, path: path, cell: cell, diagnostics: &diagnostics) { valid = false }
            if let earlier = firstLine[device.id] {
                diagnostics.append(Diagnostic(file: path, line: row.line, column: cell("id")?.column ?? 1, message: "device '\(device.id)' is already listed on line \(earlier)"))
                valid = false
            }
            guard valid else { continue }
            firstLine[device.id] = row.line
            devices.append(device)
        }
        return devices
    }

    /// `text` without surrounding whitespace, as `trimmingCharacters(in: .whitespaces)` gives
    /// it. That call was the larger part of reading a 100,000-device inventory (perf), and a
    /// cell starting and ending with a printable ASCII byte, nearly every one, has nothing to trim.
    static func trimmed(_ text: String) -> String {
        guard let first = text.utf8.first, let last = text.utf8.last else { return text }
        let printable = UInt8(0x21)...UInt8(0x7E)
        if printable.contains(first), printable.contains(last) { return text }
        return text.trimmingCharacters(in: .whitespaces)
    }

    /// Whether `text` is a date YYYY-MM-DD: plain ASCII digits are checked directly, anything
    /// else by the pattern (whose `\d` takes any decimal digit), which compiled a regular
    /// expression per row.
    static func isDate(_ text: String) -> Bool {
        let digits = UInt8(ascii: "0")...UInt8(ascii: "9")
        let plain = text.utf8.count == 10 && text.utf8.enumerated().allSatisfy { offset, byte in
            offset == 4 || offset == 7 ? byte == UInt8(ascii: "-") : digits.contains(byte)
        }
        return plain || text.range(of: #"^\d{4}-\d{2}-\d{2}$"#, options: .regularExpression) != nil
    }

    /// Reads and parses the inventory file at `path`.
    public static func load(path: String, catalog: DeviceTypeCatalog?, diagnostics: inout DiagnosticList) -> [Device] {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            diagnostics.append(Diagnostic(file: path, line: 1, column: 1, message: "cannot read inventory file (missing or not UTF-8)"))
            return []
        }
        return parse(text, path: path, catalog: catalog, diagnostics: &diagnostics)
    }

    /// One CSV line for `device`, in `columns` order; `parse` reads it back to the same device.
    public static func csvLine(_ device: Device) -> String {
        [device.id, device.type, device.community, device.building, device.unit, device.resident, device.installed,
         device.grid, CoordinateText.text(device.latitude), CoordinateText.text(device.longitude)]
            .map(CSVText.escape).joined(separator: ",")
    }
}
