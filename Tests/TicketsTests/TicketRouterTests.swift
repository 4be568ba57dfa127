import Testing
import Tickets

/// Routing a new ticket to a team, the chain of teams it climbs, what a new firing does to
/// the last ticket (the reopen window), and the warning levels' configuration.
@Suite struct TicketRouterTests {
    typealias F = TicketFixture

    static let router = TicketRouter(routes: [
        .init(community: "maple", building: "3", category: "fire", team: "maple_b3_fire"),
        .init(community: "maple", category: "fire", team: "maple_fire"),
        .init(category: "elderly", team: "elderly_care"),
        .init(community: "maple", team: "maple_grid"),
    ], defaultTeam: "grid")

    @Test func firstMatchWinsElseTheDefault() {
        #expect(Self.router.team(community: "maple", building: "3", category: "fire") == "maple_b3_fire")
        #expect(Self.router.team(community: "maple", building: "1", category: "fire") == "maple_fire")
        #expect(Self.router.team(community: "maple", building: "1", category: "elderly") == "elderly_care")
        #expect(Self.router.team(community: "oak", building: "1", category: "elderly") == "elderly_care")
        #expect(Self.router.team(community: "maple", building: "1", category: "water") == "maple_grid")
        #expect(Self.router.team(community: "oak", building: "2", category: "water") == "grid")
        #expect(TicketRouter().team(community: "oak", building: "", category: "") == "grid")
        #expect(Self.router.problems() == [])
    }

    @Test func shadowedRoutesAreReported() {
        let router = TicketRouter(routes: [.init(community: "maple", team: "maple_grid"), .init(community: "maple", category: "fire", team: "fire")])
        #expect(router.problems() == ["route 2 (team fire) is never used: route 1 matches first"])
    }

    @Test func hierarchyChains() {
        let hierarchy = TeamHierarchy(chain: ["grid", "community", "street_office"])
        #expect(hierarchy.above("grid") == "community" && hierarchy.above("community") == "street_office")
        #expect(hierarchy.above("street_office") == nil && hierarchy.above("unknown") == nil)
        #expect(hierarchy.cycles() == [])
        #expect(TeamHierarchy(parent: ["a": "b", "b": "a", "c": "a"]).cycles() == ["a", "b", "c"])
    }

    @Test func aNewFiringRepeatsReopensOrOpensNew() throws {
        let window = ReopenWindow(windowMs: 24 * F.hour)
        let now = F.t0 + 10 * F.hour
        #expect(window.decide(last: nil, firingAt: now) == .openNew(linkedTo: nil))
        for state in [Ticket.State.open, .acknowledged, .inProgress, .pending] {
            #expect(window.decide(last: try F.inState(state).ticket, firingAt: now) == .repeatOccurrence)
        }
        let resolved = try F.inState(.resolved).ticket   // resolved at t0 + 1 min
        #expect(window.decide(last: resolved, firingAt: now) == .reopen)
        #expect(window.decide(last: resolved, firingAt: F.t0 + F.minute + 24 * F.hour) == .reopen)
        #expect(window.decide(last: resolved, firingAt: F.t0 + F.minute + 24 * F.hour + 1) == .openNew(linkedTo: "T-1"))
        #expect(window.decide(last: try F.inState(.closed).ticket, firingAt: now) == .reopen)
        #expect(window.decide(last: try F.inState(.cancelled).ticket, firingAt: now) == .openNew(linkedTo: "T-1"))
        #expect(ReopenWindow().windowMs == 72 * F.hour)
    }

    @Test func warningLevelsParse() {
        #expect(WarningPolicy(levels: ["50%", "80%", "100%"]) == .standard)
        #expect(WarningPolicy(levels: ["10m", "20m", "1h"])?.levels == [.afterMs(600_000), .afterMs(1_200_000), .afterMs(3_600_000)])
        #expect(WarningPolicy(levels: ["50%", "80%"]) == nil)
        #expect(WarningPolicy(levels: ["half", "80%", "100%"]) == nil)
        #expect(WarningPolicy(levels: ["0%", "80%", "100%"]) == nil)
    }
}
