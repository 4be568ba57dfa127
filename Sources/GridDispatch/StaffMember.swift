/// One person who can be sent to a ticket: the roster's row.
public struct StaffMember: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    public var team: String
    /// The grids (网格) this person looks after; dispatch prefers them for a ticket there.
    public var grids: [String]
    public var skills: [String]
    public var phone: String
    /// Where the person starts from when no recent live position is known.
    public var base: GeoPoint

    public init(id: String, name: String, team: String, grids: [String] = [], skills: [String] = [], phone: String = "",
                base: GeoPoint) {
        self.id = id
        self.name = name
        self.team = team
        self.grids = grids
        self.skills = skills
        self.phone = phone
        self.base = base
    }

    public func hasSkill(_ skill: String) -> Bool { skills.contains(skill) }
    public func covers(grid: String) -> Bool { grids.contains(grid) }
}
