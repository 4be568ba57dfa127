import CXlsxWriter
import Foundation

/// One value of a cell; `nil` numbers and flags leave the cell blank (no data is not zero).
enum XLSXValue {
    case text(String)
    case number(Double?)
    case flag(Bool?)
    /// Milliseconds since the epoch, shown as the wall-clock time in `zone` (Excel keeps no zone).
    case moment(Int64, TimeZone)
}

/// A worksheet of an `XLSXDocument`: cells, column widths, frozen panes and charts, each call's
/// answer checked. Rows and columns count from 0, as in libxlsxwriter.
final class XLSXSheet {
    let name: String
    private let handle: UnsafeMutablePointer<lxw_worksheet>
    private unowned let document: XLSXDocument

    init(name: String, handle: UnsafeMutablePointer<lxw_worksheet>, document: XLSXDocument) {
        self.name = name
        self.handle = handle
        self.document = document
    }

    func write(_ value: XLSXValue, row: Int, column: Int, style: XLSXStyle = .plain) throws {
        let format = try document.format(style)
        let (r, c) = (lxw_row_t(row), lxw_col_t(column))
        let result: lxw_error
        switch value {
        case .text(let text): result = worksheet_write_string(handle, r, c, text, format)
        case .number(let number?): result = worksheet_write_number(handle, r, c, number, format)
        case .flag(let flag?): result = worksheet_write_boolean(handle, r, c, flag ? 1 : 0, format)
        case .number(nil), .flag(nil): result = worksheet_write_blank(handle, r, c, format)
        case .moment(let ms, let zone):
            var datetime = Self.datetime(ms, zone: zone)
            result = worksheet_write_datetime(handle, r, c, &datetime, format)
        }
        try WorkbookError.check(result, "cell \(cellName(row: row, column: column))")
    }

    /// A row of cells from `column` on, all in `style`.
    func write(row: Int, column: Int = 0, _ values: [XLSXValue], style: XLSXStyle = .plain) throws {
        for (offset, value) in values.enumerated() {
            try write(value, row: row, column: column + offset, style: style)
        }
    }

    /// Column widths in characters, from column 0.
    func setWidths(_ widths: [Double]) throws {
        for (column, width) in widths.enumerated() {
            try WorkbookError.check(worksheet_set_column(handle, lxw_col_t(column), lxw_col_t(column), width, nil),
                                    "the width of column \(column + 1) of \(name)")
        }
    }

    /// Keeps the rows above `rows` and the columns left of `columns` in view while scrolling.
    func freeze(rows: Int, columns: Int = 0) {
        worksheet_freeze_panes(handle, lxw_row_t(rows), lxw_col_t(columns))
    }

    func insert(_ chart: XLSXLineChart, row: Int, column: Int) throws {
        let handle = try document.addLineChart(chart)
        try WorkbookError.check(worksheet_insert_chart(self.handle, lxw_row_t(row), lxw_col_t(column), handle),
                                "the chart \"\(chart.title)\" at \(cellName(row: row, column: column))")
    }

    /// `Sheet!B3`, for messages.
    func cellName(row: Int, column: Int) -> String {
        var letters = ""
        var rest = column + 1
        while rest > 0 {
            let digit = (rest - 1) % 26
            letters = String(UnicodeScalar(UInt8(65 + digit))) + letters
            rest = (rest - 1) / 26
        }
        return "\(name)!\(letters)\(row + 1)"
    }

    static func datetime(_ ms: Int64, zone: TimeZone) -> lxw_datetime {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let date = Date(timeIntervalSince1970: Double(ms) / 1000)
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .nanosecond], from: date)
        return lxw_datetime(year: Int32(parts.year ?? 1970), month: Int32(parts.month ?? 1), day: Int32(parts.day ?? 1),
                            hour: Int32(parts.hour ?? 0), min: Int32(parts.minute ?? 0),
                            sec: Double(parts.second ?? 0) + Double(parts.nanosecond ?? 0) / 1e9)
    }
}

/// A line chart: one series per range of values, over a shared range of category labels.
struct XLSXLineChart {
    /// A rectangle of cells on one sheet.
    struct Range {
        var sheet: String
        var firstRow: lxw_row_t
        var firstColumn: lxw_col_t
        var lastRow: lxw_row_t
        var lastColumn: lxw_col_t

        /// The cells of one row from `firstColumn` to `lastColumn`.
        init(sheet: String, row: Int, columns: ClosedRange<Int>) {
            self.sheet = sheet
            firstRow = lxw_row_t(row)
            lastRow = lxw_row_t(row)
            firstColumn = lxw_col_t(columns.lowerBound)
            lastColumn = lxw_col_t(columns.upperBound)
        }
    }

    /// One line of the chart.
    struct Series {
        var name: String
        var categories: Range
        var values: Range
    }

    var title: String
    var series: [Series]
    /// The value axis's number format (`0%`).
    var valueFormat: String?
    var valueRange: ClosedRange<Double>?
}
