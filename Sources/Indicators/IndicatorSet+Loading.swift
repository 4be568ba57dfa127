import Formats
import Foundation
import Tickets
import Yams

/// Reading the indicator system from the configuration; every mistake at its line and column,
/// all at once. An indicator with a mistake is left out, the rest are kept.
///
///     kpis:
///       - {id: emergency_response, measure: response_on_time.emergency, target: 0.95, direction: min,
///          weight: 3, group: core, title: {zh: 紧急事项响应及时率, en: Emergency response on time}}
///     kpi_groups: {core: 40, process: 30, auxiliary: 30}
///     kpi_alarm: {periods: 3}
extension IndicatorSet {
    /// The configuration's top-level keys this reads.
    public static let configurationKeys: Set<String> = ["kpis", "kpi_groups", "kpi_alarm"]

    /// `tiers`: the configured tiers, which a per-tier measure must name.
    public static func read(_ top: YAMLMapping, tiers: Set<String>, diagnostics: inout DiagnosticList) -> IndicatorSet {
        let source = top.source
        var set = IndicatorSet.standard
        if let list = top["kpis"] {
            if let entries = list.sequence, !entries.isEmpty {
                var seen: [String: Int] = [:]
                set.indicators = entries.compactMap { readIndicator($0, source: source, tiers: tiers, seen: &seen, diagnostics: &diagnostics) }
            } else {
                diagnostics.append(source.diagnostic(at: list, "'kpis' must be a non-empty list of {id, title, measure, target, direction, weight, group}"))
            }
        }
        if let groups = YAMLMapping(top["kpi_groups"], in: source, what: "'kpi_groups'", diagnostics: &diagnostics) {
            groups.rejectUnknownKeys(Set(Indicator.Group.allCases.map(\.rawValue)), what: "'kpi_groups'", diagnostics: &diagnostics)
            for group in Indicator.Group.allCases {
                guard let weight = groups.number(group.rawValue, diagnostics: &diagnostics) else { continue }
                if weight >= 0 { set.groupWeights[group] = weight } else {
                    diagnostics.append(source.diagnostic(at: groups[group.rawValue], "a group's weight must be 0 or more"))
                }
            }
            if set.groupWeights.values.reduce(0, +) <= 0 {
                diagnostics.append(source.diagnostic(at: groups.node, "'kpi_groups' must give at least one group a weight above 0"))
            }
        }
        if let alarm = YAMLMapping(top["kpi_alarm"], in: source, what: "'kpi_alarm'", diagnostics: &diagnostics) {
            alarm.rejectUnknownKeys(["periods"], what: "'kpi_alarm'", diagnostics: &diagnostics)
            if let periods = alarm.int("periods", diagnostics: &diagnostics) {
                if (1...6).contains(periods) { set.alarmPeriods = periods } else {
                    diagnostics.append(source.diagnostic(at: alarm["periods"], "'periods' must be between 1 and 6 (the report keeps six earlier periods)"))
                }
            }
        }
        return set
    }

    private static func readIndicator(_ node: Node, source: YAMLSource, tiers: Set<String>, seen: inout [String: Int],
                                      diagnostics: inout DiagnosticList) -> Indicator? {
        guard let map = YAMLMapping(node, in: source, what: "an indicator", diagnostics: &diagnostics) else { return nil }
        let before = diagnostics.errors.count
        map.rejectUnknownKeys(["id", "title", "measure", "target", "direction", "weight", "group"], what: "an indicator", diagnostics: &diagnostics)
        let reader = DemandCatalogue.Reader(source: source, tiers: tiers)
        let id = reader.identifier(map, what: "an indicator", seen: &seen, kind: "indicator", diagnostics: &diagnostics)
        let title = reader.title(map, what: "indicator", diagnostics: &diagnostics)
        let measureText = map.string("measure", diagnostics: &diagnostics) ?? id
        let measure = measureText.flatMap(IndicatorMeasure.init(parsing:))
        if let measureText, measure == nil {
            diagnostics.append(source.diagnostic(at: map["measure"] ?? map["id"],
                                                 "unknown measure '\(measureText)' (measures: \(IndicatorMeasure.names.joined(separator: ", ")))"))
        }
        if let tier = measure?.tier, !tiers.contains(tier) {
            diagnostics.append(source.diagnostic(at: map["measure"] ?? map["id"], "unknown tier '\(tier)' (tiers: \(tiers.sorted().joined(separator: ", ")))"))
        }
        let target = map.require("target", what: "an indicator", diagnostics: &diagnostics).flatMap { _ in map.number("target", diagnostics: &diagnostics) }
        if let target, let measure, measure.unit == .share, !(0...1).contains(target) {
            diagnostics.append(source.diagnostic(at: map["target"], "the target of '\(measure)' is a share from 0 to 1 (0.95 for 95 %)"))
        }
        let direction = enumValue(map, "direction", Indicator.Direction.self, diagnostics: &diagnostics)
        let group = enumValue(map, "group", Indicator.Group.self, diagnostics: &diagnostics)
        let weight = map.number("weight", diagnostics: &diagnostics) ?? 1
        if weight <= 0 { diagnostics.append(source.diagnostic(at: map["weight"], "'weight' must be above 0")) }
        guard diagnostics.errors.count == before, let id, let title, let measure, let target, let direction, let group else { return nil }
        return Indicator(id: id, title: title, measure: measure, target: target, direction: direction, weight: weight, group: group,
                         line: node.mark?.line ?? 1, column: node.mark?.column ?? 1)
    }

    /// A required key whose value is one of `T`'s raw values.
    private static func enumValue<T: RawRepresentable & CaseIterable>(_ map: YAMLMapping, _ key: String, _: T.Type,
                                                                      diagnostics: inout DiagnosticList) -> T? where T.RawValue == String {
        guard map.require(key, what: "an indicator", diagnostics: &diagnostics) != nil, let text = map.string(key, diagnostics: &diagnostics) else { return nil }
        guard let value = T(rawValue: text) else {
            let known = T.allCases.map(\.rawValue).joined(separator: ", ")
            diagnostics.append(map.source.diagnostic(at: map[key], "'\(key)' must be one of \(known), not '\(text)'"))
            return nil
        }
        return value
    }
}
