import ArgumentParser
import Devices
import Formats
import Foundation
import Gateway
import Rules

extension RulesCommand {
    /// `gridwatch rules explain --device D`: why each rule watching a device did or did not
    /// fire, from the database, the live gateway (`--api`) or a capture (`--input`).
    struct Explain: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Explain why a device's alerts did or did not fire, condition by condition.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var remote: RemoteOptions
        @Option(help: "Device id.") var device: String
        @Option(help: "Only this rule (default: every rule watching the device).") var rule: String?
        @Option(help: "The instant to explain, RFC 3339 (default: now; with --input, the capture's last line).") var at: String?
        @Option(help: "Capture file (JSON lines, as `simulate --output` writes), replayed in virtual time up to --at.") var input: String?
        @Option(help: "How much stored history to replay before --at (a duration such as 24h, 3d).") var history: String = "24h"
        @Option(help: "text or json (one object per line).") var format: OutputFormat = .text

        func run() throws {
            let atMs = try at.map { text -> Int64 in
                guard let parsed = RFC3339.parseMilliseconds(text) else { throw ValidationError("--at must be RFC 3339, e.g. 2026-01-05T22:00:00+08:00") }
                return parsed
            }
            if remote.api != nil {
                guard input == nil, store.db == nil, store.store == nil else { throw ValidationError("--api cannot be combined with --input, --db or --store") }
                return try explainRemotely(atMs: atMs)
            }
            guard let historySeconds = DurationText.seconds(history), historySeconds > 0 else { throw ValidationError("--history must be a duration such as 24h") }
            let setup = GatewaySetup.load(configPath: store.configPath ?? "config/gridwatch.yaml")
            if setup.hasErrors { throw CommandFailure(setup.diagnostics.filter { $0.severity == .error }.map(\.description).joined(separator: "\n")) }
            let explainer = RuleExplainer(rules: setup.rules, catalog: setup.catalog, inventory: setup.inventory, historyMs: Int64(historySeconds * 1000))
            let explanations: [RuleExplanation]
            do {
                if let input {
                    guard let data = FileManager.default.contents(atPath: input) else { throw CommandFailure("cannot read \(input)") }
                    explanations = try explainer.fromCapture([UInt8](data), decoder: try setup.makeDecoder(), autoRegister: setup.config.autoRegister,
                                                             device: device, rule: rule, atMs: atMs)
                } else {
                    let now = Int64(Date().timeIntervalSince1970 * 1000)
                    explanations = try explainer.fromStore(try store.openDatabase(), device: device, rule: rule, atMs: atMs ?? now)
                }
            } catch let error as RuleEngine.ExplainError {
                throw CommandFailure(error.description)
            } catch let error as RuleExplainFailure {
                throw CommandFailure(error.description)
            }
            switch format {
            case .text: print(explanations.map { $0.text(timeZone: .current) }.joined(separator: "\n\n"))
            case .json: for explanation in explanations { print(explanation.json(timeZone: .current).jsonText) }
            }
        }

        /// Asks the running gateway, which explains from its engine's own state.
        private func explainRemotely(atMs: Int64?) throws {
            guard let client = try remote.client() else { return }
            var query = [("device", device)]
            if let rule { query.append(("rule", rule)) }
            if let atMs { query.append(("at", RFC3339.format(milliseconds: atMs, timeZone: .current))) }
            // `+` of a time zone offset must be escaped: a query reads it as a space.
            let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~:"))
            let path = "/api/v1/rules/explain?" + query.map { "\($0)=\($1.addingPercentEncoding(withAllowedCharacters: allowed) ?? $1)" }.joined(separator: "&")
            guard case let .object(answer) = try client.get(path) else { throw CommandFailure("the API's answer is not an object") }
            switch format {
            case .text:
                if case let .string(text)? = answer["text"] { print(text) }
            case .json:
                if case let .array(items)? = answer["explanations"] { for item in items { print(item.jsonText) } }
            }
        }
    }
}
