import Devices
import Foundation

/// Residents' demands in a fixed catalogue (`config/catalogue.yaml`): classes of items, each
/// item with the tier its tickets get, the team that works them, the skill a responder needs,
/// and a Chinese and an English title. Rules and requests name an item; its class becomes the
/// ticket's `category`, so heat maps and reports count by class and item alike.
public struct DemandCatalogue: Sendable, Hashable {
    /// One requestable service or reportable problem.
    public struct Item: Sendable, Hashable {
        public var id: String
        /// The class it belongs to (`elderly_care`, `repairs`, ...).
        public var classID: String
        public var tier: String
        public var team: String?
        public var skill: String?
        public var title: LocalizedTitle
        /// A resident's complaint (投诉): counted in the complaint rate and its timeliness.
        public var complaint = false
        /// Where it is defined, for errors that concern its use (a rule naming it, say).
        public var line: Int
        public var column: Int

        public init(id: String, classID: String, tier: String, team: String? = nil, skill: String? = nil, title: LocalizedTitle,
                    complaint: Bool = false, line: Int = 1, column: Int = 1) {
            self.id = id
            self.classID = classID
            self.tier = tier
            self.team = team
            self.skill = skill
            self.title = title
            self.complaint = complaint
            self.line = line
            self.column = column
        }
    }

    /// One class of demands, with its items in file order.
    public struct DemandClass: Sendable, Hashable {
        public var id: String
        public var title: LocalizedTitle
        public var items: [Item]

        public init(id: String, title: LocalizedTitle, items: [Item]) {
            self.id = id
            self.title = title
            self.items = items
        }
    }

    /// A title in both languages of the dashboard: Chinese first, as the residents read it.
    public struct LocalizedTitle: Sendable, Hashable, Codable {
        public var zh: String
        public var en: String

        public init(zh: String, en: String) {
            self.zh = zh
            self.en = en
        }

        /// The title for a language code (`zh`, `zh-CN`, `en` ...): Chinese unless English is asked for.
        public func text(language: String) -> String { language.lowercased().hasPrefix("en") ? en : zh }
    }

    public private(set) var classes: [DemandClass]
    private var itemsByID: [String: Item]

    public init(classes: [DemandClass] = []) {
        self.classes = classes
        itemsByID = Dictionary(classes.flatMap(\.items).map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    public subscript(itemID: String) -> Item? { itemsByID[itemID] }

    public var items: [Item] { classes.flatMap(\.items) }

    public func demandClass(_ id: String) -> DemandClass? { classes.first { $0.id == id } }

    /// The items that are complaints, for the report's complaint figures.
    public var complaintItems: Set<String> { Set(items.filter(\.complaint).map(\.id)) }
}
