import Foundation
import Indicators
import Workbooks

/// A file format of the scheduled reports: its name in `reports.formats`, its file extension
/// and how a report becomes bytes. A new format is one more entry in `known`; configuration
/// checking and publishing pick it up from there.
public struct ReportFormat: Sendable {
    /// What the renderer may need besides the report.
    public struct Context: Sendable {
        public var zone: TimeZone
        /// `zh` or `en`, for pages people read.
        public var language: String

        public init(zone: TimeZone, language: String) {
            self.zone = zone
            self.language = language
        }
    }

    public var name: String
    public var fileExtension: String
    public var render: @Sendable (IndicatorReport, Context) throws -> Data

    public init(name: String, fileExtension: String, render: @escaping @Sendable (IndicatorReport, Context) throws -> Data) {
        self.name = name
        self.fileExtension = fileExtension
        self.render = render
    }

    /// Every format `reports.formats` may name.
    public static let known: [ReportFormat] = [json, csv, text, xlsx]

    public static func named(_ name: String) -> ReportFormat? { known.first { $0.name == name } }

    /// The contract's JSON, as `gridwatch report kpi --format json` prints it.
    public static let json = ReportFormat(name: "json", fileExtension: "json") { report, _ in
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(report) + Data("\n".utf8)
    }

    public static let csv = ReportFormat(name: "csv", fileExtension: "csv") { report, _ in Data(report.csv().utf8) }

    public static let text = ReportFormat(name: "text", fileExtension: "txt") { report, context in
        Data(report.text(timeZone: context.zone, language: context.language).utf8)
    }

    /// The workbook `report kpi --format xlsx` writes (sheets, number formats, trend charts).
    public static let xlsx = ReportFormat(name: "xlsx", fileExtension: "xlsx") { report, context in
        try IndicatorWorkbook(report, timeZone: context.zone, language: context.language).data()
    }
}
