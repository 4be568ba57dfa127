import Devices
import Formats
import Foundation
import Yams

/// Reads rule files into a `RuleSet`, reporting every error in every file with its line and
/// column, type-checked against the device types. Any error rejects the whole set.
public enum RuleFileParser {
    static let topKeys: Set<String> = ["defaults", "attributes", "overrides", "inhibit", "rules"]
    static let ruleKeys: Set<String> = ["id", "match", "require", "when", "for", "count", "absent", "clear", "active", "severity",
                                        "category", "title", "sla", "description", "skill", "resources", "item"]

    /// Loads every `*.yaml` file of `directory` (not its subdirectories: tests live there).
    public static func load(directory: String, catalog: DeviceTypeCatalog, tiers: Set<String>,
                            diagnostics: inout DiagnosticList) -> RuleSet {
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
            .map { (directory as NSString).appendingPathComponent($0) }
        if files.isEmpty {
            diagnostics.append(Diagnostic(file: directory, line: 1, column: 1, severity: .warning, message: "no rule files (*.yaml) found"))
        }
        return load(files: files, catalog: catalog, tiers: tiers, diagnostics: &diagnostics)
    }

    public static func load(files: [String], catalog: DeviceTypeCatalog, tiers: Set<String>,
                            diagnostics: inout DiagnosticList) -> RuleSet {
        var set = RuleSet()
        set.files = files
        var pending: [(YAMLSource, Node)] = []
        var inhibitSites: [(name: String, diagnostic: Diagnostic)] = []
        // Defaults and attributes first, from every file, so rules can use them wherever they are.
        for file in files {
            let source = YAMLSource.load(path: file, into: &diagnostics)
            guard let root = source.root, let top = YAMLMapping(root, in: source, what: "a rule file", diagnostics: &diagnostics) else { continue }
            top.rejectUnknownKeys(topKeys, what: "a rule file", diagnostics: &diagnostics)
            readDefaults(top, into: &set, diagnostics: &diagnostics)
            readAttributes(top, into: &set, diagnostics: &diagnostics)
            if let rules = top["rules"] {
                if let sequence = rules.sequence { pending += sequence.map { (source, $0) } } else {
                    diagnostics.append(source.diagnostic(at: rules, "'rules' must be a list"))
                }
            }
            if let inhibit = top["inhibit"] { readInhibit(inhibit, source: source, into: &set, sites: &inhibitSites, diagnostics: &diagnostics) }
        }
        var seen: [String: String] = [:]
        let context = RuleReadContext(catalog: catalog, tiers: tiers, attributes: set.attributes, timeZone: set.timeZone)
        for (source, node) in pending {
            guard let rule = RuleReader.read(node, source: source, context: context, diagnostics: &diagnostics) else { continue }
            if let earlier = seen[rule.id] {
                diagnostics.append(source.diagnostic(at: node, "rule id '\(rule.id)' is already defined at \(earlier)"))
                continue
            }
            seen[rule.id] = "\(source.path):\(rule.line)"
            set.rules.append(rule)
        }
        for site in inhibitSites where seen[site.name] == nil {
            diagnostics.append(site.diagnostic)
        }
        return set
    }

    private static func readDefaults(_ top: YAMLMapping, into set: inout RuleSet, diagnostics: inout DiagnosticList) {
        guard let defaults = YAMLMapping(top["defaults"], in: top.source, what: "'defaults'", diagnostics: &diagnostics) else { return }
        defaults.rejectUnknownKeys(["timezone", "tolerate_gap"], what: "'defaults'", diagnostics: &diagnostics)
        if let name = defaults.string("timezone", diagnostics: &diagnostics) {
            if let zone = TimeZone(identifier: name) { set.timeZone = zone } else {
                diagnostics.append(top.source.diagnostic(at: defaults["timezone"], "unknown time zone '\(name)'"))
            }
        }
        if let gap = defaults.string("tolerate_gap", diagnostics: &diagnostics) {
            if gap.hasSuffix("x"), let factor = Double(gap.dropLast()), factor >= 1 { set.gapIntervals = factor } else {
                diagnostics.append(top.source.diagnostic(at: defaults["tolerate_gap"], "'tolerate_gap' must be a number of reporting intervals such as 2x"))
            }
        }
    }

