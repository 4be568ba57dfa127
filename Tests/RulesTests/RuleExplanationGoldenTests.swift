import Devices
import Formats
import Foundation
import Rules
import Testing

/// Golden cases of `rules explain`: each folder under `Fixtures/explain` holds `rules.yaml`,
/// `case.json` (the devices, the device and rule asked about, and the instant), `readings.jsonl`
/// (`{"at", "device", "values"}` per line) and the expected renderings, `expected.txt` and
/// `expected.json` (one explanation per line). `GRIDWATCH_UPDATE_GOLDEN=1` rewrites them after
/// a deliberate change; read the diff before committing it.
@Suite struct RuleExplanationGoldenTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/explain")
    static let zone = TimeZone(identifier: "Asia/Shanghai") ?? .gmt

    @Test(arguments: ["firing", "pending_hold", "stale", "missing_field", "not_worn", "schedule", "inhibited", "count_window", "clear_hold"])
    func explainCase(_ name: String) throws {
        let directory = Self.fixtures.appendingPathComponent(name)
        let explanations = try Self.explanations(name)
        try Self.compare(explanations.map { $0.text(timeZone: Self.zone) }.joined(separator: "\n\n") + "\n",
                         with: directory.appendingPathComponent("expected.txt"))
        try Self.compare(explanations.map { $0.json(timeZone: Self.zone).jsonText }.joined(separator: "\n") + "\n",
                         with: directory.appendingPathComponent("expected.json"))
    }

    /// The explanations a case asks for.
    static func explanations(_ name: String) throws -> [RuleExplanation] {
        let spec = try object(String(contentsOf: fixtures.appendingPathComponent(name).appendingPathComponent("case.json"), encoding: .utf8))
        let (engine, atMs) = try Self.engine(name)
        guard case let .string(device)? = spec["device"] else { throw JSONParser.Failure.syntax(offset: 0, "\(name)/case.json needs device") }
        var rule: String?
        if case let .string(id)? = spec["rule"] { rule = id }
        return try engine.explain(device: device, rule: rule, at: atMs)
    }

    /// The case's rules and devices after its readings, up to its instant.
    static func engine(_ name: String) throws -> (RuleEngine, Int64) {
        let directory = fixtures.appendingPathComponent(name)
        let spec = try object(String(contentsOf: directory.appendingPathComponent("case.json"), encoding: .utf8))
        guard case let .string(atText)? = spec["at"], let atMs = RFC3339.parseMilliseconds(atText),
              case let .object(deviceSpecs)? = spec["devices"] else { throw JSONParser.Failure.syntax(offset: 0, "\(name)/case.json needs at and devices") }
        let devices = deviceSpecs.keys.sorted().map { id -> Device in
            guard case let .object(fields)? = deviceSpecs[id] else { return Device(id: id, type: "", community: "test") }
            func text(_ key: String, _ fallback: String) -> String { if case let .string(value)? = fields[key] { return value }; return fallback }
            return Device(id: id, type: text("type", ""), community: text("community", "test"), building: text("building", "b1"), unit: text("unit", ""))
        }
        var diagnostics = DiagnosticList()
        let catalog = RuleTestSupport.shippedTypes()
        let rules = RuleFileParser.load(files: [directory.appendingPathComponent("rules.yaml").path], catalog: catalog,
                                        tiers: ["emergency", "general", "complex"], diagnostics: &diagnostics)
        #expect(!diagnostics.hasErrors, "\(diagnostics.items)")
        let stored = try Self.readings(String(contentsOf: directory.appendingPathComponent("readings.jsonl"), encoding: .utf8))
        let engine = RuleEngine.replayed(ruleSet: rules, catalog: catalog, devices: devices, readings: stored,
                                         startMs: stored.first?.atMs ?? atMs, upTo: atMs)
        return (engine, atMs)
    }

    @Test func personalValuesAreHiddenButTruthsAndAttributesStay() throws {
        let explanation = try #require(try Self.explanations("pending_hold").first)
        let hidden = explanation.hidingValues(of: ["hr_bpm"])
        let terms = hidden.condition(.when)?.terms ?? []
        #expect(terms.filter { $0.text == "hr_bpm" }.map(\.value) == ["hidden", "hidden"])
        #expect(terms.first { $0.text == "hr_bpm > attr.hr_high" }?.value == "true")
        #expect(terms.first { $0.text == "attr.hr_high" }?.value == "120")
        #expect(!hidden.text(timeZone: Self.zone).contains("130") && explanation.text(timeZone: Self.zone).contains("hr_bpm = 130"))
    }

    @Test func askingAboutAnUnknownDeviceOrRuleOrOneThatDoesNotWatchItFails() throws {
        let (engine, atMs) = try Self.engine("inhibited")
        #expect(throws: RuleEngine.ExplainError.unknownDevice("wb-2")) { try engine.explain(device: "wb-2", at: atMs) }
        #expect(throws: RuleEngine.ExplainError.unknownRule("heart_rate")) { try engine.explain(device: "wb-1", rule: "heart_rate", at: atMs) }
        let (doors, doorAtMs) = try Self.engine("schedule")
        #expect(throws: RuleEngine.ExplainError.ruleDoesNotMatch(rule: "door_forced_night", device: "wb-1")) {
            try doors.explain(device: "wb-1", rule: "door_forced_night", at: doorAtMs)
        }
        // The engine explained is a copy moved on to the instant: the original keeps its clock.
        _ = try engine.explain(device: "wb-1", at: atMs + 3_600_000)
        #expect(engine.nowMs == atMs)
    }

    static func compare(_ actual: String, with url: URL) throws {
        if ProcessInfo.processInfo.environment["GRIDWATCH_UPDATE_GOLDEN"] == "1" { try actual.write(to: url, atomically: true, encoding: .utf8) }
        let expected = try String(contentsOf: url, encoding: .utf8)
        let got = actual.split(separator: "\n", omittingEmptySubsequences: false)
        let want = expected.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(got.count == want.count, "\(url.lastPathComponent): \(got.count) lines, expected \(want.count)\n\(actual)")
        for (index, (line, wanted)) in zip(got, want).enumerated() { #expect(line == wanted, "\(url.lastPathComponent) line \(index + 1)") }
    }

    static func object(_ text: String) throws -> [String: JSONValue] {
        guard case let .object(object) = try JSONParser.parse(Array(text.utf8)) else { throw JSONParser.Failure.syntax(offset: 0, "not an object") }
        return object
    }

    static func readings(_ text: String) throws -> [RuleReading] {
        try text.split(separator: "\n").map { line in
            let item = try object(String(line))
            guard case let .string(at)? = item["at"], let atMs = RFC3339.parseMilliseconds(at), case let .string(device)? = item["device"],
                  case let .object(values)? = item["values"] else { throw JSONParser.Failure.syntax(offset: 0, "bad reading line: \(line)") }
            return RuleReading(deviceID: device, atMs: atMs, values: JSONFields(values))
        }
    }
}
