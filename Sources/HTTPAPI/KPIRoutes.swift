import Foundation
import Hummingbird
import Indicators
import Storage

/// `/api/v1/reports/kpi`: the assessment of a month, quarter or year against the configured
/// indicators, as `gridwatch report kpi` gives it: JSON for the dashboard's Reports page, or a
/// file to download (`format`, see `KPIFormat`).
struct KPIRoutes {
    let environment: APIEnvironment

    func add(to group: RouterGroup<APIRequestContext>) {
        group.get("reports/kpi") { request, context in try await environment.blocking { try kpi(request, context) } }
    }

    func kpi(_ request: Request, _ context: APIRequestContext) throws -> Response {
        _ = try context.require(.viewer)
        let format = try KPIFormat(query: APIResponse.query(request, "format"))
        let language = APIResponse.query(request, "language") ?? "zh"
        guard ["zh", "en"].contains(language) else { throw APIError(.badRequest, "'language' must be zh or en") }
        let now = environment.nowMs()
        let period = try Self.period(APIResponse.query(request, "period"), nowMs: now, zone: environment.timeZone)
        let community = try APIResponse.query(request, "community").map { try environment.knownCommunity($0) }
        let report = try environment.database.indicatorReport(set: environment.indicators, period: period, community: community,
                                                              zone: environment.timeZone, nowMs: now, catalog: environment.catalog,
                                                              complaintItems: environment.desk.catalogue.complaintItems,
                                                              batterySettings: environment.batterySettings)
        return try format.response(report, timeZone: environment.timeZone, language: language)
    }

    /// `text` as a period; without one, the month that holds `nowMs` in the calendar's zone (the
    /// month under way, so a director sees where it stands before it ends).
    static func period(_ text: String?, nowMs: Int64, zone: TimeZone) throws -> ReportPeriod {
        guard let text else { return .containing(nowMs, kind: .month, zone: zone) }
        guard let period = ReportPeriod(parsing: text) else {
            throw APIError(.badRequest, "'period' must be a month (2026-11), a quarter (2026-Q4) or a year (2026), not '\(text.prefix(40))'")
        }
        return period
    }
}
