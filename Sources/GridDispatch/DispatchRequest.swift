import Foundation

/// The `dispatch.*` settings (`max_distance`, `arrival_radius` ...; the configuration
/// loader reads them); each default is the service standard's figure.
public struct DispatchSettings: Sendable, Hashable {
    /// The "matching resources within 3 km" radius, for people and resources alike.
    public var maxDistanceMetres: Double
    /// A live position older than this no longer counts; the base position is used instead.
    public var positionFreshnessMs: Int64
    /// How close the assignee must come to the ticket's location to have arrived.
    public var arrivalRadiusMetres: Double
    /// How many resources of each class a ticket lists.
    public var resourcesPerClass: Int
    /// How many ranked candidates a decision records, to keep tickets small in big rosters.
    public var candidateLimit: Int

    public init(maxDistanceMetres: Double = 3000, positionFreshnessMs: Int64 = 5 * 60_000, arrivalRadiusMetres: Double = 50,
                resourcesPerClass: Int = 1, candidateLimit: Int = 10) {
        self.maxDistanceMetres = maxDistanceMetres
        self.positionFreshnessMs = positionFreshnessMs
        self.arrivalRadiusMetres = arrivalRadiusMetres
        self.resourcesPerClass = resourcesPerClass
        self.candidateLimit = candidateLimit
    }
}

/// What one dispatch is about: the ticket's place and need. Made when a ticket opens and
/// again at a level-3 transfer, a decline with a reason, or an acknowledgement timeout.
public struct DispatchRequest: Sendable, Hashable {
    /// The ticket's grid (from the inventory), preferred over distance.
    public var grid: String?
    /// Where the help is needed; without it nobody can be measured, so only the grid decides.
    public var location: GeoPoint?
    /// Nil (or empty): anyone on duty may go.
    public var requiredSkill: String?
    /// People who declined this ticket (and, on a re-dispatch after an acknowledgement
    /// timeout, whoever let it lapse): never chosen again for it.
    public var declinedBy: Set<String>
    /// Resource classes the ticket names (e.g. `aed`, `clinic`), listed nearest first.
    public var resourceClasses: [String]
    public var settings: DispatchSettings

    public init(grid: String? = nil, location: GeoPoint?, requiredSkill: String? = nil, declinedBy: Set<String> = [],
                resourceClasses: [String] = [], settings: DispatchSettings = DispatchSettings()) {
        self.grid = grid
        self.location = location
        self.requiredSkill = requiredSkill
        self.declinedBy = declinedBy
        self.resourceClasses = resourceClasses
        self.settings = settings
    }

    /// The skill that filters, with an empty text meaning none.
    var skill: String? { requiredSkill.flatMap { $0.isEmpty ? nil : $0 } }
    var ticketGrid: String? { grid.flatMap { $0.isEmpty ? nil : $0 } }
}
