import Devices
import Formats
import Foundation
import Rules
import Testing

// Golden rule files in the style of Prometheus' `model/rulefmt/testdata`, in
// `Fixtures/rulefiles`:
// - every `NAME.good.yaml` loads without errors; if it has warnings, `NAME.good.expected`
//   lists them, otherwise it must load with no diagnostic at all;
// - every `NAME.bad.yaml` gives exactly the diagnostics of `NAME.bad.expected`, one per
//   line, in the order reported, as `LINE:COL: error: message` (or `warning:`);
// - a diagnostic in another file than the one under test starts with that file's name
//   (`other.yaml:3:5: error: ...`), and paths inside messages are relative to the folder;
// - `NAME.companion.yaml` files are loaded with, and before, `NAME.bad.yaml` in one
//   `load(files:)` call, for errors across files such as a duplicate rule id.
//
// To regenerate the expected files after a deliberate change of messages, run
//
//     GRIDWATCH_UPDATE_GOLDEN=1 swift test --filter RuleFileParserTests
//
// and review the diff of the folder before committing it. The fixtures listed in
// `suspectedBugs` are not rewritten: their expected files say what should happen.

/// Every rule file mistake gives exactly the expected diagnostics at the right line and column.
@Suite struct RuleFileParserTests {
    /// The tiers gridwatch ships with (`config/gridwatch.yaml`).
    static let tiers: Set<String> = ["emergency", "general", "complex"]

    /// Bad fixtures whose expected file says what the parser should report, not what it
    /// did before they were fixed; each has its own test below naming the bug.
    static let suspectedBugs: Set<String> = [
        "absent_bad_for.bad.yaml", "inhibit_unknown_rule.bad.yaml", "unknown_device_type_fields.bad.yaml",
    ]

    @Test(arguments: RuleFileGolden.files(endingWith: ".bad.yaml").filter { !suspectedBugs.contains($0) })
    func badFileGivesExactlyTheExpectedDiagnostics(_ name: String) throws {
        try Self.checkBadFile(name)
    }

    static func checkBadFile(_ name: String) throws {
        let actual = RuleFileGolden.diagnostics(of: name)
        #expect(actual.contains { $0.contains(": error: ") }, "\(name) loads without errors: it is not a bad file")
        try RuleFileGolden.compare(actual, expectedFile: RuleFileGolden.expectedName(of: name), mustExist: true)
    }

    /// `absent: {for: 3 * intervals}`: the rule has `absent`, so the second error
    /// "rule 'band_offline' needs a 'when' condition or 'absent'" is wrong (the check looks at
    /// the parsed silence, not at whether the key is there, unlike the check of `when`).
    @Test
    func absentWithABadForIsOneErrorPerMistake() throws {
        try Self.checkBadFile("absent_bad_for.bad.yaml")
    }

    /// Every other diagnostic points at its place; "inhibit names unknown rule" is reported at
    /// 1:1 of the first file loaded, even when the inhibit entry is in another file.
    @Test
    func inhibitNamingAnUnknownRuleIsReportedAtTheName() throws {
        try Self.checkBadFile("inhibit_unknown_rule.bad.yaml")
    }

    /// After "unknown device type 'smok'" the conditions are checked against `type: any`,
    /// so `alarm` and `test` are reported as unknown fields too: one mistake, three errors.
    @Test
    func unknownDeviceTypeDoesNotCascadeIntoFieldErrors() throws {
        try Self.checkBadFile("unknown_device_type_fields.bad.yaml")
    }

    @Test(arguments: RuleFileGolden.files(endingWith: ".good.yaml"))
    func goodFileLoadsWithoutErrors(_ name: String) throws {
        let actual = RuleFileGolden.diagnostics(of: name)
        #expect(!actual.contains { $0.contains(": error: ") }, "\(name):\n\(actual.joined(separator: "\n"))")
        try RuleFileGolden.compare(actual, expectedFile: RuleFileGolden.expectedName(of: name), mustExist: false)
    }

    @Test func everyExpectedFileAndCompanionBelongsToAFixture() {
        let all = Set(RuleFileGolden.allFiles())
        #expect(all.contains { $0.hasSuffix(".bad.yaml") } && all.contains { $0.hasSuffix(".good.yaml") })
        #expect(Self.suspectedBugs.isSubset(of: all))
        for name in all {
            if name.hasSuffix(".expected") {
                let yaml = String(name.dropLast(".expected".count)) + ".yaml"
                #expect(all.contains(yaml), "\(name) has no \(yaml)")
            } else if name.hasSuffix(".companion.yaml") {
                let bad = String(name.dropLast(".companion.yaml".count)) + ".bad.yaml"
                #expect(all.contains(bad), "\(name) has no \(bad)")
            } else {
                #expect(name.hasSuffix(".good.yaml") || name.hasSuffix(".bad.yaml"), "\(name): unknown kind of fixture")
            }
        }
    }

