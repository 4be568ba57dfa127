import Devices
import Formats
import Foundation

/// Turns alerts, staff actions and the passing of time into ticket changes: one ticket per
/// alert instance (rule, device), repeats counted, reopened within the window, a new linked
/// ticket after it. Pure: it keeps nothing itself; `replay` hands it a memory ledger in
/// virtual time, the gateway and the staff commands a database ledger inside one transaction.
public struct TicketDesk: Sendable {
    /// What an alert carries that a ticket needs.
    public struct Alert: Sendable {
        public var rule: String
        public var device: Device
        public var severity: String
        public var category: String
        public var title: String
        /// Life-safety alerts (emergency tier) are resolved by a person only.
        public var lifeSafety: Bool
        /// The rule clears by itself: its ticket may resolve with it if nobody acknowledged it.
        public var autoResolvable: Bool
        /// A per-rule response time (`sla: {respond: 15m}`), overriding the tier's.
        public var respondWithinSeconds: Double?
        public var resolveWithinSeconds: Double?
        /// The reading that made the rule fire, when one did (absence has none).
        public var evidence: TicketEvidence?
        /// Only people with this skill are dispatched (the rule's `skill`); nil: the route's, else anyone.
        public var skill: String?
        /// Classes of service resources the ticket lists nearby (the rule's `resources`).
        public var resourceClasses: [String] = []
        /// The catalogue item the rule names: its class becomes the ticket's category.
        public var item: String?
        /// The rule's Chinese title, filled in for the device.
        public var titleZh: String?

        public init(rule: String, device: Device, severity: String, category: String, title: String, lifeSafety: Bool,
                    autoResolvable: Bool, respondWithinSeconds: Double? = nil, resolveWithinSeconds: Double? = nil,
                    evidence: TicketEvidence? = nil) {
            self.rule = rule
            self.device = device
            self.severity = severity
            self.category = category
            self.title = title
            self.lifeSafety = lifeSafety
            self.autoResolvable = autoResolvable
            self.respondWithinSeconds = respondWithinSeconds
            self.resolveWithinSeconds = resolveWithinSeconds
            self.evidence = evidence
        }
    }

    /// One thing that happened to a ticket.
    public struct Happening: Sendable {
        public var atMs: Int64
        public var action: TicketAction
        public var ticket: Ticket

        public init(atMs: Int64, action: TicketAction, ticket: Ticket) {
            self.atMs = atMs
            self.action = action
            self.ticket = ticket
        }
    }

    public var settings: TicketSettings
    public var policies: [String: SLAPolicy]
    public var router: TicketRouter
    public var reopenWindow: ReopenWindow
    /// Sends the nearest person on duty; nil (no roster): tickets stay with their team and route.
    public var dispatch: TicketDispatch?
    /// The demand catalogue; an item named by a rule or request sets the category, team and skill.
    public var catalogue = DemandCatalogue()

    public init(settings: TicketSettings, policies: [String: SLAPolicy], router: TicketRouter = TicketRouter(),
                reopenWindow: ReopenWindow = ReopenWindow()) {
        self.settings = settings
        self.policies = policies
        self.router = router
        self.reopenWindow = reopenWindow
    }

    /// An alert fired: a new ticket, a repeat, or a reopen.
    public func alertFired(_ alert: Alert, at nowMs: Int64, in ledger: inout some TicketLedger) throws -> [Happening] {
        var happenings = try timePassed(to: nowMs, in: &ledger)
        let key = alert.rule + "|" + alert.device.id
        let last = try ledger.latestTicket(alertKey: key)
        switch reopenWindow.decide(last: last, firingAt: nowMs) {
        case .repeatOccurrence:
            if let last { happenings += try apply(.alertFired, to: last, at: nowMs, by: "rules", evidence: alert.evidence, in: &ledger) }
        case .reopen:
            if let last {
                happenings += try apply(.reopen(reason: "the alert fired again", cause: .alarm), to: last, at: nowMs, by: "rules", evidence: alert.evidence, in: &ledger)
            }
        case let .openNew(linkedTo):
            happenings += try open(alert, linkedTo: linkedTo, at: nowMs, in: &ledger)
        }
        return happenings
    }

