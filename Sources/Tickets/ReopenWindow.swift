/// Decides what a new firing of a (rule, device) does to that pair's last ticket: count as a
/// repeat, reopen it, or open a new ticket linked to it. One ticket per problem keeps the
/// remediation rate (reopened items, at most 5 %) honest and a flapping sensor from flooding
/// the staff with tickets.
public struct ReopenWindow: Sendable, Hashable, Codable {
    /// What to do with a new firing.
    public enum Decision: Sendable, Hashable {
        /// The last ticket is still active: `alertFired` on it.
        case repeatOccurrence
        /// The last ticket was resolved within the window: `reopen` it (a new clock cycle).
        case reopen
        /// Open a new ticket; `linkedTo` names the earlier one, if any.
        case openNew(linkedTo: String?)
    }

    /// How long after resolution a recurrence counts as the same problem coming back.
    public var windowMs: Int64

    /// 72 hours by default: the service closure cycle of the standard.
    public init(windowMs: Int64 = 72 * 3_600_000) { self.windowMs = windowMs }

    public func decide(last: Ticket?, firingAt nowMs: Int64) -> Decision {
        guard let last else { return .openNew(linkedTo: nil) }
        switch last.state {
        case .open, .acknowledged, .inProgress, .pending:
            return .repeatOccurrence
        case .resolved, .closed:
            // Measured from the resolution, not the closing: closing is paperwork, the fix
            // is what the recurrence disproves.
            if let resolved = last.resolvedAt, nowMs - resolved <= windowMs { return .reopen }
            return .openNew(linkedTo: last.id)
        case .cancelled:
            // Cancelled as a false alarm: if it fires again, it is a new matter to look at
            // afresh, not the same one reopened.
            return .openNew(linkedTo: last.id)
        }
    }
}
