import Foundation
import Indicators
import Tickets

/// An assessment (`IndicatorReport`) as the workbook the centre hands its assessors: a sheet
/// per section — the summary with the composite index and its trend, the indicators against
/// their targets, the trends with their charts, the SLA figures per tier — with number formats
/// (shares as percentages, scores to a tenth, dates), bold frozen headers and Chinese or
/// English labels. `gridwatch report kpi --format xlsx` and the API write it.
public struct IndicatorWorkbook: Sendable {
    public var report: IndicatorReport
    /// Where the dates are shown: the calendar's zone, as the periods are cut.
    public var timeZone: TimeZone
    /// `zh` or `en`: the labels and sheet names; both titles of every indicator are always there.
    public var language: String

    /// The media type of an XLSX answer (`Content-Type`).
    public static let mediaType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

    /// A download's file name: `kpi-2026-Q4.xlsx`, `kpi-2026-Q4-maple.xlsx`.
    public var fileName: String {
        let scope = report.community.map { "-" + $0.filter { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" } } ?? ""
        return "kpi-\(report.period)\(scope).xlsx"
    }

    public init(_ report: IndicatorReport, timeZone: TimeZone, language: String = "zh") {
        self.report = report
        self.timeZone = timeZone
        self.language = language
    }

    /// The sheets, in order: summary, indicators, trend, SLA.
    public var sheetNames: [String] {
        [label("汇总", "Summary"), label("指标", "Indicators"), label("趋势", "Trend"), label("服务时限", "SLA")]
    }

    /// The workbook's bytes (for an HTTP answer): written to a temporary file, read back, removed.
    public func data() throws -> Data {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gridwatch-kpi-\(UUID().uuidString).xlsx").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try writeFile(at: path)
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw WorkbookError("cannot read back the workbook written to \(path): \(error.localizedDescription)")
        }
    }

    /// Writes the workbook to `path`, replacing it whole: a failure leaves no half-written file.
    public func write(to path: String) throws {
        let bytes = try data()
        do {
            try bytes.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw WorkbookError("cannot write the workbook to \(path): \(error.localizedDescription)")
        }
    }

    private func writeFile(at path: String) throws {
        let document = try XLSXDocument(path: path)
        let names = sheetNames
        try writeSummary(on: document.addSheet(names[0]))
        try writeIndicators(on: document.addSheet(names[1]))
        try writeTrend(on: document.addSheet(names[2]))
        try writeSLA(on: document.addSheet(names[3]))
        try document.close()
    }

    func label(_ zh: String, _ en: String) -> String { language == "zh" ? zh : en }

    func title(_ row: IndicatorReport.Row) -> String { language == "zh" ? row.title.zh : row.title.en }

    func groupName(_ group: Indicator.Group) -> String {
        switch group {
        case .core: label("核心指标", "Core")
        case .process: label("过程指标", "Process")
        case .auxiliary: label("辅助指标", "Auxiliary")
        }
    }

    /// Shares as percentages, scores (points, NPS, ratings) as they are.
    static func style(_ unit: IndicatorMeasure.Unit) -> XLSXStyle {
        switch unit {
        case .share: .share
        case .score: .score
        }
    }
}
