import Devices
import Formats
import Foundation
import Yams

extension RuleTestFile {
    /// Reads a test file, reporting every error with its position.
    public static func load(path: String, diagnostics: inout DiagnosticList) -> RuleTestFile? {
        let source = YAMLSource.load(path: path, into: &diagnostics)
        guard let root = source.root, let top = YAMLMapping(root, in: source, what: "a rule test file", diagnostics: &diagnostics) else { return nil }
        top.rejectUnknownKeys(["rule_files", "devices", "start", "tests"], what: "a rule test file", diagnostics: &diagnostics)
        let errorsBefore = diagnostics.errors.count
        let directory = (path as NSString).deletingLastPathComponent
        let ruleFiles = (top.require("rule_files", what: "a rule test file", diagnostics: &diagnostics)
            .flatMap { _ in top.stringList("rule_files", diagnostics: &diagnostics) } ?? [])
            .map { $0.hasPrefix("/") ? $0 : URL(fileURLWithPath: $0, relativeTo: URL(fileURLWithPath: directory.isEmpty ? "." : directory, isDirectory: true)).standardizedFileURL.path }
        var startMs: Int64 = 0
        if let start = top.require("start", what: "a rule test file", diagnostics: &diagnostics).flatMap({ _ in top.string("start", diagnostics: &diagnostics) }) {
            if let parsed = RFC3339.parseMilliseconds(start) { startMs = parsed } else {
                diagnostics.append(source.diagnostic(at: top["start"], "'start' must be an RFC 3339 time such as 2026-01-05T02:00:00+08:00"))
            }
        }
        var devices: [Device] = []
        var attributes: [String: [String: RuleSet.AttributeValue]] = [:]
        if let deviceMap = YAMLMapping(top.require("devices", what: "a rule test file", diagnostics: &diagnostics), in: source, what: "'devices'", diagnostics: &diagnostics) {
            for (id, _, node) in deviceMap.entries {
                guard let map = YAMLMapping(node, in: source, what: "device '\(id)'", diagnostics: &diagnostics) else { continue }
                map.rejectUnknownKeys(["type", "community", "building", "unit", "attributes"], what: "device '\(id)'", diagnostics: &diagnostics)
                guard map.require("type", what: "device '\(id)'", diagnostics: &diagnostics) != nil, let type = map.string("type", diagnostics: &diagnostics) else { continue }
                devices.append(Device(id: id, type: type, community: map.string("community", diagnostics: &diagnostics) ?? "test",
                                      building: map.string("building", diagnostics: &diagnostics) ?? "b1", unit: map.string("unit", diagnostics: &diagnostics) ?? ""))
                if let attributeMap = YAMLMapping(map["attributes"], in: source, what: "'attributes'", diagnostics: &diagnostics) {
                    for (name, _, value) in attributeMap.entries {
                        if let parsed = RuleFileParser.attributeValue(value, source: source, diagnostics: &diagnostics) { attributes[id, default: [:]][name] = parsed }
                    }
                }
            }
        }
        var cases: [Case] = []
        if let tests = top.require("tests", what: "a rule test file", diagnostics: &diagnostics) {
            if let sequence = tests.sequence {
                for node in sequence {
                    if let testCase = readCase(node, source: source, startMs: startMs, devices: devices, diagnostics: &diagnostics) { cases.append(testCase) }
                }
            } else {
                diagnostics.append(source.diagnostic(at: tests, "'tests' must be a list"))
            }
        }
        guard diagnostics.errors.count == errorsBefore else { return nil }
        return RuleTestFile(path: path, ruleFiles: ruleFiles, devices: devices, deviceAttributes: attributes, startMs: startMs, cases: cases)
    }

    /// `30s` after the start, or an absolute RFC 3339 time.
    static func time(_ node: Node?, source: YAMLSource, startMs: Int64, diagnostics: inout DiagnosticList) -> Int64? {
        guard let text = node?.scalar?.string else {
            diagnostics.append(source.diagnostic(at: node, "'at' must be an offset such as 90s or 2h, or an RFC 3339 time"))
            return nil
        }
        if let seconds = DurationText.seconds(text) { return startMs + Int64(seconds * 1000) }
        if let absolute = RFC3339.parseMilliseconds(text) { return absolute }
        diagnostics.append(source.diagnostic(at: node, "'at' must be an offset such as 90s or 2h, or an RFC 3339 time"))
        return nil
    }

    private static func readCase(_ node: Node, source: YAMLSource, startMs: Int64, devices: [Device], diagnostics: inout DiagnosticList) -> Case? {
        guard let map = YAMLMapping(node, in: source, what: "a test", diagnostics: &diagnostics) else { return nil }
        map.rejectUnknownKeys(["name", "input", "link", "resolve", "restart", "attributes", "expect"], what: "a test", diagnostics: &diagnostics)
        let name = map.string("name", diagnostics: &diagnostics) ?? "test at line \(node.mark?.line ?? 0)"
        let inputs = readInputs(map, devices: devices, diagnostics: &diagnostics)
        let happenings = readHappenings(map, startMs: startMs, defaultDevice: inputs.first?.device, diagnostics: &diagnostics)
        // An expectation without `device` means the one input's device, else the first declared.
        let expectations = readExpectations(map, startMs: startMs, defaultDevice: inputs.count == 1 ? inputs[0].device : devices.first?.id ?? "",
                                             diagnostics: &diagnostics)
        return Case(name: name, inputs: inputs, happenings: happenings, expectations: expectations)
    }