    private static func readAttributes(_ top: YAMLMapping, into set: inout RuleSet, diagnostics: inout DiagnosticList) {
        if let attributes = YAMLMapping(top["attributes"], in: top.source, what: "'attributes'", diagnostics: &diagnostics) {
            for (name, keyNode, value) in attributes.entries {
                if set.attributes[name] != nil {
                    diagnostics.append(top.source.diagnostic(at: keyNode, "attribute '\(name)' is already defined"))
                }
                if let parsed = attributeValue(value, source: top.source, diagnostics: &diagnostics) { set.attributes[name] = parsed }
            }
        }
        guard let overrides = YAMLMapping(top["overrides"], in: top.source, what: "'overrides'", diagnostics: &diagnostics) else { return }
        overrides.rejectUnknownKeys(["communities", "buildings", "devices"], what: "'overrides'", diagnostics: &diagnostics)
        for level in ["communities", "buildings", "devices"] {
            guard let scopes = YAMLMapping(overrides[level], in: top.source, what: "'\(level)'", diagnostics: &diagnostics) else { continue }
            for (scope, _, values) in scopes.entries {
                guard let map = YAMLMapping(values, in: top.source, what: "overrides of '\(scope)'", diagnostics: &diagnostics) else { continue }
                var parsed: [String: RuleSet.AttributeValue] = [:]
                for (name, keyNode, value) in map.entries {
                    guard let declared = set.attributes[name] else {
                        diagnostics.append(top.source.diagnostic(at: keyNode, "override of undeclared attribute '\(name)' (declare it under 'attributes' first)"))
                        continue
                    }
                    guard let attribute = attributeValue(value, source: top.source, diagnostics: &diagnostics) else { continue }
                    if Self.kind(attribute) != Self.kind(declared) {
                        diagnostics.append(top.source.diagnostic(at: value, "'\(name)' is declared as a \(Self.kind(declared)), not a \(Self.kind(attribute))"))
                        continue
                    }
                    parsed[name] = attribute
                }
                switch level {
                case "communities": set.communityAttributes[scope, default: [:]].merge(parsed) { _, new in new }
                case "buildings": set.buildingAttributes[scope, default: [:]].merge(parsed) { _, new in new }
                default: set.deviceAttributes[scope, default: [:]].merge(parsed) { _, new in new }
                }
            }
        }
    }

    static func kind(_ value: RuleSet.AttributeValue) -> String {
        switch value {
        case .number: "number"
        case .duration: "duration"
        case .string: "string"
        case .bool: "bool"
        }
    }

    static func attributeValue(_ node: Node, source: YAMLSource, diagnostics: inout DiagnosticList) -> RuleSet.AttributeValue? {
        guard let scalar = node.scalar else {
            diagnostics.append(source.diagnostic(at: node, "an attribute must be a number, a duration, a string or true/false"))
            return nil
        }
        if scalar.style == .plain {
            if let bool = node.bool { return .bool(bool) }
            if let number = node.float ?? node.int.map(Double.init) { return .number(number) }
            if let seconds = DurationText.seconds(scalar.string), scalar.string.contains(where: \.isLetter) { return .duration(seconds) }
        }
        return .string(scalar.string)
    }

    private static func readInhibit(_ node: Node, source: YAMLSource, into set: inout RuleSet, sites: inout [(name: String, diagnostic: Diagnostic)],
                                    diagnostics: inout DiagnosticList) {
        guard let items = node.sequence else {
            diagnostics.append(source.diagnostic(at: node, "'inhibit' must be a list"))
            return
        }
        for item in items {
            guard let map = YAMLMapping(item, in: source, what: "an inhibit entry", diagnostics: &diagnostics) else { continue }
            map.rejectUnknownKeys(["source", "targets", "equal"], what: "an inhibit entry", diagnostics: &diagnostics)
            let equal = map.stringList("equal", diagnostics: &diagnostics) ?? ["device"]
            for label in equal where !["device", "building", "community"].contains(label) {
                diagnostics.append(source.diagnostic(at: map["equal"], "'equal' may name device, building or community, not '\(label)'"))
            }
            guard map.require("source", what: "an inhibit entry", diagnostics: &diagnostics) != nil,
                  map.require("targets", what: "an inhibit entry", diagnostics: &diagnostics) != nil,
                  let sourceRule = map.string("source", diagnostics: &diagnostics),
                  let targets = map.stringList("targets", diagnostics: &diagnostics) else { continue }
            set.inhibitions.append(InhibitRule(source: sourceRule, targets: Set(targets), equal: equal))
            // Rule names are checked once every file is read; remember where each was written.
            sites.append((sourceRule, source.diagnostic(at: map["source"], "inhibit names unknown rule '\(sourceRule)'")))
            let targetNodes = map["targets"]?.sequence.map(Array.init) ?? []
            for (index, target) in targets.enumerated() {
                let node = index < targetNodes.count ? targetNodes[index] : map["targets"]
                sites.append((target, source.diagnostic(at: node, "inhibit names unknown rule '\(target)'")))
            }
        }
    }
}

/// What a rule reader needs to know beyond the rule itself.
struct RuleReadContext {
    var catalog: DeviceTypeCatalog
    var tiers: Set<String>
    var attributes: [String: RuleSet.AttributeValue]
    var timeZone: TimeZone
}
