import Tickets

/// The `tickets:` section: where new tickets go (routes), who is above whom (hierarchy), when
/// the three warning levels fall due, the acknowledgement timeout and the reopen window.
public struct TicketConfig: Sendable {
    public var router = TicketRouter(defaultTeam: "grid")
    /// 网格 → 社区 → 街道: the chain of the community-service standard.
    public var hierarchy = TeamHierarchy(chain: ["grid", "community", "street_office"])
    /// Warnings 1 and 2 of non-emergency tiers wait for working hours; level 3 never waits.
    public var warnings = WarningPolicy(deferToWorkingHours: true)
    public var ackTimeoutMsByTier: [String: Int64] = ["emergency": 30 * 60_000, "general": 8 * 3_600_000]
    public var reopenWindow = ReopenWindow()
    /// `tickets.follow_up`: the follow-up (回访) is due this long after a resolution; nil: off.
    public var followUpWithin: SLADuration? = .workingDays(3)
    /// `tickets.follow_up_attempts`: tries before the resident is given up as not reached.
    public var followUpAttempts = 3
    /// `tickets.resolve_warnings`: the resolve clock's three levels (fractions of its window).
    public var resolveWarnings = WarningPolicy.standard

    public init() {}
}
