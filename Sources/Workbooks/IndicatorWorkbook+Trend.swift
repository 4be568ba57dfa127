import Foundation
import Indicators

/// The trend sheet: a row per indicator and a column per period (the six before and this one),
/// the index last, and line charts of the index and of the indicators measured as shares.
extension IndicatorWorkbook {
    /// The first column of the periods.
    static let firstPeriodColumn = 2

    func writeTrend(on sheet: XLSXSheet) throws {
        let periods = report.indexTrend.map(\.period)
        try sheet.write(row: 0, [.text(label("编号", "ID")), .text(label("指标", "Indicator"))] + periods.map { .text($0) }, style: .header)
        for (offset, indicator) in report.indicators.enumerated() {
            let unit = Self.style(indicator.unit)
            try sheet.write(row: offset + 1, [.text(indicator.id), .text(title(indicator))])
            for (column, point) in indicator.trend.enumerated() {
                try sheet.write(.number(point.value), row: offset + 1, column: Self.firstPeriodColumn + column,
                                style: point.met == false ? unit.missed : unit)
            }
        }
        let indexRow = report.indicators.count + 1
        try sheet.write(row: indexRow, [.text("index"), .text(label("服务效能指数", "Service effectiveness index"))], style: .header)
        try sheet.write(row: indexRow, column: Self.firstPeriodColumn, report.indexTrend.map { .number($0.value) }, style: .score)
        try sheet.setWidths([24, 30] + periods.map { _ in 10 })
        sheet.freeze(rows: 1, columns: 2)

        guard !periods.isEmpty else { return }
        let columns = Self.firstPeriodColumn...(Self.firstPeriodColumn + periods.count - 1)
        let categories = XLSXLineChart.Range(sheet: sheet.name, row: 0, columns: columns)
        let index = XLSXLineChart(title: label("服务效能指数", "Service effectiveness index"),
                                  series: [.init(name: label("服务效能指数", "Index"), categories: categories,
                                                 values: .init(sheet: sheet.name, row: indexRow, columns: columns))],
                                  valueFormat: "0", valueRange: 0...100)
        try sheet.insert(index, row: indexRow + 2, column: 0)
        let shares = report.indicators.enumerated().filter { $0.element.unit == .share }.map { offset, indicator in
            XLSXLineChart.Series(name: title(indicator), categories: categories,
                                 values: .init(sheet: sheet.name, row: offset + 1, columns: columns))
        }
        guard !shares.isEmpty else { return }
        let chart = XLSXLineChart(title: label("指标趋势（比率）", "Indicators over the periods (rates)"), series: shares,
                                  valueFormat: "0%", valueRange: 0...1)
        try sheet.insert(chart, row: indexRow + 2, column: 6)
    }
}
