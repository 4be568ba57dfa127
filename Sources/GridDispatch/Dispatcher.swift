import Foundation

/// Chooses who goes to a ticket. Pure: the same request, staff and `nowMs` always give the
/// same decision, so `run` and `replay` agree and a decision can be re-checked later.
///
/// Among people on duty, with the skill, who have not declined the ticket, and within
/// `maxDistanceMetres` of its location: the ticket's grid first, then the nearest (whole
/// metres, from a fresh live position or else the base), then the fewest active tickets,
/// then the id.
public struct Dispatcher: Sendable {
    public var resources: ServiceResources

    public init(resources: ServiceResources = ServiceResources()) {
        self.resources = resources
    }

    /// One person still in the running, measured.
    struct Ranked {
        var state: StaffState
        var sameGrid: Bool
        var distanceMetres: Double?
        var source: PositionSource?

        var id: String { state.member.id }
        var wholeMetres: Int? { distanceMetres.map { Int($0.rounded()) } }

        /// Sorts before `other`: grid, then distance, then load, then id. Distances compare in
        /// whole metres so that two people at the same base tie and load decides.
        func ranks(before other: Ranked) -> Bool {
            let left = (sameGrid ? 0 : 1, wholeMetres ?? 0, state.activeTickets)
            let right = (other.sameGrid ? 0 : 1, other.wholeMetres ?? 0, other.state.activeTickets)
            return left != right ? left < right : id < other.id
        }
    }

    /// How many people each filter left, for the reason when nobody remains.
    struct Funnel {
        var onDuty: Int
        var skilled: Int
        var willing: Int
    }

    public func choose(for request: DispatchRequest, staff: [StaffState], nowMs: Int64) -> DispatchDecision {
        var seen: Set<String> = []
        let unique = staff.filter { seen.insert($0.member.id).inserted }
        let onDuty = unique.filter(\.onDuty)
        let skilled = onDuty.filter { state in request.skill.map(state.member.hasSkill) ?? true }
        let willing = skilled.filter { !request.declinedBy.contains($0.member.id) }
        let funnel = Funnel(onDuty: onDuty.count, skilled: skilled.count, willing: willing.count)

        guard let location = request.location else { return chooseWithoutLocation(request, willing: willing, funnel: funnel) }
        let settings = request.settings
        let measured = willing.map { state in
            let (point, source) = state.position(nowMs: nowMs, freshnessMs: settings.positionFreshnessMs)
            return Ranked(state: state, sameGrid: request.ticketGrid.map(state.member.covers) ?? false,
                          distanceMetres: point.distanceMetres(to: location), source: source)
        }
        let inReach = measured.filter { ($0.distanceMetres ?? 0) <= settings.maxDistanceMetres }.sorted { $0.ranks(before: $1) }
        let nearby = resources.nearest(classes: request.resourceClasses, to: location,
                                       maxDistanceMetres: settings.maxDistanceMetres, perClass: settings.resourcesPerClass)
        let candidates = inReach.prefix(max(settings.candidateLimit, 1)).map { Self.candidate($0) }
        guard let best = inReach.first else {
            let nearestOutside = measured.min { ($0.distanceMetres ?? 0, $0.id) < ($1.distanceMetres ?? 0, $1.id) }
            return DispatchDecision(assignee: nil, distanceMetres: nil,
                                    reason: Self.nobodyReason(request, funnel: funnel, nearestOutside: nearestOutside),
                                    candidates: [], resources: nearby)
        }
        let runnerUp = inReach.dropFirst().first
        return DispatchDecision(assignee: best.id, distanceMetres: best.wholeMetres,
                                reason: Self.chosenReason(request, best: best, runnerUp: runnerUp),
                                candidates: Array(candidates), resources: nearby)
    }

    /// No location, so no distance can be checked against the radius: only someone who
    /// covers the ticket's grid is trusted to be near, and the least busy of them goes.
    private func chooseWithoutLocation(_ request: DispatchRequest, willing: [StaffState], funnel: Funnel) -> DispatchDecision {
        let inGrid = request.ticketGrid.map { grid in willing.filter { $0.member.covers(grid: grid) } } ?? []
        let ranked = inGrid.map { Ranked(state: $0, sameGrid: true, distanceMetres: nil, source: nil) }.sorted { $0.ranks(before: $1) }
        let candidates = ranked.prefix(max(request.settings.candidateLimit, 1)).map { Self.candidate($0) }
        guard let best = ranked.first else {
            return DispatchDecision(assignee: nil, distanceMetres: nil, reason: Self.nobodyReasonWithoutLocation(request, funnel: funnel),
                                    candidates: [], resources: [])
        }
        return DispatchDecision(assignee: best.id, distanceMetres: nil,
                                reason: Self.chosenReason(request, best: best, runnerUp: ranked.dropFirst().first),
                                candidates: Array(candidates), resources: [])
    }

    private static func candidate(_ ranked: Ranked) -> DispatchDecision.Candidate {
        DispatchDecision.Candidate(id: ranked.id, distanceMetres: ranked.wholeMetres)
    }
}