    /// The alert cleared by itself; only auto-resolvable, untouched tickets follow it.
    public func alertCleared(rule: String, device: String, at nowMs: Int64, in ledger: inout some TicketLedger) throws -> [Happening] {
        var happenings = try timePassed(to: nowMs, in: &ledger)
        guard let ticket = try ledger.latestTicket(alertKey: rule + "|" + device), ticket.state.isActive else { return happenings }
        happenings += try apply(.alertCleared, to: ticket, at: nowMs, by: "rules", in: &ledger)
        return happenings
    }

    /// A person's action on a ticket (acknowledge, resolve, comment, ...). Clocks run up to
    /// `nowMs` first, so a warning that fell due a minute ago is on the timeline before the
    /// acknowledgement that came after it.
    public func handle(_ event: TicketEvent, ticketID: String, at nowMs: Int64, by actor: String,
                       in ledger: inout some TicketLedger) throws -> [Happening] {
        var happenings = try timePassed(to: nowMs, in: &ledger)
        guard let ticket = try ledger.ticket(id: ticketID) else { throw TicketDeskError.unknownTicket(ticketID) }
        guard nowMs >= ticket.updatedAt else { throw TicketDeskError.outOfOrder(ticketID, latestMs: ticket.updatedAt) }
        var lifecycle = TicketLifecycle(resuming: ticket, settings: settings)
        let action = try lifecycle.eventHappened(event, at: nowMs, by: actor)
        happenings.append(Happening(atMs: nowMs, action: action, ticket: lifecycle.ticket))
        // A follow-up that reopens or closes the ticket says so too: the alarm, the webhooks and
        // the requester listen for `ticket_reopened` and `ticket_closed`.
        switch action {
        case .followedUp(.reopened): happenings.append(Happening(atMs: nowMs, action: .reopened(cycle: lifecycle.ticket.cycle), ticket: lifecycle.ticket))
        case .followedUp(.closed), .followedUp(.notReached): happenings.append(Happening(atMs: nowMs, action: .closed, ticket: lifecycle.ticket))
        default: break
        }
        if let dispatched = try dispatch(&lifecycle, after: action, at: nowMs, in: &ledger) { happenings.append(dispatched) }
        try ledger.save(lifecycle.ticket, nextDeadline: lifecycle.nextDeadline())
        return happenings
    }

    /// Warnings, breaches and transfers due by `nowMs`, in time order.
    public func timePassed(to nowMs: Int64, in ledger: inout some TicketLedger) throws -> [Happening] {
        try timePassed(to: nowMs, limit: .max, in: &ledger)
    }

    /// The same for at most `limit` tickets, the first due in id order (the rest stay due for
    /// the next call). No default argument: one beside an opened existential crashed swift 6.3.1.
    public func timePassed(to nowMs: Int64, limit: Int, in ledger: inout some TicketLedger) throws -> [Happening] {
        var happenings: [Happening] = []
        for id in try ledger.ticketsDue(by: nowMs).prefix(limit) {
            guard let ticket = try ledger.ticket(id: id) else { continue }
            var lifecycle = TicketLifecycle(resuming: ticket, settings: settings)
            // Deadline by deadline, so each warning carries the time it fell due.
            while let due = lifecycle.nextDeadline(), due <= nowMs {
                for action in lifecycle.timePassed(to: due) where action != .none {
                    happenings.append(Happening(atMs: due, action: action, ticket: lifecycle.ticket))
                    if let dispatched = try dispatch(&lifecycle, after: action, at: due, in: &ledger) { happenings.append(dispatched) }
                }
                if lifecycle.nextDeadline() == due { break }
            }
            // Only future deadlines wake the desk again: one left in the past has nothing to do.
            try ledger.save(lifecycle.ticket, nextDeadline: lifecycle.nextDeadline().flatMap { $0 > nowMs ? $0 : nil })
        }
        return happenings.sorted { $0.atMs < $1.atMs }
    }

