import Foundation
import GridDispatch

/// Who could go, at a moment: the live gateway's staff board (roster, shifts, live positions)
/// or, for `replay` and tests, a fixed roster. The desk adds how busy each person is.
public protocol StaffRoll: Sendable {
    func states(atMs: Int64, activeTickets: [String: Int]) -> [StaffState]
}

/// A roster with its shifts and the positions known so far, as one value: `replay` and the
/// tests dispatch from it in virtual time.
public struct FixedStaffRoll: StaffRoll {
    public var roster: StaffRoster
    public var schedule: ShiftSchedule
    public var timeZone: TimeZone
    public var livePositions: [String: StaffPosition]

    public init(roster: StaffRoster, schedule: ShiftSchedule, timeZone: TimeZone, livePositions: [String: StaffPosition] = [:]) {
        self.roster = roster
        self.schedule = schedule
        self.timeZone = timeZone
        self.livePositions = livePositions
    }

    public func states(atMs: Int64, activeTickets: [String: Int]) -> [StaffState] {
        StaffState.states(roster: roster, schedule: schedule, atMs: atMs, timeZone: timeZone,
                          livePositions: livePositions, activeTickets: activeTickets)
    }
}

/// The desk's way to dispatch: the pure `Dispatcher` (with the service resources), the
/// `dispatch.*` settings and where the staff come from. Absent from a desk without a roster,
/// which then leaves tickets to their team and route as before.
public struct TicketDispatch: Sendable {
    public var dispatcher: Dispatcher
    public var settings: DispatchSettings
    public var roll: any StaffRoll

    public init(dispatcher: Dispatcher = Dispatcher(), settings: DispatchSettings = DispatchSettings(), roll: any StaffRoll) {
        self.dispatcher = dispatcher
        self.settings = settings
        self.roll = roll
    }

    /// The ticket's need as the dispatcher reads it: grid, location, skill, who passed it over.
    public func request(for ticket: Ticket) -> DispatchRequest {
        let location = ticket.latitude.flatMap { latitude in ticket.longitude.flatMap { GeoPoint(latitude: latitude, longitude: $0) } }
        return DispatchRequest(grid: ticket.grid, location: location, requiredSkill: ticket.skill,
                               declinedBy: Set(ticket.passedOverBy ?? []), resourceClasses: ticket.resourceClasses ?? [],
                               settings: settings)
    }

    public func decide(for ticket: Ticket, activeTickets: [String: Int], nowMs: Int64) -> DispatchDecision {
        dispatcher.choose(for: request(for: ticket), staff: roll.states(atMs: nowMs, activeTickets: activeTickets), nowMs: nowMs)
    }
}
