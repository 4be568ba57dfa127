import Foundation
import Hummingbird
import Indicators
import Workbooks

/// The forms `/reports/kpi` answers in. A form is a case with its media type and body; the
/// route, the message for an unknown `format` and the download's file name follow from these.
enum KPIFormat: String, CaseIterable {
    case json
    case csv
    /// A workbook (libxlsxwriter): a sheet per section, the targets beside the values, trend charts.
    case xlsx

    /// `format=`, json when absent; 400 naming the forms there are.
    init(query: String?) throws {
        guard let format = Self(rawValue: query ?? Self.json.rawValue) else {
            throw APIError(.badRequest, "'format' must be " + Self.allCases.map(\.rawValue).joined(separator: ", ") + ", not '\((query ?? "").prefix(20))'")
        }
        self = format
    }

    var mediaType: String {
        switch self {
        case .json: "application/json; charset=utf-8"
        case .csv: "text/csv; charset=utf-8"
        case .xlsx: IndicatorWorkbook.mediaType
        }
    }

    /// `timeZone` and `language` (zh or en) shape the workbook's dates and labels.
    func body(_ report: IndicatorReport, timeZone: TimeZone, language: String) throws -> Data {
        switch self {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            return try encoder.encode(report)
        case .csv: return Data(report.csv().utf8)
        case .xlsx: return try IndicatorWorkbook(report, timeZone: timeZone, language: language).data()
        }
    }

    /// JSON is the page's data; every other form is a file to save, named after the period and
    /// the community (`kpi-2026-11.csv`, `kpi-2026-Q4-demo.csv`).
    func response(_ report: IndicatorReport, timeZone: TimeZone, language: String) throws -> Response {
        var headers: HTTPFields = [.contentType: mediaType, .cacheControl: "no-store"]
        if self != .json { headers[.contentDisposition] = "attachment; filename=\"\(Self.fileName(report, extension: rawValue))\"" }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: try body(report, timeZone: timeZone, language: language))))
    }

    /// ASCII only, so the header needs no encoding: a community's other characters become `_`.
    static func fileName(_ report: IndicatorReport, extension fileExtension: String) -> String {
        let scope = report.community.map { community in
            "-" + String(community.unicodeScalars.map { scalar in
                scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || scalar == "-" || scalar == "_") ? Character(scalar) : "_"
            })
        } ?? ""
        return "kpi-\(report.period)\(scope).\(fileExtension)"
    }
}
