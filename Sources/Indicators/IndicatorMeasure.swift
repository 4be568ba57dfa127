import Foundation
import Tickets

/// A figure an indicator can read, computed for one period and one community (or all).
/// `response_on_time.emergency` reads one tier's figure; without a tier, every tier's.
public struct IndicatorMeasure: Sendable, Hashable, CustomStringConvertible {
    /// The figures gridwatch computes. Shares are fractions (0.85), means of 5 are 1-5, the net
    /// promoter score is in points (-100 to 100).
    public enum Kind: String, Sendable, CaseIterable {
        case responseOnTime = "response_on_time"
        case resolutionOnTime = "resolution_on_time"
        case closedWithin72h = "closed_within_72h"
        case remediationRate = "remediation_rate"
        case deviceHealth = "device_health"
        case satisfactionMean = "satisfaction_mean"
        case satisfiedShare = "satisfied_share"
        case dissatisfiedShare = "dissatisfied_share"
        case netPromoterScore = "net_promoter_score"
        case followUpRate = "follow_up_rate"
        case followUpOnTime = "follow_up_on_time"
        case complaintOnTime = "complaint_on_time"
        case falseAlarmRate = "false_alarm_rate"
        case batteryReplacedBeforeFailure = "battery_replaced_before_failure"

        /// Only the clocks are kept per tier.
        var takesTier: Bool { self == .responseOnTime || self == .resolutionOnTime }
    }

    /// How a value reads: a share prints as a percentage, a score as it is.
    public enum Unit: String, Sendable, Codable { case share, score }

    public var kind: Kind
    public var tier: String?

    public init(_ kind: Kind, tier: String? = nil) {
        self.kind = kind
        self.tier = tier
    }

    /// `response_on_time`, `response_on_time.emergency`; nil for anything else.
    public init?(parsing text: String) {
        let parts = text.split(separator: ".", maxSplits: 1).map(String.init)
        guard let kind = Kind(rawValue: parts.first ?? "") else { return nil }
        if parts.count == 2 {
            guard kind.takesTier, !parts[1].isEmpty else { return nil }
            self.init(kind, tier: parts[1])
        } else {
            self.init(kind)
        }
    }

    public var description: String { tier.map { "\(kind.rawValue).\($0)" } ?? kind.rawValue }

    public var unit: Unit {
        switch kind {
        case .satisfactionMean, .netPromoterScore: .score
        default: .share
        }
    }

    /// Every measure a configuration may name, for error messages.
    public static var names: [String] {
        Kind.allCases.map { $0.takesTier ? "\($0.rawValue)[.TIER]" : $0.rawValue }
    }

    /// The value over `figures`, or nil when the period gave nothing to measure: "no data" is
    /// not 0 %, and an indicator without data is left out of the index rather than failed.
    public func value(in figures: PeriodFigures) -> Double? {
        let sla = figures.sla
        switch kind {
        case .responseOnTime: return tierFigures(sla)?.response.rate
        case .resolutionOnTime: return tierFigures(sla)?.resolution.rate
        case .closedWithin72h: return sla.closure.rate
        case .remediationRate: return sla.remediation.rate
        case .deviceHealth: return figures.deviceHealth
        case .satisfactionMean: return sla.residents.satisfactionMean
        case .satisfiedShare: return sla.residents.satisfiedRate
        case .dissatisfiedShare: return sla.residents.dissatisfiedRate
        case .netPromoterScore: return sla.residents.netPromoterScore
        case .followUpRate: return sla.residents.followUpRate
        case .followUpOnTime: return sla.residents.followUpOnTimeRate
        case .complaintOnTime: return sla.residents.complaintOnTimeRate
        case .falseAlarmRate: return sla.falseAlarms.rate
        case .batteryReplacedBeforeFailure: return figures.batteryReplacedBeforeFailure
        }
    }

    private func tierFigures(_ sla: SLAReport) -> SLAReport.Tier? {
        guard let tier else { return sla.overall }
        return sla.tiers.first { $0.tier == tier }
    }
}
