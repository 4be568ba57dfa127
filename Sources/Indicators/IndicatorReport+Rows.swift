import Foundation
import Tickets

extension IndicatorReport {
    /// One indicator in the period: the JSON row of DESIGN's `report kpi` contract.
    public struct Row: Sendable, Codable, Hashable {
        public var id: String
        public var title: DemandCatalogue.LocalizedTitle
        public var measure: String
        public var unit: IndicatorMeasure.Unit
        public var group: Indicator.Group
        public var direction: Indicator.Direction
        public var weight: Double
        public var target: Double
        /// nil: nothing to measure in the period (no tickets of the tier, no follow-ups yet).
        public var value: Double?
        public var met: Bool?
        /// Points earned of the 100 of the composite index.
        public var score: Double?
        /// Points it could earn: its share of the index this period.
        public var share: Double?
        /// The six previous periods and this one, oldest first.
        public var trend: [TrendPoint]
        /// The latest periods in a row below target, this one included (0 when met or unmeasured).
        public var periodsBelowTarget: Int

        init(indicator: Indicator, scoring: Scoring, position: Int, trend: [TrendPoint]) {
            id = indicator.id
            title = indicator.title
            measure = indicator.measure.description
            unit = indicator.measure.unit
            group = indicator.group
            direction = indicator.direction
            weight = indicator.weight
            target = indicator.target
            value = scoring.values[position]
            met = value.map(indicator.isMet)
            share = scoring.shares[position]
            if let value, let share { score = share * indicator.attainment(value) } else { score = nil }
            self.trend = trend.map { point in
                var point = point
                point.met = point.value.map(indicator.isMet)
                return point
            }
            periodsBelowTarget = self.trend.reversed().prefix { $0.met == false }.count
        }

        enum CodingKeys: String, CodingKey {
            case id, title, measure, unit, group, direction, weight, target, value, met, score, share, trend
            case periodsBelowTarget = "periods_below_target"
        }
    }

    /// A period's value in a trend.
    public struct TrendPoint: Sendable, Codable, Hashable {
        public var period: String
        public var value: Double?
        /// Against the indicator's target; nil for the index and for periods without data.
        public var met: Bool?

        public init(period: String, value: Double?, met: Bool? = nil) {
            self.period = period
            self.value = value
            self.met = met
        }
    }

    /// One group of the model: its weight, the points its indicators earned and could earn.
    public struct GroupRow: Sendable, Codable, Hashable {
        public var group: Indicator.Group
        public var weight: Double
        public var score: Double?
        public var share: Double
    }

    /// One community in a report over all of them: its index and the indicators it missed.
    public struct CommunityRow: Sendable, Codable, Hashable {
        public var community: String
        public var index: Double?
        /// Ids of the indicators below target in the period.
        public var belowTarget: [String]
        public var measured: Int

        /// Scores `figures` (one community's period) with `set`.
        public init(community: String, set: IndicatorSet, figures: PeriodFigures) {
            let scoring = Scoring(set: set, figures: figures)
            self.community = community
            index = scoring.index
            belowTarget = zip(set.indicators, scoring.values).compactMap { indicator, value in
                value.map(indicator.isMet) == false ? indicator.id : nil
            }
            measured = scoring.values.count { $0 != nil }
        }

        enum CodingKeys: String, CodingKey { case community, index, belowTarget = "below_target", measured }
    }
}
