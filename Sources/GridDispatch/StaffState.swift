import Foundation

/// What the dispatcher knows about one person at the moment it chooses: who they are,
/// whether they are on duty, their latest live position and how busy they are.
public struct StaffState: Sendable, Hashable {
    public var member: StaffMember
    public var onDuty: Bool
    public var livePosition: StaffPosition?
    /// Tickets assigned to this person and not yet resolved.
    public var activeTickets: Int

    public init(member: StaffMember, onDuty: Bool, livePosition: StaffPosition? = nil, activeTickets: Int = 0) {
        self.member = member
        self.onDuty = onDuty
        self.livePosition = livePosition
        self.activeTickets = activeTickets
    }

    /// Where to measure from at `nowMs`: the live position while it is at most `freshnessMs`
    /// old, else the base, since an old fix says less about where someone is than where
    /// they work from.
    public func position(nowMs: Int64, freshnessMs: Int64) -> (point: GeoPoint, source: PositionSource) {
        guard let live = livePosition else { return (member.base, .base(liveAgeMs: nil)) }
        let ageMs = nowMs - live.atMs
        return ageMs <= freshnessMs ? (live.point, .live(ageMs: max(ageMs, 0))) : (member.base, .base(liveAgeMs: ageMs))
    }

    /// Every roster member's state at `atMs`: on duty from `schedule` in `timeZone`, with
    /// the live positions and active-ticket counts known by staff id.
    public static func states(roster: StaffRoster, schedule: ShiftSchedule, atMs: Int64, timeZone: TimeZone,
                              livePositions: [String: StaffPosition] = [:], activeTickets: [String: Int] = [:]) -> [StaffState] {
        let local = ShiftSchedule.localTime(atMs: atMs, timeZone: timeZone)
        return roster.members.map { member in
            StaffState(member: member,
                       onDuty: schedule.isOnDuty(staffID: member.id, weekday: local.weekday, minute: local.minute),
                       livePosition: livePositions[member.id], activeTickets: activeTickets[member.id] ?? 0)
        }
    }
}

/// Which position a distance was measured from, kept for the decision's reason.
public enum PositionSource: Sendable, Hashable {
    case live(ageMs: Int64)
    /// `liveAgeMs` is the age of the live fix passed over as stale, if there was one.
    case base(liveAgeMs: Int64?)

    var text: String {
        switch self {
        case .live: "live position"
        case .base(nil): "base position"
        case let .base(ageMs?): "base position, live one \(Self.minutes(ageMs)) old"
        }
    }

    private static func minutes(_ ms: Int64) -> String {
        let minutes = ms / 60_000
        return minutes < 120 ? "\(minutes) min" : "\(minutes / 60) h"
    }
}
