/// Picks the team that works a new ticket from the configuration's routes: the first route
/// whose community, building and category all match wins, else the default team.
public struct TicketRouter: Sendable, Hashable, Codable {
    /// One route; a `nil` field matches anything.
    public struct Route: Sendable, Hashable, Codable {
        public var community: String?
        public var building: String?
        public var category: String?
        public var team: String
        /// The person on duty who gets the ticket straight away, if the route names one.
        public var assignee: String?
        /// The skill its tickets need for dispatch (`plumbing` for repairs), unless the rule names one.
        public var skill: String?

        public init(community: String? = nil, building: String? = nil, category: String? = nil, team: String, assignee: String? = nil,
                    skill: String? = nil) {
            self.community = community
            self.building = building
            self.category = category
            self.team = team
            self.assignee = assignee
            self.skill = skill
        }

        public func matches(community: String, building: String, category: String) -> Bool {
            (self.community.map { $0 == community } ?? true)
                && (self.building.map { $0 == building } ?? true)
                && (self.category.map { $0 == category } ?? true)
        }
    }

    /// In configuration order: authors list specific routes before general ones, as with
    /// firewall rules, which is easier to reason about than "most specific wins".
    public var routes: [Route]
    public var defaultTeam: String

    public init(routes: [Route] = [], defaultTeam: String = "grid") {
        self.routes = routes
        self.defaultTeam = defaultTeam
    }

    public func team(community: String, building: String, category: String) -> String {
        route(community: community, building: building, category: category).team
    }

    /// The team and, when the route names them, the person on duty and the skill needed.
    public func route(community: String, building: String, category: String) -> (team: String, assignee: String?, skill: String?) {
        guard let route = routes.first(where: { $0.matches(community: community, building: building, category: category) }) else {
            return (defaultTeam, nil, nil)
        }
        return (route.team, route.assignee, route.skill)
    }

    /// Configuration problems, one message each: a route that can never match because an
    /// earlier, more general one shadows it.
    public func problems() -> [String] {
        var messages: [String] = []
        for (index, route) in routes.enumerated() {
            if route.team.isEmpty { messages.append("route \(index + 1) has no team") }
            if let earlier = routes[..<index].firstIndex(where: { Self.covers($0, route) }) {
                messages.append("route \(index + 1) (team \(route.team)) is never used: route \(earlier + 1) matches first")
            }
        }
        return messages
    }

    static func covers(_ general: Route, _ specific: Route) -> Bool {
        func covers(_ a: String?, _ b: String?) -> Bool { a == nil || a == b }
        return covers(general.community, specific.community) && covers(general.building, specific.building)
            && covers(general.category, specific.category)
    }
}

/// The chain of command a ticket climbs when overdue (服务超期自动转接上级部门), e.g.
/// grid → community → street_office, from the configuration.
public struct TeamHierarchy: Sendable, Hashable, Codable {
    /// Each team's higher-level team.
    public var parent: [String: String]

    public init(parent: [String: String] = [:]) { self.parent = parent }

    /// One chain, lowest first: `["grid", "community", "street_office"]`.
    public init(chain: [String]) {
        var parent: [String: String] = [:]
        for (lower, upper) in zip(chain, chain.dropFirst()) { parent[lower] = upper }
        self.parent = parent
    }

    /// The team above `team`, or nil at the top (the ticket stays where it is).
    public func above(_ team: String) -> String? { parent[team] }

    /// Teams whose chain loops back on itself: transferring would never end at a top.
    public func cycles() -> [String] {
        parent.keys.sorted().filter { start in
            var seen: Set<String> = [start]
            var current = start
            while let next = parent[current] {
                if seen.contains(next) { return true }
                seen.insert(next)
                current = next
            }
            return false
        }
    }
}
