import Devices
import Formats
import Foundation

/// Runs rule unit tests in virtual time: the same engine as `run` and `replay`, driven by
/// the test's series instead of MQTT.
public enum RuleTestRunner {
    /// The outcome of one test case.
    public struct Outcome: Sendable {
        public var file: String
        public var name: String
        public var failures: [String]
        public var events: [AlertEvent]
        public var passed: Bool { failures.isEmpty }
    }

    public static func run(_ file: RuleTestFile, ruleSet loaded: RuleSet, catalog: DeviceTypeCatalog) -> [Outcome] {
        var ruleSet = loaded
        for (device, attributes) in file.deviceAttributes { ruleSet.deviceAttributes[device, default: [:]].merge(attributes) { _, new in new } }
        return file.cases.map { run($0, file: file, ruleSet: ruleSet, catalog: catalog) }
    }

    /// One moment of a test case; at equal times readings go first, then happenings, then checks.
    private enum Step {
        case reading(RuleReading)
        case happening(RuleTestFile.Happening)
        case expectation(RuleTestFile.Expectation)
        var order: Int {
            switch self {
            case .reading: 0
            case .happening: 1
            case .expectation: 2
            }
        }
    }

    static func run(_ testCase: RuleTestFile.Case, file: RuleTestFile, ruleSet: RuleSet, catalog: DeviceTypeCatalog) -> Outcome {
        var engine = RuleEngine(ruleSet: ruleSet, catalog: catalog, devices: file.devices, startMs: file.startMs)
        var failures: [String] = []
        var events: [AlertEvent] = []
        var delivered: [RuleReading] = []
        for (at, step) in timeline(of: testCase, file: file) {
            switch step {
            case let .reading(reading):
                events += engine.readingArrived(reading)
                delivered.append(reading)
            case let .happening(.link(up)):
                events += engine.linkChanged(up: up, at: at)
            case let .happening(.resolve(rule, device)):
                events += engine.resolveManually(rule: rule, device: device, at: at)
            case .happening(.restart):
                events += engine.advance(to: at)
                engine = restarted(engine, ruleSet: ruleSet, catalog: catalog, file: file, at: at, delivered: delivered)
            case let .happening(.attributes(device, values)):
                events += engine.advance(to: at)
                engine.setAttributes(values, device: device)
            case let .expectation(expectation):
                events += engine.advance(to: at)
                failures += check(expectation, on: engine, ruleSet: ruleSet, file: file, at: at)
            }
        }
        return Outcome(file: file.path, name: testCase.name, failures: failures, events: events)
    }

    /// The case's readings, happenings and expectations in the order they happen.
    private static func timeline(of testCase: RuleTestFile.Case, file: RuleTestFile) -> [(atMs: Int64, step: Step)] {
        var timeline: [(atMs: Int64, step: Step)] = []
        for input in testCase.inputs {
            for (index, fields) in input.steps.enumerated() {
                guard let fields else { continue }
                let at = file.startMs + input.offsetMs + Int64(index) * input.everyMs
                timeline.append((at, .reading(RuleReading(deviceID: input.device, atMs: at, values: JSONFields(input.constants.merging(fields) { _, new in new })))))
            }
        }
        timeline += testCase.happenings.map { ($0.atMs, .happening($0.happening)) }
        timeline += testCase.expectations.map { ($0.atMs, .expectation($0)) }
        timeline.sort { ($0.atMs, $0.step.order) < ($1.atMs, $1.step.order) }
        return timeline
    }

    /// As `run` does: save the state, start a fresh engine, restore, and rebuild the windows
    /// from stored readings.
    private static func restarted(_ engine: RuleEngine, ruleSet: RuleSet, catalog: DeviceTypeCatalog, file: RuleTestFile, at: Int64,
                                  delivered: [RuleReading]) -> RuleEngine {
        let snapshot = engine.snapshot()
        var restarted = ruleSet
        restarted.deviceAttributes = engine.ruleSet.deviceAttributes
        var fresh = RuleEngine(ruleSet: restarted, catalog: catalog, devices: file.devices, startMs: at)
        fresh.restore(snapshot)
        let horizon = at - Int64(fresh.longestWindowSeconds * 1000)
        fresh.warm(with: delivered.filter { $0.atMs >= horizon })
        return fresh
    }

    /// What is wrong with the engine's state against one expectation (nothing when it holds).
    private static func check(_ expectation: RuleTestFile.Expectation, on engine: RuleEngine, ruleSet: RuleSet, file: RuleTestFile,
                              at: Int64) -> [String] {
        guard ruleSet.rule(id: expectation.rule) != nil else {
            return ["line \(expectation.line): no rule '\(expectation.rule)' in \(file.ruleFiles.joined(separator: ", "))"]
        }
        var failures: [String] = []
        let actual = engine.phase(rule: expectation.rule, device: expectation.device)
        let offset = DurationText.format(Double(at - file.startMs) / 1000)
        if actual != expectation.state {
            failures.append("line \(expectation.line): at \(offset) \(expectation.rule) on \(expectation.device): expected \(expectation.state.rawValue), got \(actual.rawValue)")
        }
        if let wanted = expectation.inhibitedBy {
            let inhibitor = engine.inhibitor(rule: expectation.rule, device: expectation.device)
            if inhibitor != wanted {
                failures.append("line \(expectation.line): at \(offset) \(expectation.rule) on \(expectation.device): expected inhibited by \(wanted ?? "none"), got \(inhibitor ?? "none")")
            }
        }
        return failures
    }
}