    @Test func shippedCommunityRulesLoadWithoutErrors() {
        var diagnostics = DiagnosticList()
        let path = RuleFileGolden.repositoryRoot.appendingPathComponent("config/rules/community.yaml").path
        let set = RuleFileParser.load(files: [path], catalog: RuleFileGolden.catalog, tiers: Self.tiers, diagnostics: &diagnostics)
        #expect(diagnostics.errors.isEmpty, "\(diagnostics.errors.map(\.description).joined(separator: "\n"))")
        #expect(set.rules.count >= 10)
        #expect(set.rule(id: "device_offline")?.absent == .intervals(3))
        #expect(set.rule(id: "smoke_alarm")?.skill == "fire_safety", "dispatch sends someone trained for a fire")
        #expect(set.rule(id: "fall_or_sos")?.resourceClasses == ["aed", "clinic"])
        #expect(set.rule(id: "door_left_open")?.skill == nil)
        for warning in diagnostics.items where warning.severity == .warning { print("community.yaml: \(warning)") }
    }

    @Test func directoryLoadReadsTheRuleFilesButNotTheTestsSubdirectory() {
        var diagnostics = DiagnosticList()
        let directory = RuleFileGolden.repositoryRoot.appendingPathComponent("config/rules").path
        let set = RuleFileParser.load(directory: directory, catalog: RuleFileGolden.catalog, tiers: Self.tiers, diagnostics: &diagnostics)
        #expect(diagnostics.errors.isEmpty)
        #expect(set.files.allSatisfy { !$0.contains("/tests/") } && set.files.contains { $0.hasSuffix("community.yaml") })
    }

    @Test func goodFileWithEveryFeatureReadsIntoTheRuleSet() throws {
        var diagnostics = DiagnosticList()
        let set = RuleFileParser.load(files: [RuleFileGolden.path("every_feature.good.yaml")], catalog: RuleFileGolden.catalog,
                                      tiers: Self.tiers, diagnostics: &diagnostics)
        #expect(diagnostics.items.isEmpty)
        #expect(set.rules.map(\.id) == ["smoke_alarm", "heart_rate", "door_left_open", "failed_unlocks", "water_night_flow",
                                        "device_offline", "smoke_offline", "low_battery"])
        #expect(set.timeZone.identifier == "Europe/Berlin" && set.gapIntervals == 3)
        #expect(set.attributes == ["hr_low": .number(45), "hr_high": .number(120), "door_open_max": .duration(600),
                                   "battery_low": .number(20), "site_label": .string("north wing"), "strict": .bool(true)])
        #expect(set.communityAttributes == ["demo": ["hr_high": .number(125)]])
        #expect(set.buildingAttributes == ["b01": ["door_open_max": .duration(900)]])
        #expect(set.deviceAttributes == ["wb-b01-0101": ["hr_high": .number(130), "hr_low": .number(40)]])
        #expect(set.inhibitions == [InhibitRule(source: "device_offline", targets: ["low_battery", "heart_rate"], equal: ["device"]),
                                    InhibitRule(source: "smoke_alarm", targets: ["door_left_open"], equal: ["building"])])

        let smoke = try #require(set.rule(id: "smoke_alarm"))
        #expect(smoke.match.communities == ["demo"] && smoke.match.buildings == ["b01", "b02"])
        #expect(smoke.clear == .manual && smoke.respondWithinSeconds == 300 && smoke.resolveWithinSeconds == 3600)
        #expect(smoke.category == "fire" && smoke.title == "Smoke alarm" && smoke.line == 27)

        let heart = try #require(set.rule(id: "heart_rate"))
        #expect(heart.require != nil && heart.holdSeconds == 120 && heart.clear == .condition(holdMs: 60_000) && heart.clearWhen != nil)
        #expect(heart.title == "heart rate" && heart.category == "wristband")

        let door = try #require(set.rule(id: "door_left_open"))
        #expect(door.holdSeconds == 600, "for: attr.NAME takes the declared default")
        #expect(door.match.devices == ["door-b01-0101"] && door.when?.style == .singleQuoted)

        let unlocks = try #require(set.rule(id: "failed_unlocks"))
        #expect(unlocks.count == RuleTiming.Count(atLeast: 5, withinMs: 600_000) && unlocks.clear == .quiet(1_800_000))
        let schedule = try #require(unlocks.active)
        #expect(schedule.fromMinute == 22 * 60 && schedule.toMinute == 6 * 60 && schedule.weekdays == [6, 7])
        #expect(schedule.timeZone.identifier == "Asia/Shanghai")
        #expect(set.rule(id: "water_night_flow")?.active?.timeZone.identifier == "Europe/Berlin", "active: falls back to defaults.timezone")

        #expect(set.rule(id: "device_offline")?.match.type == nil)
        #expect(set.rule(id: "smoke_offline")?.absent == .seconds(7200) && set.rule(id: "smoke_offline")?.clear == .manual)
    }
}

