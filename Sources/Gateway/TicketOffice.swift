import Devices
import Formats
import Foundation
import GridDispatch
import Logging
import Rules
import Storage
import Synchronization
import Tickets

/// The live ticket desk: alert events from the rules engine and the clock's ticks become
/// ticket changes in the database, each batch in one transaction, logged and counted. Staff
/// commands change the same rows through the same desk, so neither overwrites the other.
public final class TicketOffice: Sendable {
    public let desk: TicketDesk
    let database: any GatewayStore
    let logger: Logger
    let metrics: GatewayMetrics?
    /// Rung after every commit that stored ticket events (SSE streams, MQTT alerts, webhooks).
    public let bell: EventBell
    /// The wall clock for staff actions (the gateway's edge; the desk itself never reads it).
    let nowMs: @Sendable () -> Int64
    /// Residents' requests the desk refused to open (community and request id): not retried
    /// every tick by this process.
    let requestRefusals = Mutex<Set<String>>([])

    public init(desk: TicketDesk, database: any GatewayStore, logger: Logger, metrics: GatewayMetrics? = nil, bell: EventBell = EventBell(),
                nowMs: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) }) {
        self.desk = desk
        self.database = database
        self.logger = logger
        self.metrics = metrics
        self.bell = bell
        self.nowMs = nowMs
    }

    /// An alert event with what the desk needs to know about it.
    public struct Firing: Sendable {
        public var event: AlertEvent
        public var rule: Rule
        public var device: Device

        public init(event: AlertEvent, rule: Rule, device: Device) {
            self.event = event
            self.rule = rule
            self.device = device
        }
    }

    /// Tickets changed per transaction when many change at once: thousands of devices falling
    /// silent together (a building's network down, a long stop of the gateway) or a morning's
    /// deferred warnings are worked off in steps, so ingest commits, staff actions and
    /// `/readyz` take the write lock between them instead of after the whole storm.
    public static let ticketsPerTransaction = 200

    /// Opens, repeats, reopens or auto-resolves tickets for these events.
    public func alertsHappened(_ firings: [Firing]) {
        let relevant = firings.filter { ($0.event.kind == .firing && $0.event.inhibitedBy == nil) || $0.event.kind == .resolved }
        guard !relevant.isEmpty else { return }
        // Lives first: in a storm an emergency does not wait behind thousands of offline
        // devices. The order is otherwise kept, and a rule has one severity, so every alert's
        // own firing and clearing stay in order.
        let ordered = relevant.filter { $0.event.severity == "emergency" } + relevant.filter { $0.event.severity != "emergency" }
        for start in stride(from: 0, to: ordered.count, by: Self.ticketsPerTransaction) {
            recordFirings(ordered[start..<min(start + Self.ticketsPerTransaction, ordered.count)])
        }
    }

    private func recordFirings(_ firings: ArraySlice<Firing>) {
        record("alert events") { ledger in
            var happenings: [TicketDesk.Happening] = []
            for firing in firings {
                let event = firing.event
                if event.kind == .firing {
                    happenings += try desk.alertFired(TicketDesk.Alert(event, rule: firing.rule, device: firing.device), at: event.atMs, in: &ledger)
                } else {
                    happenings += try desk.alertCleared(rule: event.ruleID, device: event.deviceID, at: event.atMs, in: &ledger)
                }
            }
            return happenings
        }
    }

    /// Staff positions just stored: whoever reached the place they were sent to has arrived.
    public func positionsReported(_ reports: [StaffPositionReport], nowMs: Int64) {
        guard desk.dispatch != nil, !reports.isEmpty else { return }
        record("staff positions") { ledger in
            var happenings: [TicketDesk.Happening] = []
            for report in reports { happenings += try desk.positionReported(report, at: nowMs, in: &ledger) }
            return happenings
        }
    }

    /// Fires warnings, transfers and breaches due by `nowMs`. The ticket clocks run on the wall
    /// clock even while the broker link is down: staff owe an answer whatever the sensors do.
    public func timePassed(nowMs: Int64) {
        // Requests stored but not yet opened (the ingest nudge was lost to a crash, or another
        // instance stored them) are opened before the clocks run.
        openWaitingRequests()
        // A step at a time; a failed step ends the round (the next tick tries again).
        while (try? database.hasTicketsDue(by: nowMs)) != false,
              record("clock", { ledger in try desk.timePassed(to: nowMs, limit: Self.ticketsPerTransaction, in: &ledger) }) {}
    }

    /// At start: every active ticket's next deadline under the current settings (an edited
    /// acknowledgement timeout applies from now on), and whatever fell due while we were down
    /// fires at once, once.
    public func resume(nowMs: Int64) {
        record("resume") { ledger in
            for id in try ledger.activeTicketIDs() {
                guard let ticket = try ledger.ticket(id: id) else { continue }
                try ledger.save(ticket, nextDeadline: TicketLifecycle(resuming: ticket, settings: desk.settings).nextDeadline())
            }
            return try desk.timePassed(to: nowMs, in: &ledger)
        }
        openWaitingRequests()
        refreshGauges()
    }

    /// Open tickets by tier and level, for `/metrics`.
    public func refreshGauges() {
        guard let metrics else { return }
        if let counts = try? database.activeTicketCounts() { metrics.setOpenTickets(counts) }
    }

    /// Commits `change`; false when it failed (logged and counted).
    @discardableResult
    private func record(_ what: String, _ change: (inout any StoreTicketLedger) throws -> [TicketDesk.Happening]) -> Bool {
        do {
            _ = try commit(what, actor: "rules", change)
            return true
        } catch {
            // The alert events are stored already; the ticket change is what is missing.
            logger.error("ticket update failed", metadata: ["during": "\(what)", "error": "\(error)"])
            metrics?.ticketEvent("update_failed")
            return false
        }
    }

    /// Runs `change` in one transaction together with the live events it causes, then wakes
    /// the event consumers. `actor` is who caused what is not clock-driven.
    func commit(_ what: String, actor: String, _ change: (inout any StoreTicketLedger) throws -> [TicketDesk.Happening]) throws -> [TicketDesk.Happening] {
        let zone = desk.settings.calendar.timeZone
        let (happenings, events) = try database.updateTickets { ledger in
            let happenings = try change(&ledger)
            return (happenings, try ledger.recordEvents(of: happenings, actor: actor, timeZone: zone))
        }
        if !events.isEmpty { bell.ring(committed: events) }
        for happening in happenings { log(happening) }
        return happenings
    }

    private func log(_ happening: TicketDesk.Happening) {
        let ticket = happening.ticket
        let name: String
        switch happening.action {
        case .none: return
        case .opened: name = "ticket_opened"
        case .updated: name = "ticket_updated"
        case let .warned(level, clock): name = clock == .respond ? "ticket_warned_\(level)" : "ticket_\(clock.rawValue)_warned_\(level)"
        case .transferred: name = "ticket_transferred"
        case .responseBreached: name = "ticket_response_breached"
        case .resolutionBreached: name = "ticket_resolution_breached"
        case let .resolved(automatically): name = automatically ? "ticket_auto_resolved" : "ticket_resolved"
        case .reopened: name = "ticket_reopened"
        case .fellBackToOpen: name = "ticket_ack_timeout"
        case .dispatched(nil): name = "ticket_not_dispatched"
        case .dispatched: name = "ticket_dispatched"
        case .arrived: name = "ticket_arrived"
        case let .followedUp(outcome): name = "ticket_followed_up_\(outcome.rawValue)"
        default: name = "ticket_changed"
        }
        metrics?.ticketEvent(name)
        let metadata: Logger.Metadata = ["ticket": "\(ticket.id)", "rule": "\(ticket.rule)", "device": "\(ticket.device)", "severity": "\(ticket.severity)",
                                         "team": "\(ticket.team)", "level": "\(ticket.escalationLevel)",
                                         "respond_by": "\(RFC3339.format(milliseconds: ticket.respondBy, timeZone: desk.settings.calendar.timeZone))"]
        // Titles and locations, never readings: a wristband's values are personal data.
        if ticket.severity == "emergency" || name.hasPrefix("ticket_warned") || name == "ticket_transferred" || name.contains("breached") {
            logger.warning("\(name)", metadata: metadata)
        } else {
            logger.info("\(name)", metadata: metadata)
        }
    }
}
