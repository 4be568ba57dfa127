import Devices
import Formats
import Foundation
import Rules
import Simulation
import Testing

/// Mutated rule files and random expressions through the parser and compiler: every case
/// ends as a rule set or as diagnostics with positions, and none crashes.
@Suite struct RuleFileFuzzTests {
    static let shippedRules = URL(fileURLWithPath: RuleTestSupport.devicesDirectory).deletingLastPathComponent()
        .appendingPathComponent("config/rules/community.yaml").path

    static func mutate(_ lines: [Substring], random: inout SplitMix64) -> String {
        var lines = lines
        let noise = ["", "  - id: x", "    when: (", "    for: -5m", "rules: 3", "\t", "    severity: [", "  bad: {a: b",
                     "    when: hr_bpm > ", "    clear: {when: not}", "    match: {type: nonexistent}", "&anchor *alias", ": :", "\u{0}"]
        for _ in 0...random.below(6) {
            guard !lines.isEmpty else { break }
            let index = random.below(lines.count)
            switch random.below(6) {
            case 0: lines.remove(at: index)
            case 1: lines.insert(lines[random.below(lines.count)], at: index)
            case 2: lines[index] = Substring(String(repeating: " ", count: random.below(8)) + lines[index].trimmingCharacters(in: .whitespaces))
            case 3: lines.insert(Substring(noise[random.below(noise.count)]), at: index)
            case 4:
                var characters = Array(lines[index])
                if !characters.isEmpty { characters[random.below(characters.count)] = Character(UnicodeScalar(UInt8(32 + random.below(95)))) }
                lines[index] = Substring(String(characters))
            default: lines[index] = lines[index].prefix(random.below(lines[index].count + 1))
            }
        }
        return lines.joined(separator: "\n")
    }

    @Test func mutatedRuleFilesGiveRuleSetsOrPositionedErrors() throws {
        let original = try String(contentsOfFile: Self.shippedRules, encoding: .utf8)
        let lines = original.split(separator: "\n", omittingEmptySubsequences: false)
        let catalog = RuleTestSupport.shippedTypes()
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("gw-rule-fuzz-\(UUID().uuidString).yaml").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        var random = SplitMix64(seed: 11_22)
        var rejected = 0
        var accepted = 0
        for _ in 0..<1_000 {
            try Self.mutate(lines, random: &random).write(toFile: file, atomically: false, encoding: .utf8)
            var diagnostics = DiagnosticList()
            let set = RuleFileParser.load(files: [file], catalog: catalog, tiers: ["emergency", "general", "complex"], diagnostics: &diagnostics)
            if diagnostics.hasErrors {
                rejected += 1
                for error in diagnostics.errors { #expect(error.file == file && error.line >= 1 && error.column >= 1, "\(error)") }
            } else {
                accepted += 1
                #expect(!set.rules.isEmpty || !original.isEmpty)
            }
        }
        print("rule file fuzz: 1000 cases, \(accepted) accepted, \(rejected) rejected with positioned errors")
        #expect(rejected > 100 && accepted > 10)
    }

    @Test func randomExpressionsCompileOrExplain() {
        let atoms = ["hr_bpm", "spo2", "battery", "open", "sos", "attr.hr_low", "rate(steps, 5m)", "increase(total_l, 1h)", "avg(hr_bpm, 10m)",
                     "1", "-2.5", "\"x\"", "true", "unknown_field", "(", ")", "and", "or", "not", "<", ">=", "==", "+", "*", "/", ",", "5m",
                     "previous(open)", "is_true(sos)", "changed(open)", "hr_bpm > 1e999", "", "\\", "\u{1F600}"]
        let schema = RuleSchema(deviceType: RuleTestSupport.shippedTypes()["wristband"]!, attributes: ["hr_low": .number])
        var random = SplitMix64(seed: 2026)
        var compiled = 0
        var explained = 0
        for _ in 0..<20_000 {
            let text = (0...random.below(9)).map { _ in atoms[random.below(atoms.count)] }.joined(separator: " ")
            do {
                _ = try CompiledRuleExpression(text, schema: schema, expecting: .bool)
                compiled += 1
            } catch {
                #expect(!error.issues.isEmpty)
                explained += 1
            }
        }
        print("expression fuzz: 20000 cases, \(compiled) compiled, \(explained) rejected with reasons")
        #expect(compiled > 100 && explained > 1000)
    }
}
