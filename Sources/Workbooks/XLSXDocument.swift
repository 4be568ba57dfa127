import CXlsxWriter
import Foundation

/// A libxlsxwriter workbook being written to `path`: every call's answer is checked and a
/// failure becomes a `WorkbookError`. One writer on one thread, from `init` to `close()`; a
/// document dropped before `close()` is freed without writing anything.
final class XLSXDocument {
    let path: String
    private var handle: UnsafeMutablePointer<lxw_workbook>?
    /// libxlsxwriter keeps one format object per look, owned by the workbook.
    private var formats: [XLSXStyle: UnsafeMutablePointer<lxw_format>] = [:]

    init(path: String) throws {
        guard let handle = workbook_new(path) else { throw WorkbookError("cannot start a workbook at \(path): out of memory") }
        self.path = path
        self.handle = handle
    }

    deinit {
        if let handle { lxw_workbook_free(handle) }
    }

    func addSheet(_ name: String) throws -> XLSXSheet {
        let workbook = try open()
        try WorkbookError.check(workbook_validate_sheet_name(workbook, name), "sheet name \"\(name)\"")
        guard let sheet = workbook_add_worksheet(workbook, name) else { throw WorkbookError("cannot add the sheet \"\(name)\"") }
        return XLSXSheet(name: name, handle: sheet, document: self)
    }

    /// The workbook's format for `style`, made on first use; nil for the default look.
    func format(_ style: XLSXStyle) throws -> UnsafeMutablePointer<lxw_format>? {
        guard style != .plain else { return nil }
        if let known = formats[style] { return known }
        guard let format = workbook_add_format(try open()) else { throw WorkbookError("cannot add a cell format (out of memory)") }
        if style.bold { format_set_bold(format) }
        if let numberFormat = style.numberFormat { format_set_num_format(format, numberFormat) }
        if let colour = style.fontColour { format_set_font_color(format, colour) }
        if style.wrap { format_set_text_wrap(format) }
        formats[style] = format
        return format
    }

    /// A line chart over ranges of this workbook's sheets, to place on a sheet.
    func addLineChart(_ chart: XLSXLineChart) throws -> UnsafeMutablePointer<lxw_chart> {
        guard let handle = workbook_add_chart(try open(), UInt8(LXW_CHART_LINE.rawValue)) else {
            throw WorkbookError("cannot add the chart \"\(chart.title)\" (out of memory)")
        }
        chart_title_set_name(handle, chart.title)
        if let format = chart.valueFormat { chart_axis_set_num_format(handle.pointee.y_axis, format) }
        if let range = chart.valueRange {
            chart_axis_set_min(handle.pointee.y_axis, range.lowerBound)
            chart_axis_set_max(handle.pointee.y_axis, range.upperBound)
        }
        chart_legend_set_position(handle, UInt8(LXW_CHART_LEGEND_BOTTOM.rawValue))
        for series in chart.series {
            guard let added = chart_add_series(handle, nil, nil) else { throw WorkbookError("cannot add the series \"\(series.name)\" to a chart") }
            chart_series_set_name(added, series.name)
            let (categories, values) = (series.categories, series.values)
            chart_series_set_categories(added, categories.sheet, categories.firstRow, categories.firstColumn, categories.lastRow, categories.lastColumn)
            chart_series_set_values(added, values.sheet, values.firstRow, values.firstColumn, values.lastRow, values.lastColumn)
            chart_series_set_marker_type(added, UInt8(LXW_CHART_MARKER_CIRCLE.rawValue))
        }
        return handle
    }

    /// Writes the file; the document is spent afterwards, whatever the answer.
    func close() throws {
        let workbook = try open()
        handle = nil
        // workbook_close frees the workbook on failure too.
        try WorkbookError.check(workbook_close(workbook), "saving \(path)")
    }

    private func open() throws -> UnsafeMutablePointer<lxw_workbook> {
        guard let handle else { throw WorkbookError("the workbook \(path) is already closed") }
        return handle
    }
}

/// How a cell looks: libxlsxwriter formats are made from these, one per distinct look.
struct XLSXStyle: Hashable {
    var bold = false
    /// Excel's number format code (`0.0%`, `yyyy-mm-dd hh:mm`).
    var numberFormat: String?
    /// 0xRRGGBB.
    var fontColour: UInt32?
    var wrap = false

    static let plain = XLSXStyle()
    static let header = XLSXStyle(bold: true, wrap: true)
    static let share = XLSXStyle(numberFormat: "0.0%")
    static let score = XLSXStyle(numberFormat: "0.0")
    static let count = XLSXStyle(numberFormat: "0")
    static let moment = XLSXStyle(numberFormat: "yyyy-mm-dd hh:mm")
    /// Days as Excel keeps durations, shown as hours and minutes past 24 h.
    static let duration = XLSXStyle(numberFormat: "[h]:mm")

    /// The same look in red: a figure that missed its target.
    var missed: XLSXStyle {
        var style = self
        style.fontColour = 0xC00000
        return style
    }
}
