import Devices
import Formats
import Foundation
import Yams

/// Reading `config/catalogue.yaml`: every mistake at its line and column, all at once; an item
/// with a mistake is left out, the rest are kept.
///
///     classes:
///       - id: elderly_care
///         title: {zh: 养老服务, en: Elderly care}
///         items:
///           - {id: fall_or_sos, tier: emergency, team: grid, skill: elderly_care,
///              title: {zh: 跌倒或紧急呼叫, en: Fall or emergency call}}
extension DemandCatalogue {
    public static func load(path: String, tiers: Set<String>, diagnostics: inout DiagnosticList) -> DemandCatalogue {
        parse(YAMLSource.load(path: path, into: &diagnostics), tiers: tiers, diagnostics: &diagnostics)
    }

    public static func parse(_ text: String, path: String, tiers: Set<String>, diagnostics: inout DiagnosticList) -> DemandCatalogue {
        parse(YAMLSource.parse(text, path: path, into: &diagnostics), tiers: tiers, diagnostics: &diagnostics)
    }

    static func parse(_ source: YAMLSource, tiers: Set<String>, diagnostics: inout DiagnosticList) -> DemandCatalogue {
        guard let root = source.root, let top = YAMLMapping(root, in: source, what: "the catalogue", diagnostics: &diagnostics) else {
            return DemandCatalogue()
        }
        top.rejectUnknownKeys(["classes"], what: "the catalogue", diagnostics: &diagnostics)
        guard let list = top.require("classes", what: "the catalogue", diagnostics: &diagnostics) else { return DemandCatalogue() }
        guard let entries = list.sequence else {
            diagnostics.append(source.diagnostic(at: list, "'classes' must be a list of {id, title, items}"))
            return DemandCatalogue()
        }
        var reader = Reader(source: source, tiers: tiers)
        let classes = entries.compactMap { reader.demandClass($0, diagnostics: &diagnostics) }
        return DemandCatalogue(classes: classes)
    }

    /// Reads one file, remembering the ids seen so a duplicate is reported where it repeats.
    /// Public for other files in the same style (the indicators), which share its ids and titles.
    public struct Reader {
        let source: YAMLSource
        let tiers: Set<String>
        var classLines: [String: Int] = [:]
        var itemLines: [String: Int] = [:]

        public init(source: YAMLSource, tiers: Set<String>) {
            self.source = source
            self.tiers = tiers
        }

        mutating func demandClass(_ node: Node, diagnostics: inout DiagnosticList) -> DemandClass? {
            guard let map = YAMLMapping(node, in: source, what: "a class", diagnostics: &diagnostics) else { return nil }
            map.rejectUnknownKeys(["id", "title", "items"], what: "a class", diagnostics: &diagnostics)
            let id = identifier(map, what: "a class", seen: &classLines, kind: "class", diagnostics: &diagnostics)
            let title = self.title(map, what: "class", diagnostics: &diagnostics)
            var items: [Item] = []
            if let list = map.require("items", what: "a class", diagnostics: &diagnostics) {
                if let entries = list.sequence, !entries.isEmpty {
                    items = entries.compactMap { item($0, classID: id ?? "", diagnostics: &diagnostics) }
                } else {
                    diagnostics.append(source.diagnostic(at: list, "'items' must be a non-empty list of {id, tier, team, skill, title}"))
                }
            }
            guard let id, let title else { return nil }
            return DemandClass(id: id, title: title, items: items)
        }

        mutating func item(_ node: Node, classID: String, diagnostics: inout DiagnosticList) -> Item? {
            guard let map = YAMLMapping(node, in: source, what: "an item", diagnostics: &diagnostics) else { return nil }
            let before = diagnostics.errors.count
            map.rejectUnknownKeys(["id", "tier", "team", "skill", "title", "complaint"], what: "an item", diagnostics: &diagnostics)
            let id = identifier(map, what: "an item", seen: &itemLines, kind: "item", diagnostics: &diagnostics)
            let tier = map.require("tier", what: "an item", diagnostics: &diagnostics).flatMap { _ in map.string("tier", diagnostics: &diagnostics) }
            if let tier, !tiers.contains(tier) {
                diagnostics.append(source.diagnostic(at: map["tier"], "unknown tier '\(tier)' (tiers: \(tiers.sorted().joined(separator: ", ")))"))
            }
            let team = map.string("team", diagnostics: &diagnostics).flatMap { $0.isEmpty ? nil : $0 }
            let skill = map.string("skill", diagnostics: &diagnostics).flatMap { $0.isEmpty ? nil : $0 }
            let title = self.title(map, what: "item", diagnostics: &diagnostics)
            let complaint = map.bool("complaint", diagnostics: &diagnostics) ?? false
            guard diagnostics.errors.count == before, let id, let tier, let title else { return nil }
            return Item(id: id, classID: classID, tier: tier, team: team, skill: skill, title: title, complaint: complaint,
                        line: node.mark?.line ?? 1, column: node.mark?.column ?? 1)
        }

        /// The `id`: required, one word (it becomes a topic-safe key and a report row), unique.
        public func identifier(_ map: YAMLMapping, what: String, seen: inout [String: Int], kind: String,
                        diagnostics: inout DiagnosticList) -> String? {
            guard map.require("id", what: what, diagnostics: &diagnostics) != nil, let id = map.string("id", diagnostics: &diagnostics) else { return nil }
            guard id.range(of: "^[a-z0-9][a-z0-9_]*$", options: .regularExpression) != nil else {
                diagnostics.append(source.diagnostic(at: map["id"], "\(kind) id '\(id)' must be lower-case letters, digits and '_'"))
                return nil
            }
            let line = map["id"]?.mark?.line ?? 1
            if let earlier = seen[id] {
                diagnostics.append(source.diagnostic(at: map["id"], "\(kind) '\(id)' is already defined on line \(earlier)"))
                return nil
            }
            seen[id] = line
            return id
        }

        /// `title: {zh: ..., en: ...}`, both required and not empty.
        public func title(_ map: YAMLMapping, what: String, diagnostics: inout DiagnosticList) -> LocalizedTitle? {
            guard let node = map.require("title", what: "a \(what)", diagnostics: &diagnostics),
                  let title = YAMLMapping(node, in: source, what: "'title' ({zh, en})", diagnostics: &diagnostics) else { return nil }
            title.rejectUnknownKeys(["zh", "en"], what: "'title'", diagnostics: &diagnostics)
            var texts: [String] = []
            for language in ["zh", "en"] {
                guard title.require(language, what: "'title'", diagnostics: &diagnostics) != nil,
                      let text = title.string(language, diagnostics: &diagnostics) else { continue }
                if text.trimmingCharacters(in: .whitespaces).isEmpty {
                    diagnostics.append(source.diagnostic(at: title[language], "the \(language) title must not be empty"))
                    continue
                }
                texts.append(text)
            }
            return texts.count == 2 ? LocalizedTitle(zh: texts[0], en: texts[1]) : nil
        }
    }
}
