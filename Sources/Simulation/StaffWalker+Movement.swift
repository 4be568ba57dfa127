import Foundation

extension StaffWalker {
    /// When the current activity ends by itself: the arrival of a walk, the end of a dwell;
    /// never while waiting at base.
    var phaseEndMs: Int64 {
        switch activity {
        case .atBase:
            return .max
        case .walking, .returning:
            guard let target else { return clockMs }
            guard settings.speedMetresPerSecond > 0 else { return .max }
            let seconds = position.distanceMetres(to: target) / settings.speedMetresPerSecond
            // Rounding error in the distance must not push an exact arrival a millisecond late.
            return clockMs + Int64((seconds * 1000 - 1e-6).rounded(.up))
        case let .atTicket(_, untilMs):
            return max(untilMs, clockMs)
        }
    }

    /// Moves along the current walk up to `ms`, which must not pass `phaseEndMs` (the
    /// arrival then lands exactly on the target).
    mutating func glide(to ms: Int64) {
        guard ms > clockMs else { return }
        if isMoving, let target {
            position = position.moved(toward: target, metres: metres(in: ms - clockMs))
        }
        clockMs = ms
    }

    private func metres(in elapsedMs: Int64) -> Double {
        settings.speedMetresPerSecond * Double(elapsedMs) / 1000
    }

    /// The current activity has run its course at `clockMs`: arrive, or leave the scene.
    mutating func finishPhase() {
        switch activity {
        case let .walking(ticketID):
            if let target { position = target }
            reached.insert(ticketID)
            activity = .atTicket(ticketID: ticketID, untilMs: clockMs + settings.dwellMs)
            target = nil
        case .atTicket:
            activity = .returning
            target = base
        case .returning:
            position = base
            activity = .atBase
            target = nil
        case .atBase:
            break
        }
    }

    /// The phone's report now, with its position error, and the next one scheduled by
    /// whether the person is moving.
    mutating func report() -> StaffReport {
        let measured = position.shifted(northMetres: rng.noise() * settings.jitterMetres,
                                        eastMetres: rng.noise() * settings.jitterMetres)
        lastReportMs = clockMs
        nextReportMs = clockMs + (isMoving ? settings.reportIntervalMs : settings.idleReportIntervalMs)
        return StaffReport(staffID: id, atMs: clockMs, position: measured)
    }

    /// When the phone next reports: at its interval, or on arriving or leaving, whichever
    /// comes first.
    public var nextDueMs: Int64 {
        min(nextReportMs, phaseEndMs)
    }

    /// Whether the person is going to, standing at, or has been at the ticket.
    func isInvolved(in ticketID: String) -> Bool {
        self.ticketID == ticketID || reached.contains(ticketID)
    }

    /// Whether the person is on a walk (to a ticket or back to base).
    public var isMoving: Bool {
        switch activity {
        case .walking, .returning: true
        case .atBase, .atTicket: false
        }
    }
}
