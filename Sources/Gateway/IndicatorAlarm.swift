import Formats
import Foundation
import Indicators
import Tickets

/// An indicator below its target `kpi_alarm.periods` periods in a row in one community: the
/// `complex` ticket it opens, titled in both languages, with each period's figure as evidence.
///
/// One ticket per indicator and community while it is active: the streak continuing does not
/// open another, and a new one opens at the next period's end only if the earlier was
/// resolved, closed or cancelled while the indicator stayed below target.
public struct IndicatorAlarm: Sendable, Hashable {
    public var community: String
    public var kind: ReportPeriod.Kind
    public var row: IndicatorReport.Row
    /// The periods of the streak the report shows, oldest first (at most seven).
    public var streak: [IndicatorReport.TrendPoint]

    /// The catalogue item alarm tickets name when the catalogue has it.
    public static let item = "indicator_below_target"

    /// The indicators of `report` (one community's) below target at least `alarmPeriods` periods in a row.
    public static func alarms(in report: IndicatorReport, kind: ReportPeriod.Kind, alarmPeriods: Int) -> [IndicatorAlarm] {
        guard let community = report.community else { return [] }
        return report.indicators.filter { $0.periodsBelowTarget >= max(alarmPeriods, 1) }.map { row in
            IndicatorAlarm(community: community, kind: kind, row: row, streak: Array(row.trend.suffix(row.periodsBelowTarget)))
        }
    }

    /// The ticket's `rule`: how an active alarm ticket of this indicator is found again.
    public var rule: String { "kpi:\(row.id)" }

    public var titles: DemandCatalogue.LocalizedTitle {
        let count = row.periodsBelowTarget
        let zhSpan: String
        let enSpan: String
        switch kind {
        case .month: (zhSpan, enSpan) = ("\(count)个月", "\(count) months")
        case .quarter: (zhSpan, enSpan) = ("\(count)个季度", "\(count) quarters")
        case .year: (zhSpan, enSpan) = ("\(count)年", "\(count) years")
        }
        return DemandCatalogue.LocalizedTitle(zh: "\(row.title.zh)连续\(zhSpan)未达标（\(community)）",
                                              en: "\(row.title.en) below target \(enSpan) in a row (\(community))")
    }

    /// The figures as a person reads them, Chinese then English.
    public var text: String {
        let target = (row.direction == .min ? "≥ " : "≤ ") + IndicatorReport.format(row.target, unit: row.unit)
        let figures = streak.map { "\($0.period) \($0.value.map { IndicatorReport.format($0, unit: row.unit) } ?? "-")" }
        return [titles.zh, "目标 \(target)；" + figures.joined(separator: "，"),
                titles.en, "Target \(target); " + figures.joined(separator: ", ")].joined(separator: "\n")
    }

    /// One evidence entry per period of the streak, at the period's start.
    public func evidence(zone: TimeZone) -> [TicketEvidence] {
        streak.map { point in
            var values: [String: JSONValue] = ["indicator": .string(row.id), "period": .string(point.period), "target": .double(row.target),
                                               "direction": .string(row.direction.rawValue), "met": .bool(false)]
            values["value"] = point.value.map { .double($0) } ?? .null
            return TicketEvidence(atMs: ReportPeriod(parsing: point.period)?.bounds(in: zone).fromMs ?? 0, values: values)
        }
    }

    /// The ticket desk's request: the catalogue's item when it has one (its tier, team and
    /// class), else a `complex` ticket of the category `indicators`.
    public func request(catalogue: DemandCatalogue, zone: TimeZone) -> TicketDesk.Request {
        let item = catalogue[Self.item]
        var request = TicketDesk.Request(category: item?.classID ?? "indicators", severity: item == nil ? "complex" : "", community: community,
                                         text: text)
        request.item = item?.id
        request.rule = rule
        request.source = "indicators"
        request.titles = titles
        request.evidence = evidence(zone: zone)
        return request
    }
}
