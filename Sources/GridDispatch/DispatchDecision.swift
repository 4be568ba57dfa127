import Foundation

/// The outcome of one dispatch, as the ticket's `dispatch` object records it:
/// `{"assignee", "distance_m", "reason", "candidates": [{"id", "distance_m"}],
/// "resources": [{"id", "class", "distance_m"}]}`. "Nobody available" is a decision too:
/// `assignee` null with the reason, and the ticket stays with its team.
public struct DispatchDecision: Sendable, Hashable, Codable {
    /// One person considered, in rank order (the first is the assignee).
    public struct Candidate: Sendable, Hashable, Codable {
        public var id: String
        /// Nil when the ticket has no location to measure from.
        public var distanceMetres: Int?

        public init(id: String, distanceMetres: Int?) {
            self.id = id
            self.distanceMetres = distanceMetres
        }

        /// The contract's snake_case names (`distance_m`).
        enum CodingKeys: String, CodingKey {
            case id
            case distanceMetres = "distance_m"
        }

        public func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(distanceMetres, forKey: .distanceMetres)
        }
    }

    public var assignee: String?
    public var distanceMetres: Int?
    /// Why, in words a dispatcher can check: "same grid G3, nearest on duty 420 m (live position)".
    public var reason: String
    public var candidates: [Candidate]
    public var resources: [ResourceMatch]

    public init(assignee: String?, distanceMetres: Int?, reason: String, candidates: [Candidate], resources: [ResourceMatch]) {
        self.assignee = assignee
        self.distanceMetres = distanceMetres
        self.reason = reason
        self.candidates = candidates
        self.resources = resources
    }

    /// Nobody chosen: the ticket stays with its team, and the reason says why.
    public var nobodyAvailable: Bool { assignee == nil }

    /// The contract's snake_case names (`distance_m`).
    enum CodingKeys: String, CodingKey {
        case assignee
        case distanceMetres = "distance_m"
        case reason, candidates, resources
    }

    // Written by hand so that `assignee` and `distance_m` appear as null rather than vanish:
    // the contract's object always has the same keys.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(assignee, forKey: .assignee)
        try container.encode(distanceMetres, forKey: .distanceMetres)
        try container.encode(reason, forKey: .reason)
        try container.encode(candidates, forKey: .candidates)
        try container.encode(resources, forKey: .resources)
    }
}
