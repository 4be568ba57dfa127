import ArgumentParser
import Devices
import Formats
import Foundation
import Gateway
import Rules

/// `gridwatch rules test FILE...`: rule unit tests in virtual time; `gridwatch rules explain`:
/// why a device's alerts did or did not fire.
struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rules", abstract: "Rule tools.", subcommands: [Test.self, Explain.self])

    struct Test: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run rule unit tests; ends with 'N passed, N failed'.")
        @Option(name: .long, help: "Configuration file (device types and tiers).") var config: String = "config/gridwatch.yaml"
        @Flag(name: .long, help: "Print every alert event of every test.") var verbose = false
        @Argument(help: "Test files (YAML), or directories of them.") var files: [String]

        func run() throws {
            var diagnostics = DiagnosticList()
            let gateway = GatewayConfig.load(path: config, diagnostics: &diagnostics)
            let catalog = DeviceTypeCatalog.load(directory: gateway.deviceTypesPath, diagnostics: &diagnostics)
            if diagnostics.hasErrors { throw CommandFailure(diagnostics.errors.map(\.description).joined(separator: "\n")) }
            var passed = 0
            var failed = 0
            var ruleSets: [[String]: RuleSet] = [:]
            for path in Self.expand(files) {
                var fileDiagnostics = DiagnosticList()
                guard let file = RuleTestFile.load(path: path, diagnostics: &fileDiagnostics) else {
                    for diagnostic in fileDiagnostics.items { print(diagnostic.description) }
                    failed += 1
                    continue
                }
                if ruleSets[file.ruleFiles] == nil {
                    ruleSets[file.ruleFiles] = RuleFileParser.load(files: file.ruleFiles, catalog: catalog, tiers: gateway.tiers, diagnostics: &fileDiagnostics)
                }
                if fileDiagnostics.hasErrors {
                    for diagnostic in fileDiagnostics.errors { print(diagnostic.description) }
                    print("FAIL \(path): its rule files have errors")
                    failed += file.cases.count
                    continue
                }
                for outcome in RuleTestRunner.run(file, ruleSet: ruleSets[file.ruleFiles] ?? RuleSet(), catalog: catalog) {
                    if outcome.passed {
                        passed += 1
                        print("PASS \(path): \(outcome.name)")
                    } else {
                        failed += 1
                        print("FAIL \(path): \(outcome.name)")
                        for failure in outcome.failures { print("  \(failure)") }
                    }
                    if verbose || !outcome.passed {
                        for event in outcome.events {
                            print("    \(RFC3339.format(milliseconds: event.atMs, timeZone: .current)) \(event.kind.rawValue) \(event.ruleID) \(event.deviceID)")
                        }
                    }
                }
            }
            print("\(passed) passed, \(failed) failed")
            if failed > 0 { throw ExitCode(1) }
        }

        static func expand(_ paths: [String]) -> [String] {
            paths.flatMap { path -> [String] in
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else { return [path] }
                return ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [])
                    .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted().map { (path as NSString).appendingPathComponent($0) }
            }
        }
    }
}
