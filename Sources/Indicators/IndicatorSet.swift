import Foundation
import Tickets

/// The configured indicator system: the indicators, each group's weight in the composite index,
/// and how many periods below target open an alarm ticket.
public struct IndicatorSet: Sendable, Hashable {
    public var indicators: [Indicator]
    /// Each group's share of the composite index, in points; 40/30/30 by the "3+X" model.
    public var groupWeights: [Indicator.Group: Double]
    /// `kpi_alarm.periods`: consecutive periods below target before an alarm ticket opens.
    public var alarmPeriods: Int

    public static let defaultGroupWeights: [Indicator.Group: Double] = [.core: 40, .process: 30, .auxiliary: 30]

    public init(indicators: [Indicator], groupWeights: [Indicator.Group: Double] = IndicatorSet.defaultGroupWeights, alarmPeriods: Int = 3) {
        self.indicators = indicators
        self.groupWeights = groupWeights
        self.alarmPeriods = alarmPeriods
    }

    public subscript(id: String) -> Indicator? { indicators.first { $0.id == id } }

    /// The standard's indicators, used when the configuration has no `kpis:` (the shipped
    /// configuration lists the same, for the director to edit).
    public static let standard = IndicatorSet(indicators: [
        row("emergency_response", "紧急事项响应及时率", "Emergency response on time", .init(.responseOnTime, tier: "emergency"), 0.95, .min, 3, .core),
        row("general_response", "一般事项响应及时率", "General response on time", .init(.responseOnTime, tier: "general"), 0.90, .min, 2, .core),
        row("complex_response", "复杂事项响应及时率", "Complex response on time", .init(.responseOnTime, tier: "complex"), 0.90, .min, 1, .core),
        row("closed_within_72h", "72小时闭环率", "Closed within 72 h", .init(.closedWithin72h), 0.95, .min, 2, .core),
        row("satisfied_share", "居民满意率", "Residents satisfied", .init(.satisfiedShare), 0.92, .min, 2, .core),
        row("remediation_rate", "返工率", "Remediation", .init(.remediationRate), 0.05, .max, 1, .process),
        row("follow_up_rate", "回访率", "Follow-up done", .init(.followUpRate), 0.95, .min, 1, .process),
        row("complaint_on_time", "投诉按时办结率", "Complaints resolved on time", .init(.complaintOnTime), 0.95, .min, 1, .process),
        row("device_health", "智能设备完好率", "Device health", .init(.deviceHealth), 0.85, .min, 2, .auxiliary),
        row("net_promoter_score", "净推荐值", "Net promoter score", .init(.netPromoterScore), 40, .min, 1, .auxiliary),
        row("battery_replaced_before_failure", "电池提前更换率", "Batteries replaced before failure", .init(.batteryReplacedBeforeFailure), 0.90, .min, 1, .auxiliary),
    ])

    private static func row(_ id: String, _ zh: String, _ en: String, _ measure: IndicatorMeasure, _ target: Double,
                            _ direction: Indicator.Direction, _ weight: Double, _ group: Indicator.Group) -> Indicator {
        Indicator(id: id, title: DemandCatalogue.LocalizedTitle(zh: zh, en: en), measure: measure, target: target, direction: direction,
                  weight: weight, group: group)
    }
}
