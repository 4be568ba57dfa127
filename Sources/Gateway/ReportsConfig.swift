import Formats
import Foundation
import Indicators
import Yams

/// The `reports:` section: which finished periods are written, where, in which formats, and
/// how often the gateway looks (and samples the day's device health).
/// ```yaml
/// reports:
///   folder: ../data/reports        # default: `reports` next to the database
///   periods: [month, quarter, year]
///   formats: [json, csv, text, xlsx]  # any of ReportFormat.known
///   language: zh                   # of the text page
///   check_interval: 1m             # how late after midnight a period is published, at most
///   enabled: true                  # false: nothing written, announced or alarmed (health is still sampled)
/// ```
public struct ReportsConfig: Sendable {
    public var enabled = true
    /// nil: `reports` beside the database file.
    public var folder: String?
    public var periods: [ReportPeriod.Kind] = [.month, .quarter, .year]
    public var formats: [String] = ["json", "csv", "text", "xlsx"]
    public var language = "zh"
    public var checkIntervalSeconds: Double = 60
    /// How often today's device health is sampled: the day keeps its latest sample.
    public var sampleIntervalSeconds: Double = 3600

    public init() {}

    static let keys: Set<String> = ["enabled", "folder", "periods", "formats", "language", "check_interval", "sample_interval"]

    /// Reads the section; `resolve` makes a relative folder relative to the configuration file.
    mutating func read(_ section: YAMLMapping, resolve: (String) -> String, diagnostics: inout DiagnosticList) {
        let source = section.source
        section.rejectUnknownKeys(Self.keys, what: "'reports'", diagnostics: &diagnostics)
        if let value = section.bool("enabled", diagnostics: &diagnostics) { enabled = value }
        if let value = section.string("folder", diagnostics: &diagnostics) {
            if value.trimmingCharacters(in: .whitespaces).isEmpty {
                diagnostics.append(source.diagnostic(at: section["folder"], "'folder' must name a directory"))
            } else {
                folder = resolve(value)
            }
        }
        if let kinds = Self.names(section, "periods", known: ReportPeriod.Kind.allCases.map(\.rawValue), diagnostics: &diagnostics) {
            periods = kinds.compactMap(ReportPeriod.Kind.init(rawValue:))
        }
        if let names = Self.names(section, "formats", known: ReportFormat.known.map(\.name), diagnostics: &diagnostics) { formats = names }
        if let value = section.string("language", diagnostics: &diagnostics) {
            if ["zh", "en"].contains(value) { language = value } else {
                diagnostics.append(source.diagnostic(at: section["language"], "'language' must be zh or en"))
            }
        }
        for (key, minimum) in [("check_interval", 1.0), ("sample_interval", 60.0)] {
            guard let value = section.duration(key, diagnostics: &diagnostics) else { continue }
            guard value >= minimum, value <= 86_400 else {
                diagnostics.append(source.diagnostic(at: section[key], "'\(key)' must be between \(DurationText.format(minimum)) and 1d"))
                continue
            }
            if key == "check_interval" { checkIntervalSeconds = value } else { sampleIntervalSeconds = value }
        }
    }

    /// A non-empty list of distinct names from `known`, each mistake at its own item.
    static func names(_ section: YAMLMapping, _ key: String, known: [String], diagnostics: inout DiagnosticList) -> [String]? {
        guard let node = section[key] else { return nil }
        guard let items = node.sequence, !items.isEmpty else {
            diagnostics.append(section.source.diagnostic(at: node, "'\(key)' must be a non-empty list of \(known.joined(separator: ", "))"))
            return nil
        }
        var names: [String] = []
        for item in items {
            guard let name = item.string, known.contains(name) else {
                diagnostics.append(section.source.diagnostic(at: item, "unknown \(key.dropLast()) '\(item.string ?? "\(item)")' (known: \(known.joined(separator: ", ")))"))
                continue
            }
            if names.contains(name) {
                diagnostics.append(section.source.diagnostic(at: item, "'\(name)' is listed twice in '\(key)'"))
            } else {
                names.append(name)
            }
        }
        return names
    }
}
