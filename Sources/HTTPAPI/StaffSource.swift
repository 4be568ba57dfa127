import Foundation
import GridDispatch

/// What the staff routes read: the gateway's live board (roster, shifts, newest positions).
/// A protocol because the board lives in the gateway, which this target does not import.
public protocol StaffSource: Sendable {
    var roster: StaffRoster { get }
    /// Every roster member at `atMs`: on duty or not, with the newest live position.
    func states(atMs: Int64, activeTickets: [String: Int]) -> [StaffState]
}
