import Devices
import GridDispatch
import Rules
import Tickets

/// Where rules meet tickets: an alert event and its rule become what the desk needs, and the
/// setup's configuration becomes the desk. Kept here because the core targets stay apart.
extension TicketDesk.Alert {
    public init(_ event: AlertEvent, rule: Rule, device: Device) {
        self.init(rule: rule.id, device: device, severity: rule.severity, category: rule.category,
                  title: event.title.isEmpty ? rule.title(for: device) : event.title,
                  lifeSafety: rule.severity == "emergency", autoResolvable: rule.autoResolve,
                  respondWithinSeconds: rule.respondWithinSeconds, resolveWithinSeconds: rule.resolveWithinSeconds,
                  evidence: event.evidence.map { TicketEvidence(atMs: event.atMs, values: $0) })
        skill = rule.skill
        resourceClasses = rule.resourceClasses
        item = rule.item
        titleZh = rule.titleZh(for: device)
    }
}

extension GatewaySetup {
    /// The ticket desk this configuration describes.
    public var ticketDesk: TicketDesk {
        var desk = config.ticketDesk(calendar: calendar)
        desk.catalogue = catalogue
        return desk
    }

    /// The desk dispatching from `staff` when a roster is configured (else as `ticketDesk`).
    public func ticketDesk(staff: any StaffRoll) -> TicketDesk {
        var desk = ticketDesk
        guard !self.staff.roster.members.isEmpty else { return desk }
        desk.dispatch = TicketDispatch(dispatcher: Dispatcher(resources: resources), settings: config.dispatch.settings, roll: staff)
        return desk
    }

    /// A desk for a command or a replay: the roster and shifts as loaded, the positions given.
    public func ticketDesk(livePositions: [String: StaffPosition]) -> TicketDesk {
        ticketDesk(staff: FixedStaffRoll(roster: staff.roster, schedule: staff.schedule, timeZone: calendar.timeZone, livePositions: livePositions))
    }
}

extension GatewayConfig {
    public func ticketDesk(calendar: WorkCalendar) -> TicketDesk {
        let tickets = ticketConfig
        var settings = TicketSettings(calendar: calendar, warnings: tickets.warnings, hierarchy: tickets.hierarchy)
        settings.ackTimeoutMsByTier = tickets.ackTimeoutMsByTier
        settings.followUpWithin = tickets.followUpWithin
        settings.followUpAttempts = tickets.followUpAttempts
        settings.resolveWarnings = tickets.resolveWarnings
        settings.resolveWarnings.notify = tickets.warnings.notify
        return TicketDesk(settings: settings, policies: slaPolicies, router: tickets.router, reopenWindow: tickets.reopenWindow)
    }
}
