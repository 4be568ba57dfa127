import Foundation
import Tickets
import GridDispatch
import HTTPAPI
import Storage
import Synchronization

/// The staff as the gateway knows them now: the roster and shifts in force (replaced on a
/// good reload) and each person's newest accepted live position. Ingest records positions
/// after they commit; dispatch, arrival detection and the API read from here.
public final class StaffBoard: StaffSource, Sendable {
    private struct State {
        var roster: StaffRoster
        var schedule: ShiftSchedule
        var positions: [String: StaffPosition] = [:]
        var listeners: [@Sendable ([StaffPositionReport]) -> Void] = []
    }

    /// Shift times are wall-clock times in this zone (the ticket calendar's).
    public let timeZone: TimeZone
    private let state: Mutex<State>

    public init(roster: StaffRoster, schedule: ShiftSchedule, timeZone: TimeZone) {
        self.timeZone = timeZone
        state = Mutex(State(roster: roster, schedule: schedule))
    }

    /// Puts a reloaded roster and schedule in force. Positions are kept: someone who left the
    /// roster is no longer listed, and is again with their last position if they come back.
    public func replace(roster: StaffRoster, schedule: ShiftSchedule) {
        state.withLock { state in
            state.roster = roster
            state.schedule = schedule
        }
    }

    public var roster: StaffRoster { state.withLock { $0.roster } }

    /// Every roster member at `atMs`, on duty by the schedule, with their newest position.
    public func states(atMs: Int64, activeTickets: [String: Int]) -> [StaffState] {
        let (roster, schedule, positions) = state.withLock { ($0.roster, $0.schedule, $0.positions) }
        return StaffState.states(roster: roster, schedule: schedule, atMs: atMs, timeZone: timeZone,
                                 livePositions: positions, activeTickets: activeTickets)
    }

    /// Keeps the newest position per person by its own time: a position delayed in the
    /// broker's queue must not move someone back to where they were.
    public func record(_ reports: [StaffPositionReport]) {
        guard !reports.isEmpty else { return }
        let listeners = state.withLock { state in
            for report in reports where (state.positions[report.staffID]?.atMs ?? .min) < report.position.atMs {
                state.positions[report.staffID] = report.position
            }
            return state.listeners
        }
        // Outside the lock: a listener may read the board again.
        for listener in listeners { listener(reports) }
    }

    /// Takes the newest positions the store kept (at start): nobody listens to these again.
    public func restore(_ positions: [String: StaffPosition]) {
        state.withLock { state in
            for (id, position) in positions where (state.positions[id]?.atMs ?? .min) < position.atMs { state.positions[id] = position }
        }
    }

    /// The newest position per staff id.
    public func livePositions() -> [String: StaffPosition] { state.withLock { $0.positions } }

    /// Calls `listener` with every batch of positions after `record` keeps them.
    public func onRecorded(_ listener: @escaping @Sendable ([StaffPositionReport]) -> Void) {
        state.withLock { $0.listeners.append(listener) }
    }
}

extension StaffBoard {
    /// The board for `setup`'s roster and shifts on the ticket calendar's zone, warmed with
    /// the newest positions `store` kept, so a restart does not forget where people are.
    public convenience init(setup: GatewaySetup, store: any GatewayStore) throws {
        self.init(roster: setup.staff.roster, schedule: setup.staff.schedule, timeZone: setup.calendar.timeZone)
        restore(try store.latestStaffPositions())
    }
}

/// The live board is where dispatch learns who is on duty and where they are.
extension StaffBoard: StaffRoll {}
