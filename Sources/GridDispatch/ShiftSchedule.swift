import Foundation

/// Who is on duty when (`staff.shifts`). Shifts are kept in wall-clock terms and matched
/// against the local weekday and time that `Calendar` gives for an instant, so a daylight
/// saving change moves no shift's edges; an empty schedule means everyone is on duty.
public struct ShiftSchedule: Sendable, Hashable {
    public var shifts: [Shift]
    private var roster: StaffRoster

    public init(shifts: [Shift], roster: StaffRoster) {
        self.shifts = shifts
        self.roster = roster
    }

    /// No shifts configured: everyone in the roster is always on duty.
    public static func everyoneOnDuty(_ roster: StaffRoster) -> ShiftSchedule { ShiftSchedule(shifts: [], roster: roster) }

    /// Whether `staffID` is on duty at `atMs` (epoch ms), in the ticket calendar's `timeZone`.
    /// Someone not in the roster never is; once any shift exists, someone without a shift
    /// is off duty rather than assumed available.
    public func isOnDuty(staffID: String, atMs: Int64, timeZone: TimeZone) -> Bool {
        let local = Self.localTime(atMs: atMs, timeZone: timeZone)
        return isOnDuty(staffID: staffID, weekday: local.weekday, minute: local.minute)
    }

    /// The roster's members on duty at `atMs`, in roster order.
    public func onDuty(atMs: Int64, timeZone: TimeZone) -> [StaffMember] {
        let local = Self.localTime(atMs: atMs, timeZone: timeZone)
        return roster.members.filter { isOnDuty(staffID: $0.id, weekday: local.weekday, minute: local.minute) }
    }

    func isOnDuty(staffID: String, weekday: Int, minute: Int) -> Bool {
        guard let member = roster[staffID] else { return false }
        if shifts.isEmpty { return true }
        return shifts.contains { $0.applies(to: member) && $0.covers(weekday: weekday, minute: minute) }
    }

    /// Weekday (1 = Sunday) and minute after local midnight of an instant.
    static func localTime(atMs: Int64, timeZone: TimeZone) -> (weekday: Int, minute: Int) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let date = Date(timeIntervalSince1970: Double(atMs) / 1000)
        let parts = calendar.dateComponents([.weekday, .hour, .minute], from: date)
        return (parts.weekday ?? 1, (parts.hour ?? 0) * 60 + (parts.minute ?? 0))
    }
}
