import Foundation
import Tickets

/// The assessment of one period (`gridwatch report kpi`, `/api/v1/reports/kpi`): every indicator's
/// value against its target, its weighted score, the composite service-effectiveness index and
/// the six periods before, so a trend reads at a glance. Pure: built from the periods' figures.
///
/// Scoring: an indicator reaches `attainment` (1 when met, else value over target); its score is
/// that times its share of the index, which is its group's weight split among the group's
/// indicators by their weights. Indicators without data are left out and the others' shares
/// grow to fill the 100 points, so a centre without follow-ups yet is not scored zero for them.
public struct IndicatorReport: Sendable, Codable, Hashable {
    public var period: String
    /// nil: every community.
    public var community: String?
    public var fromMs: Int64
    public var toMs: Int64
    /// The moment that decided what was overdue; the period is incomplete while it is before `toMs`.
    public var nowMs: Int64
    /// The composite index, 0-100; nil when no indicator had data.
    public var index: Double?
    public var indicators: [Row]
    public var groups: [GroupRow]
    /// The index of each of the previous periods, oldest first, then this one.
    public var indexTrend: [TrendPoint]
    /// The period's service figures, as `report sla` gives them.
    public var sla: SLAReport
    /// For a report over every community: each community's index in the period, highest first,
    /// so the director sees which to visit. Empty in a one-community report.
    public var communities: [CommunityRow] = []
    /// `kpi_alarm.periods`: a run below target this long opens an alarm ticket.
    public var alarmPeriods: Int

    /// `figures` holds this period last and the earlier ones before it, oldest first.
    public init(set: IndicatorSet, figures: [PeriodFigures], community: String?, zone: TimeZone, nowMs: Int64) {
        precondition(!figures.isEmpty, "an indicator report needs its period's figures")
        let current = figures[figures.count - 1]
        period = current.period.description
        self.community = community
        (fromMs, toMs) = current.period.bounds(in: zone)
        self.nowMs = nowMs
        alarmPeriods = set.alarmPeriods
        sla = current.sla
        let scored = figures.map { Scoring(set: set, figures: $0) }
        let rows = set.indicators.enumerated().map { index, indicator in
            Row(indicator: indicator, scoring: scored[scored.count - 1], position: index,
                trend: zip(figures, scored).map { TrendPoint(period: $0.period.description, value: $1.values[index]) })
        }
        indicators = rows
        self.index = scored[scored.count - 1].index
        indexTrend = zip(figures, scored).map { TrendPoint(period: $0.period.description, value: $1.index) }
        groups = Indicator.Group.allCases.compactMap { group in
            let members = rows.filter { $0.group == group }
            guard !members.isEmpty else { return nil }
            let scores = members.compactMap(\.score)
            return GroupRow(group: group, weight: set.groupWeights[group] ?? 0, score: scores.isEmpty ? nil : scores.reduce(0, +),
                            share: members.compactMap(\.share).reduce(0, +))
        }
    }

    enum CodingKeys: String, CodingKey {
        case period, community, fromMs = "from_ms", toMs = "to_ms", nowMs = "now_ms", index, indicators, groups
        case indexTrend = "index_trend", sla, communities, alarmPeriods = "alarm_periods"
    }
}

/// The values and shares of one period: what `IndicatorReport` reads for the period itself and
/// for each point of its trends.
struct Scoring {
    var values: [Double?]
    /// Each indicator's share of the 100 points, nil when it had no data.
    var shares: [Double?]
    var index: Double?

    init(set: IndicatorSet, figures: PeriodFigures) {
        values = set.indicators.map { $0.measure.value(in: figures) }
        let measured = zip(set.indicators, values).filter { $1 != nil }.map(\.0)
        let groupTotal = Set(measured.map(\.group)).reduce(0.0) { $0 + (set.groupWeights[$1] ?? 0) }
        let valuesSnapshot = values
        shares = set.indicators.enumerated().map { index, indicator in
            guard valuesSnapshot[index] != nil, groupTotal > 0 else { return nil }
            let inGroup = measured.filter { $0.group == indicator.group }.reduce(0.0) { $0 + $1.weight }
            guard inGroup > 0 else { return 0 }
            return 100 * (set.groupWeights[indicator.group] ?? 0) / groupTotal * indicator.weight / inGroup
        }
        let scores = zip(set.indicators, zip(values, shares)).compactMap { indicator, pair -> Double? in
            guard let value = pair.0, let share = pair.1 else { return nil }
            return share * indicator.attainment(value)
        }
        index = scores.isEmpty ? nil : scores.reduce(0, +)
    }
}
