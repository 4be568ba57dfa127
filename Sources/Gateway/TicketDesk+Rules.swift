import Devices
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
    }
}

extension GatewaySetup {
    /// The ticket desk this configuration describes.
    public var ticketDesk: TicketDesk {
        var desk = config.ticketDesk(calendar: calendar)
        desk.catalogue = catalogue
        return desk
    }
}

extension GatewayConfig {
    public func ticketDesk(calendar: WorkCalendar) -> TicketDesk {
        let tickets = ticketConfig
        var settings = TicketSettings(calendar: calendar, warnings: tickets.warnings, hierarchy: tickets.hierarchy)
        settings.ackTimeoutMsByTier = tickets.ackTimeoutMsByTier
        return TicketDesk(settings: settings, policies: slaPolicies, router: tickets.router, reopenWindow: tickets.reopenWindow)
    }
}