/// Finding, loading and rendering the golden rule files.
enum RuleFileGolden {
    /// Three levels up from `Tests/RulesTests/RuleFileParserTests.swift`.
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/rulefiles").path
    static let updating = ProcessInfo.processInfo.environment["GRIDWATCH_UPDATE_GOLDEN"] == "1"

    /// The real device types of `devices/`.
    static let catalog: DeviceTypeCatalog = {
        var diagnostics = DiagnosticList()
        let catalog = DeviceTypeCatalog.load(directory: repositoryRoot.appendingPathComponent("devices").path, diagnostics: &diagnostics)
        precondition(!diagnostics.hasErrors, "devices/: \(diagnostics.items)")
        return catalog
    }()

    static func path(_ name: String) -> String { (directory as NSString).appendingPathComponent(name) }

    static func allFiles() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
    }

    static func files(endingWith suffix: String) -> [String] { allFiles().filter { $0.hasSuffix(suffix) } }

    /// `x.bad.yaml` -> `x.bad.expected`.
    static func expectedName(of name: String) -> String {
        String(name.dropLast(".yaml".count)) + ".expected"
    }

    /// The files one test loads: the companions of a bad file first, then the file itself.
    static func filesToLoad(for name: String) -> [String] {
        var stem = name
        for suffix in [".bad.yaml", ".good.yaml"] where stem.hasSuffix(suffix) { stem = String(stem.dropLast(suffix.count)) }
        let companions = allFiles().filter { $0.hasPrefix(stem + ".") && $0.hasSuffix(".companion.yaml") }
        return (companions + [name]).map(path)
    }

    /// The diagnostics of loading fixture `name`, rendered as in the expected files.
    static func diagnostics(of name: String) -> [String] {
        var diagnostics = DiagnosticList()
        _ = RuleFileParser.load(files: filesToLoad(for: name), catalog: catalog, tiers: RuleFileParserTests.tiers, diagnostics: &diagnostics)
        return render(diagnostics.items, mainFile: path(name))
    }

    static func render(_ diagnostics: [Diagnostic], mainFile: String) -> [String] {
        let prefix = directory + "/"
        return diagnostics.map { diagnostic in
            let place = diagnostic.file == mainFile ? "" : diagnostic.file.replacingOccurrences(of: prefix, with: "") + ":"
            let message = diagnostic.message.replacingOccurrences(of: prefix, with: "")
            return "\(place)\(diagnostic.line):\(diagnostic.column): \(diagnostic.severity.rawValue): \(message)"
        }
    }

    /// Compares with the expected file, or rewrites it under `GRIDWATCH_UPDATE_GOLDEN=1`.
    static func compare(_ actual: [String], expectedFile: String, mustExist: Bool) throws {
        let file = path(expectedFile)
        if updating {
            if actual.isEmpty && !mustExist {
                try? FileManager.default.removeItem(atPath: file)
            } else {
                // Not atomically: a temporary file would show up in the folder listing other tests read.
                try (actual.joined(separator: "\n") + "\n").write(toFile: file, atomically: false, encoding: .utf8)
            }
            return
        }
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
            if mustExist { Issue.record("missing \(expectedFile); run with GRIDWATCH_UPDATE_GOLDEN=1 to create it") }
            #expect(actual.isEmpty, "diagnostics but no \(expectedFile):\n\(actual.joined(separator: "\n"))")
            return
        }
        let expected = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).filter { !$0.isEmpty }
        #expect(actual == expected, """
            \(expectedFile) differs (GRIDWATCH_UPDATE_GOLDEN=1 rewrites it)
            expected:
            \(expected.joined(separator: "\n"))
            actual:
            \(actual.joined(separator: "\n"))
            """)
    }
}
