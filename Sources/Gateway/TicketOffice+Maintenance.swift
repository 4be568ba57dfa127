import Foundation
import Storage
import Tickets

/// Maintenance findings become tickets here, in one transaction with their live events, like
/// an alarm's: the same clocks, dispatch, MQTT alerts and webhooks.
extension TicketOffice {
    /// After a maintenance ticket is resolved, no new one for the same device and reason for
    /// this long: the new battery needs a few readings before its forecast replaces the old.
    static let maintenanceQuietMs: Int64 = 86_400_000

    /// Opens a ticket for each finding that has no active one; returns the tickets opened.
    @discardableResult
    public func maintenanceDue(_ findings: [TicketDesk.Alert], nowMs: Int64) throws -> [Ticket] {
        guard !findings.isEmpty else { return [] }
        let happenings = try commit("maintenance", actor: "maintenance") { ledger in
            var happenings: [TicketDesk.Happening] = []
            for finding in findings {
                happenings += try desk.maintenanceDue(finding, at: nowMs, quietMs: Self.maintenanceQuietMs, in: &ledger)
            }
            return happenings
        }
        return happenings.filter { $0.action == .opened }.map(\.ticket)
    }
}