    /// `input`: per device, a series of readings every `every` from `from`.
    private static func readInputs(_ map: YAMLMapping, devices: [Device], diagnostics: inout DiagnosticList) -> [Input] {
        let source = map.source
        var inputs: [Input] = []
        guard let inputMap = YAMLMapping(map["input"], in: source, what: "'input'", diagnostics: &diagnostics) else { return inputs }
        for (device, keyNode, value) in inputMap.entries {
            if !devices.contains(where: { $0.id == device }) {
                diagnostics.append(source.diagnostic(at: keyNode, "input for undeclared device '\(device)' (declare it under 'devices')"))
            }
            guard let spec = YAMLMapping(value, in: source, what: "input of '\(device)'", diagnostics: &diagnostics) else { continue }
            let every = spec.require("every", what: "input of '\(device)'", diagnostics: &diagnostics).flatMap { _ in spec.duration("every", diagnostics: &diagnostics) } ?? 60
            let offset = spec.duration("from", diagnostics: &diagnostics) ?? 0
            var steps: [RuleTestSeries.Step] = []
            if let text = spec.require("series", what: "input of '\(device)'", diagnostics: &diagnostics).flatMap({ _ in spec.string("series", diagnostics: &diagnostics) }) {
                do { steps = try RuleTestSeries.parse(text) } catch {
                    diagnostics.append(source.diagnostic(at: spec["series"], error.description))
                }
            }
            var constants: [String: JSONValue] = [:]
            for (field, _, constant) in spec.entries where !["every", "series", "from"].contains(field) {
                if let scalar = constant.scalar, let parsed = try? RuleTestSeries.value(scalar.string, token: field) { constants[field] = parsed }
            }
            inputs.append(Input(device: device, everyMs: Int64(every * 1000), offsetMs: Int64(offset * 1000), steps: steps, constants: constants))
        }
        return inputs
    }

    /// `link`, `resolve`, `restart` and `attributes`: what happens to the engine besides readings.
    private static func readHappenings(_ map: YAMLMapping, startMs: Int64, defaultDevice: String?,
                                       diagnostics: inout DiagnosticList) -> [(Int64, Happening)] {
        let source = map.source
        var happenings: [(Int64, Happening)] = []
        for item in map["link"]?.sequence ?? [] {
            guard let entry = YAMLMapping(item, in: source, what: "a link entry", diagnostics: &diagnostics),
                  let at = time(entry["at"], source: source, startMs: startMs, diagnostics: &diagnostics),
                  let up = entry.bool("up", diagnostics: &diagnostics) else { continue }
            happenings.append((at, .link(up: up)))
        }
        for item in map["resolve"]?.sequence ?? [] {
            guard let entry = YAMLMapping(item, in: source, what: "a resolve entry", diagnostics: &diagnostics),
                  let at = time(entry["at"], source: source, startMs: startMs, diagnostics: &diagnostics),
                  let rule = entry.string("rule", diagnostics: &diagnostics) else { continue }
            let device = entry.string("device", diagnostics: &diagnostics) ?? defaultDevice ?? ""
            happenings.append((at, .resolve(rule: rule, device: device)))
        }
        for item in map["restart"]?.sequence ?? [] {
            guard let entry = YAMLMapping(item, in: source, what: "a restart entry", diagnostics: &diagnostics),
                  let at = time(entry["at"], source: source, startMs: startMs, diagnostics: &diagnostics) else { continue }
            happenings.append((at, .restart))
        }
        for item in map["attributes"]?.sequence ?? [] {
            guard let entry = YAMLMapping(item, in: source, what: "an attributes entry", diagnostics: &diagnostics),
                  let at = time(entry["at"], source: source, startMs: startMs, diagnostics: &diagnostics),
                  let device = entry.string("device", diagnostics: &diagnostics),
                  let values = YAMLMapping(entry["set"], in: source, what: "'set'", diagnostics: &diagnostics) else { continue }
            var parsed: [String: RuleSet.AttributeValue] = [:]
            for (name, _, value) in values.entries {
                if let attribute = RuleFileParser.attributeValue(value, source: source, diagnostics: &diagnostics) { parsed[name] = attribute }
            }
            happenings.append((at, .attributes(device: device, values: parsed)))
        }
        return happenings
    }

    /// `expect`: the state of a rule on a device at a time, and what inhibits it.
    private static func readExpectations(_ map: YAMLMapping, startMs: Int64, defaultDevice: String,
                                         diagnostics: inout DiagnosticList) -> [Expectation] {
        let source = map.source
        var expectations: [Expectation] = []
        for item in map.require("expect", what: "a test", diagnostics: &diagnostics)?.sequence ?? [] {
            guard let entry = YAMLMapping(item, in: source, what: "an expectation", diagnostics: &diagnostics) else { continue }
            entry.rejectUnknownKeys(["at", "rule", "device", "state", "inhibited_by"], what: "an expectation", diagnostics: &diagnostics)
            guard let at = time(entry["at"], source: source, startMs: startMs, diagnostics: &diagnostics),
                  let rule = entry.string("rule", diagnostics: &diagnostics),
                  let stateText = entry.string("state", diagnostics: &diagnostics) else { continue }
            guard let state = AlertInstance.Phase(rawValue: stateText) else {
                diagnostics.append(source.diagnostic(at: entry["state"], "state must be inactive, pending or firing"))
                continue
            }
            let device = entry.string("device", diagnostics: &diagnostics) ?? defaultDevice
            var inhibitedBy: String??
            if let named = entry.string("inhibited_by", diagnostics: &diagnostics) {
                inhibitedBy = .some(named == "none" ? nil : named)
            }
            expectations.append(Expectation(atMs: at, rule: rule, device: device, state: state, inhibitedBy: inhibitedBy, line: item.mark?.line ?? 0))
        }
        return expectations
    }
}
