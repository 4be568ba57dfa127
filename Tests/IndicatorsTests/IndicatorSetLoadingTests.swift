import Formats
import Foundation
import Indicators
import Testing

/// The `kpis:` section: the shipped one is the standard's, and every mistake is reported at its
/// line and column, all at once.
@Suite struct IndicatorSetLoadingTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let tiers: Set<String> = ["emergency", "general", "complex"]

    static func read(_ text: String) -> (IndicatorSet, [String]) {
        var diagnostics = DiagnosticList()
        let source = YAMLSource.parse(text, path: "gridwatch.yaml", into: &diagnostics)
        guard let root = source.root, let top = YAMLMapping(root, in: source, what: "the configuration", diagnostics: &diagnostics) else {
            return (.standard, diagnostics.items.map(\.description))
        }
        let set = IndicatorSet.read(top, tiers: tiers, diagnostics: &diagnostics)
        return (set, diagnostics.items.map(\.description))
    }

    @Test func theShippedConfigurationListsTheStandardIndicators() throws {
        let text = try String(contentsOf: Self.root.appendingPathComponent("config/gridwatch.yaml"), encoding: .utf8)
        var diagnostics = DiagnosticList()
        let source = YAMLSource.parse(text, path: "config/gridwatch.yaml", into: &diagnostics)
        let top = try #require(YAMLMapping(source.root, in: source, what: "the configuration", diagnostics: &diagnostics))
        let set = IndicatorSet.read(top, tiers: Self.tiers, diagnostics: &diagnostics)
        #expect(diagnostics.items.isEmpty, "\(diagnostics.items)")
        #expect(set.indicators.map(\.id) == IndicatorSet.standard.indicators.map(\.id))
        for (shipped, standard) in zip(set.indicators, IndicatorSet.standard.indicators) {
            #expect(shipped.title == standard.title && shipped.measure == standard.measure && shipped.target == standard.target
                    && shipped.direction == standard.direction && shipped.weight == standard.weight && shipped.group == standard.group,
                    "\(shipped.id)")
        }
        #expect(set.groupWeights == IndicatorSet.defaultGroupWeights)
        #expect(set.alarmPeriods == 3)
    }

    @Test func readsACustomSet() throws {
        let (set, errors) = Self.read("""
            kpis:
              - {id: fast, measure: response_on_time.general, target: 0.8, direction: min, weight: 2, group: core, title: {zh: 快, en: Fast}}
              - {id: nps, measure: net_promoter_score, target: 30, direction: min, group: auxiliary, title: {zh: 推荐, en: NPS}}
            kpi_groups: {core: 50, process: 0, auxiliary: 50}
            kpi_alarm: {periods: 2}
            """)
        #expect(errors.isEmpty, "\(errors)")
        #expect(set.indicators.map(\.id) == ["fast", "nps"])
        #expect(set["fast"]?.measure == IndicatorMeasure(.responseOnTime, tier: "general"))
        #expect(set["nps"]?.weight == 1)
        #expect(set.groupWeights == [.core: 50, .process: 0, .auxiliary: 50])
        #expect(set.alarmPeriods == 2)
    }

    @Test func reportsEveryMistakeAtItsLineAndColumn() {
        let (set, errors) = Self.read("""
            kpis:
              - {id: a, measure: response_on_time.urgent, target: 0.9, direction: min, group: core, title: {zh: 甲, en: A}}
              - {id: b, measure: happiness, target: 0.9, direction: up, group: core, title: {zh: 乙, en: B}}
              - {id: c, measure: remediation_rate, target: 5, direction: max, group: extra, weight: 0, title: {zh: 丙}}
              - {id: a, measure: device_health, target: 0.85, direction: min, group: auxiliary, title: {zh: 丁, en: D}, colour: red}
              - {id: e, measure: device_health, direction: min, group: auxiliary, title: {zh: 戊, en: E}}
            kpi_groups: {core: -1, bonus: 5}
            kpi_alarm: {periods: 9}
            """)
        #expect(errors == [
            "gridwatch.yaml:2:22: error: unknown tier 'urgent' (tiers: complex, emergency, general)",
            "gridwatch.yaml:3:22: error: unknown measure 'happiness' (measures: \(IndicatorMeasure.names.joined(separator: ", ")))",
            "gridwatch.yaml:3:57: error: 'direction' must be one of min, max, not 'up'",
            "gridwatch.yaml:4:99: error: 'title' is missing required key 'en'",
            "gridwatch.yaml:4:48: error: the target of 'remediation_rate' is a share from 0 to 1 (0.95 for 95 %)",
            "gridwatch.yaml:4:74: error: 'group' must be one of core, process, auxiliary, not 'extra'",
            "gridwatch.yaml:4:89: error: 'weight' must be above 0",
            "gridwatch.yaml:5:108: error: unknown key 'colour' in an indicator (expected one of: direction, group, id, measure, target, title, weight)",
            "gridwatch.yaml:5:10: error: indicator 'a' is already defined on line 2",
            "gridwatch.yaml:6:5: error: an indicator is missing required key 'target'",
            "gridwatch.yaml:7:24: error: unknown key 'bonus' in 'kpi_groups' (expected one of: auxiliary, core, process)",
            "gridwatch.yaml:7:20: error: a group's weight must be 0 or more",
            "gridwatch.yaml:8:22: error: 'periods' must be between 1 and 6 (the report keeps six earlier periods)",
        ])
        #expect(set.indicators.isEmpty)
    }
}