    private func apply(_ event: TicketEvent, to ticket: Ticket, at nowMs: Int64, by actor: String, evidence: TicketEvidence? = nil,
                       in ledger: inout some TicketLedger) throws -> [Happening] {
        var lifecycle = TicketLifecycle(resuming: ticket, settings: settings)
        guard let action = try? lifecycle.eventHappened(event, at: nowMs, by: actor) else { return [] }
        if let evidence { lifecycle.ticket.addEvidence(evidence) }
        try ledger.save(lifecycle.ticket, nextDeadline: lifecycle.nextDeadline())
        return action == .none ? [] : [Happening(atMs: nowMs, action: action, ticket: lifecycle.ticket)]
    }

    func open(_ alert: Alert, linkedTo: String?, at nowMs: Int64, in ledger: inout some TicketLedger) throws -> [Happening] {
        var policy = policy(for: alert.severity)
        if let respond = alert.respondWithinSeconds { policy.respond = .seconds(respond) }
        if let resolve = alert.resolveWithinSeconds { policy.resolve = .seconds(resolve) }
        let device = alert.device
        let item = alert.item.flatMap { catalogue[$0] }
        let category = item?.classID ?? alert.category
        var route = router.route(community: device.community, building: device.building, category: category)
        if let team = item?.team { route.team = team }
        var ticket = Ticket(id: try ledger.newTicketID(), rule: alert.rule, device: device.id, deviceType: device.type, community: device.community,
                            building: device.building, unit: device.unit, severity: alert.severity, category: category,
                            title: alert.title, team: route.team,
                            policy: policy, openedAt: nowMs, autoResolvable: alert.autoResolvable, lifeSafety: alert.lifeSafety, linkedTo: linkedTo)
        ticket.assignee = route.assignee
        ticket.place(at: device)
        ticket.item = item?.id
        // Chinese first: the rule's own Chinese title, else its item's with the place.
        ticket.titleZh = alert.titleZh ?? item.map { "\($0.title.zh) \([device.building, device.unit].filter { !$0.isEmpty }.joined(separator: "-"))" }
        ticket.skill = alert.skill ?? item?.skill ?? route.skill
        ticket.resourceClasses = alert.resourceClasses.isEmpty ? nil : alert.resourceClasses
        if let evidence = alert.evidence { ticket.addEvidence(evidence) }
        return try opened(TicketLifecycle(opening: ticket, by: "rules", settings: settings), at: nowMs, in: &ledger)
    }

    /// Saves a just-opened ticket, dispatched first when the desk dispatches.
    func opened(_ opening: TicketLifecycle, at nowMs: Int64, in ledger: inout some TicketLedger) throws -> [Happening] {
        var lifecycle = opening
        var happenings = [Happening(atMs: nowMs, action: .opened, ticket: lifecycle.ticket)]
        if let dispatched = try dispatch(&lifecycle, after: .opened, at: nowMs, in: &ledger) { happenings.append(dispatched) }
        try ledger.save(lifecycle.ticket, nextDeadline: lifecycle.nextDeadline())
        return happenings
    }

    /// The tier's standard, or the general 24 h / 72 h one for a tier the configuration lacks.
    func policy(for tier: String) -> SLAPolicy {
        policies[tier] ?? SLAPolicy(tier: tier, respond: .seconds(24 * 3600), resolve: .seconds(72 * 3600))
    }
}

/// What the desk cannot do with a staff action, beyond the lifecycle's own transition errors.
public enum TicketDeskError: Error, Hashable, CustomStringConvertible {
    case unknownTicket(String)
    case unknownTier(String, known: [String])
    case missingField(String)
    /// A request naming an item the demand catalogue does not have.
    case unknownItem(String, known: [String])
    /// An action timed before the ticket's latest entry (a back-dated `--at`).
    case outOfOrder(String, latestMs: Int64)

    public var description: String {
        switch self {
        case let .unknownTicket(id): "no ticket \(id)"
        case let .unknownTier(tier, known): "unknown severity tier '\(tier)' (tiers: \(known.joined(separator: ", ")))"
        case let .missingField(what): "a request needs \(what)"
        case let .unknownItem(item, known): "unknown item '\(item)' (the catalogue has: \(known.joined(separator: ", ")))"
        case let .outOfOrder(id, latest): "\(id) already has an entry at \(RFC3339.format(milliseconds: latest, timeZone: .current)); an action cannot be recorded before it"
        }
    }
}
