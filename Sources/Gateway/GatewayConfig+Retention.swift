import Devices
import Formats
import Foundation
import Storage

extension GatewayConfig {
    mutating func readRetention(_ section: YAMLMapping, diagnostics: inout DiagnosticList) {
        let source = section.source
        section.rejectUnknownKeys(["raw", "types", "personal", "rollup_5m", "rollup_1h", "step_rows", "write_rows", "fold_rows", "interval"], what: "'retention'",
                                  diagnostics: &diagnostics)
        func period(_ key: String, in map: YAMLMapping, allowForever: Bool = false) -> Double?? {
            guard let node = map[key] else { return .none }
            if allowForever, node.string == "forever" { return .some(nil) }
            guard let text = node.string, let seconds = DurationText.seconds(text), seconds >= 3600 else {
                let forever = allowForever ? " or 'forever'" : ""
                diagnostics.append(source.diagnostic(at: node, "'\(key)' must be a duration of at least 1h, such as 30d or 90d\(forever)"))
                return .none
            }
            return .some(seconds)
        }
        if case let value?? = period("raw", in: section) { retention.rawSeconds = value }
        if case let value?? = period("personal", in: section) { retention.personalSeconds = value }
        if case let value? = period("rollup_5m", in: section, allowForever: true) { retention.rollup5mSeconds = value }
        if case let value? = period("rollup_1h", in: section, allowForever: true) { retention.rollup1hSeconds = value }
        if let types = YAMLMapping(section["types"], in: source, what: "'types'", diagnostics: &diagnostics) {
            for (type, keyNode, _) in types.entries {
                guard case let value?? = period(type, in: types) else { continue }
                retention.rawSecondsByType[type] = value
                retention.typePositions[type] = source.diagnostic(at: keyNode, "")
            }
        }
        if let value = section.int("step_rows", in: 100...100_000, diagnostics: &diagnostics) { retention.stepRows = value }
        if let value = section.int("write_rows", in: 100...100_000, diagnostics: &diagnostics) { retention.writeRows = value }
        if let value = section.int("fold_rows", in: 100...100_000, diagnostics: &diagnostics) { retention.foldRows = value }
        if let value = section.duration("interval", diagnostics: &diagnostics) {
            if value >= 1 { retention.intervalSeconds = value } else {
                diagnostics.append(source.diagnostic(at: section["interval"], "'interval' must be at least 1s"))
            }
        }
        // Personal fields outlive the raw readings that hold them only in name: the payloads are
        // gone with the raw period. Worth a warning, not a refusal.
        let shortestRaw = ([retention.rawSeconds] + retention.rawSecondsByType.values).min() ?? retention.rawSeconds
        if retention.personalSeconds > shortestRaw {
            diagnostics.append(source.diagnostic(at: section["personal"] ?? section.node,
                                                 "'personal' (\(DurationText.format(retention.personalSeconds))) is longer than a raw period (\(DurationText.format(shortestRaw))): payloads go with the raw period, personal roll-ups are kept for 'personal'",
                                                 severity: .warning))
        }
    }
}
