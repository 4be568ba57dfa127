import Foundation
import Tickets

/// One assessed indicator (考核指标) as the configuration's `kpis:` declares it: which figure it
/// reads, the target, whether higher or lower is better, and its weight within its group of the
/// "3+X" model.
public struct Indicator: Sendable, Hashable {
    /// `min`: the value must be at least the target (on-time rate); `max`: at most (remediation).
    public enum Direction: String, Sendable, Codable, CaseIterable { case min, max }

    /// The model's three groups: core indicators weigh 40 %, process 30 %, auxiliary 30 % by default.
    public enum Group: String, Sendable, Codable, CaseIterable {
        case core, process, auxiliary

        /// The group as the assessment names it: 核心指标, 过程指标, 辅助指标.
        public func title(chinese: Bool) -> String {
            switch self {
            case .core: chinese ? "核心" : "core"
            case .process: chinese ? "过程" : "process"
            case .auxiliary: chinese ? "辅助" : "auxiliary"
            }
        }
    }

    public var id: String
    public var title: DemandCatalogue.LocalizedTitle
    /// The figure it reads; by default the one named like the indicator.
    public var measure: IndicatorMeasure
    public var target: Double
    public var direction: Direction
    /// The share of its group, relative to the other indicators of the group that have data.
    public var weight: Double
    public var group: Group
    /// Where it is defined, for errors and alarms that concern it.
    public var line: Int
    public var column: Int

    public init(id: String, title: DemandCatalogue.LocalizedTitle, measure: IndicatorMeasure, target: Double, direction: Direction,
                weight: Double, group: Group, line: Int = 1, column: Int = 1) {
        self.id = id
        self.title = title
        self.measure = measure
        self.target = target
        self.direction = direction
        self.weight = weight
        self.group = group
        self.line = line
        self.column = column
    }

    /// Whether `value` meets the target; a boundary value meets it.
    public func isMet(_ value: Double) -> Bool {
        switch direction {
        case .min: value >= target
        case .max: value <= target
        }
    }

    /// How much of the target was reached, from 0 to 1: 1 when met, else the ratio of value to
    /// target (`min`) or of target to value (`max`). A score that can go below zero (a negative
    /// net promoter score) counts as nothing reached.
    public func attainment(_ value: Double) -> Double {
        if isMet(value) { return 1 }
        switch direction {
        case .min: return target > 0 ? min(max(value / target, 0), 1) : 0
        case .max: return value > 0 ? min(max(target / value, 0), 1) : 1
        }
    }
}
