import Devices
import Foundation

/// All tickets of a run, fed by alerts and the clock: one ticket per alert instance (rule,
/// device), repeats counted, reopened within the window, new (linked) after it. Pure: `replay`
/// drives it in virtual time; the live gateway will drive the same code.
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

        public init(rule: String, device: Device, severity: String, category: String, title: String, lifeSafety: Bool,
                    autoResolvable: Bool, respondWithinSeconds: Double? = nil, resolveWithinSeconds: Double? = nil) {
            self.rule = rule
            self.device = device
            self.severity = severity
            self.category = category
            self.title = title
            self.lifeSafety = lifeSafety
            self.autoResolvable = autoResolvable
            self.respondWithinSeconds = respondWithinSeconds
            self.resolveWithinSeconds = resolveWithinSeconds
        }
    }

    /// One thing that happened to a ticket.
    public struct Happening: Sendable {
        public var atMs: Int64
        public var action: TicketAction
        public var ticket: Ticket
    }

    public var settings: TicketSettings
    public var policies: [String: SLAPolicy]
    public var router: TicketRouter
    public var reopenWindow: ReopenWindow
    public private(set) var tickets: [String: TicketLifecycle] = [:]
    private var latestByAlert: [String: String] = [:]
    private var nextNumber = 1
    /// The earliest clock deadline of any ticket, so most calls to `timePassed` cost nothing.
    private var earliestDeadline: Int64?

    public init(settings: TicketSettings, policies: [String: SLAPolicy], router: TicketRouter = TicketRouter(),
                reopenWindow: ReopenWindow = ReopenWindow()) {
        self.settings = settings
        self.policies = policies
        self.router = router
        self.reopenWindow = reopenWindow
    }

    /// An alert fired: a new ticket, a repeat, or a reopen.
    public mutating func alertFired(_ alert: Alert, at nowMs: Int64) -> [Happening] {
        var happenings = timePassed(to: nowMs)
        let key = alert.rule + "|" + alert.device.id
        let last = latestByAlert[key].flatMap { tickets[$0]?.ticket }
        switch reopenWindow.decide(last: last, firingAt: nowMs) {
        case .repeatOccurrence:
            if let id = last?.id { happenings += apply(.alertFired, to: id, at: nowMs, by: "rules") }
        case .reopen:
            if let id = last?.id { happenings += apply(.reopen(reason: "the alert fired again"), to: id, at: nowMs, by: "rules") }
        case let .openNew(linkedTo):
            happenings.append(open(alert, key: key, linkedTo: linkedTo, at: nowMs))
        }
        return happenings
    }

    /// The alert cleared by itself; only auto-resolvable, untouched tickets follow it.
    public mutating func alertCleared(rule: String, device: String, at nowMs: Int64) -> [Happening] {
        var happenings = timePassed(to: nowMs)
        guard let id = latestByAlert[rule + "|" + device], let ticket = tickets[id]?.ticket, ticket.state.isActive else { return happenings }
        happenings += apply(.alertCleared, to: id, at: nowMs, by: "rules")
        return happenings
    }

    /// Warnings, breaches and transfers due by `nowMs`, in time order.
    public mutating func timePassed(to nowMs: Int64) -> [Happening] {
        guard let earliest = earliestDeadline, earliest <= nowMs else { return [] }
        // Only future deadlines wake the desk again: one that stays in the past has nothing left to do.
        defer { earliestDeadline = tickets.values.compactMap { $0.nextDeadline() }.filter { $0 > nowMs }.min() }
        var happenings: [Happening] = []
        for id in tickets.keys.sorted() {
            guard var lifecycle = tickets[id] else { continue }
            // Deadline by deadline, so each warning carries the time it fell due.
            while let due = lifecycle.nextDeadline(), due <= nowMs {
                for action in lifecycle.timePassed(to: due) where action != .none {
                    happenings.append(Happening(atMs: due, action: action, ticket: lifecycle.ticket))
                }
                if lifecycle.nextDeadline() == due { break }
            }
            tickets[id] = lifecycle
        }
        return happenings.sorted { $0.atMs < $1.atMs }
    }

    private mutating func apply(_ event: TicketEvent, to id: String, at nowMs: Int64, by actor: String) -> [Happening] {
        guard var lifecycle = tickets[id] else { return [] }
        defer {
            tickets[id] = lifecycle
            earliestDeadline = tickets.values.compactMap { $0.nextDeadline() }.min()
        }
        guard let action = try? lifecycle.eventHappened(event, at: nowMs, by: actor), action != .none else { return [] }
        return [Happening(atMs: nowMs, action: action, ticket: lifecycle.ticket)]
    }

    private mutating func open(_ alert: Alert, key: String, linkedTo: String?, at nowMs: Int64) -> Happening {
        var policy = policies[alert.severity] ?? SLAPolicy(tier: alert.severity, respond: .seconds(24 * 3600), resolve: .seconds(72 * 3600))
        if let respond = alert.respondWithinSeconds { policy.respond = .seconds(respond) }
        if let resolve = alert.resolveWithinSeconds { policy.resolve = .seconds(resolve) }
        let id = String(format: "T-%06d", nextNumber)
        nextNumber += 1
        let device = alert.device
        let ticket = Ticket(id: id, rule: alert.rule, device: device.id, deviceType: device.type, community: device.community,
                            building: device.building, unit: device.unit, severity: alert.severity, category: alert.category,
                            title: alert.title, team: router.team(community: device.community, building: device.building, category: alert.category),
                            policy: policy, openedAt: nowMs, autoResolvable: alert.autoResolvable, lifeSafety: alert.lifeSafety, linkedTo: linkedTo)
        let lifecycle = TicketLifecycle(opening: ticket, by: "rules", settings: settings)
        tickets[id] = lifecycle
        latestByAlert[key] = id
        if let due = lifecycle.nextDeadline() { earliestDeadline = min(earliestDeadline ?? due, due) }
        return Happening(atMs: nowMs, action: .opened, ticket: lifecycle.ticket)
    }
}
