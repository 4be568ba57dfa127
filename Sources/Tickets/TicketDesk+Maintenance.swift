import Devices

/// Maintenance before failure: a battery forecast to run out soon or an overdue self-test opens
/// one ticket per device and reason, through the same opening as an alarm (clocks, dispatch,
/// events, webhooks). Unlike an alarm it never counts repeats or reopens: the finding stands
/// until someone fixes it, and a fix shows in the readings only some time later.
extension TicketDesk {
    /// Opens a ticket for `finding` unless one for the same reason (`finding.rule`) and device is
    /// active, or one was resolved less than `quietMs` ago (the new battery's readings are not
    /// in yet, so the old forecast still stands).
    public func maintenanceDue(_ finding: Alert, at nowMs: Int64, quietMs: Int64, in ledger: inout some TicketLedger) throws -> [Happening] {
        var happenings = try timePassed(to: nowMs, in: &ledger)
        if let last = try ledger.latestTicket(alertKey: finding.rule + "|" + finding.device.id) {
            if last.state.isActive { return happenings }
            if nowMs - (last.resolvedAt ?? last.updatedAt) < quietMs { return happenings }
        }
        happenings += try open(finding, linkedTo: nil, at: nowMs, in: &ledger)
        return happenings
    }
}
