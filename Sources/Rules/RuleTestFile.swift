import Devices
import Formats
import Foundation
import Yams

/// A rule unit-test file, in the spirit of `promtool test rules`:
/// ```yaml
/// rule_files: [../community.yaml]
/// devices: {wb-101: {type: wristband, attributes: {hr_high: 120}}}
/// start: 2026-01-05T02:00:00+08:00
/// tests:
///   - name: 45 s above the bound fires
///     input: {wb-101: {every: 15s, series: "hr_bpm=80 hr_bpm=130*4 _*2", worn: true}}
///     link: [{at: 10m, up: false}]
///     resolve: [{at: 20m, rule: heart_rate, device: wb-101}]
///     restart: [{at: 30m}]
///     attributes: [{at: 40m, device: wb-101, set: {hr_high: 100}}]
///     expect:
///       - {at: 60s, rule: heart_rate, device: wb-101, state: firing}
/// ```
public struct RuleTestFile: Sendable {
    /// One device's input series.
    public struct Input: Sendable {
        public var device: String
        public var everyMs: Int64
        public var offsetMs: Int64
        public var steps: [RuleTestSeries.Step]
        /// Fields added to every reading (`worn: true`).
        public var constants: [String: JSONValue]
    }

    /// Something that happens at a time besides readings.
    public enum Happening: Sendable {
        case link(up: Bool)
        case resolve(rule: String, device: String)
        /// The gateway restarts: state is saved and restored as `run` does it.
        case restart
        /// A device's attributes change while running.
        case attributes(device: String, values: [String: RuleSet.AttributeValue])
    }

    /// An expected alert state at a time.
    public struct Expectation: Sendable {
        public var atMs: Int64
        public var rule: String
        public var device: String
        public var state: AlertInstance.Phase
        /// `inhibited_by: RULE` (or `none`): which firing rule holds this alert back.
        public var inhibitedBy: String??
        public var line: Int
    }

    /// One named test.
    public struct Case: Sendable {
        public var name: String
        public var inputs: [Input]
        public var happenings: [(atMs: Int64, happening: Happening)]
        public var expectations: [Expectation]
    }

    public var path: String
    public var ruleFiles: [String]
    public var devices: [Device]
    public var deviceAttributes: [String: [String: RuleSet.AttributeValue]]
    public var startMs: Int64
    public var cases: [Case]
}
