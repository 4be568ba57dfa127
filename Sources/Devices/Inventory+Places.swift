import Formats

/// The inventory's place columns: `grid` (the 网格 a unit belongs to) and the unit's position
/// `lat`,`lon`. Both optional, so an inventory from before places still reads.
extension Inventory {
    /// Fills `device`'s grid and position from its row; returns false after reporting every
    /// mistake at its cell. `cell` finds a column's cell in the row (nil: no such column).
    static func place(_ device: inout Device, line: Int, path: String, cell: (String) -> CSVText.Cell?,
                      diagnostics: inout DiagnosticList) -> Bool {
        func value(_ name: String) -> String { cell(name).map { trimmed($0.text) } ?? "" }
        func report(_ message: String, at name: String) {
            diagnostics.append(Diagnostic(file: path, line: line, column: cell(name)?.column ?? 1, message: message))
        }
        var valid = true
        device.grid = value("grid")
        // Bytes, not Foundation's substring search (a tenth of reading a 100,000-device inventory).
        if device.grid.utf8.contains(UInt8(ascii: ";")) {
            // The staff roster lists a worker's grids separated by ';': such a grid could never match.
            report("grid '\(device.grid)' may not contain ';'", at: "grid")
            valid = false
        }
        let latitudeText = value("lat")
        let longitudeText = value("lon")
        if latitudeText.isEmpty && longitudeText.isEmpty { return valid }
        if latitudeText.isEmpty || longitudeText.isEmpty {
            let missing = latitudeText.isEmpty ? "lat" : "lon"
            let given = latitudeText.isEmpty ? "lon" : "lat"
            report("'\(missing)' must be given with '\(given)': a position needs both or neither", at: missing)
            return false
        }
        func degrees(_ text: String, _ name: String) -> Double? {
            switch CoordinateText.degrees(text, column: name) {
            case let .success(number): return number
            case let .failure(problem):
                report(problem.message, at: name)
                return nil
            }
        }
        // Both read before either is judged, so a row with two bad coordinates reports both.
        let latitude = degrees(latitudeText, "lat")
        let longitude = degrees(longitudeText, "lon")
        guard valid, let latitude, let longitude else { return false }
        device.latitude = latitude
        device.longitude = longitude
        return true
    }
}
