import Devices
import Foundation

/// Requests a resident makes by phone or at the front desk: the same tickets, clocks and
/// warnings as a sensor's alarm, so the standard's figures cover both.
extension TicketDesk {
    /// What the person at the desk writes down.
    public struct Request: Sendable {
        public var category: String
        /// A tier: `emergency`, `general`, `complex`, or one from the configuration.
        public var severity: String
        public var community: String
        public var building: String
        public var unit: String
        /// What the resident asked for, in their words.
        public var text: String
        /// A device the request is about, when there is one (a lock that jams).
        public var device: Device?
        /// A device of the resident's unit, for its grid and position when `device` is nil.
        public var place: Device?
        /// The skill the job needs (`plumbing`), for dispatch; nil: the item's, the route's, else anyone.
        public var skill: String?
        /// The catalogue item asked for (`lock_repair`): it sets the category (its class), the team
        /// and the skill, and the tier when `severity` is empty.
        public var item: String?
        /// A resident's own request id (MQTT or `POST /api/v1/requests`): one ticket per id.
        public var requestID: String?
        /// The channel: the MQTT topic's source, `api`, `phone` or `visit`; nil when staff logged it.
        public var source: String?
        /// What raised it when no person did (`kpi:device_health` for an indicator's alarm); nil: `request`.
        public var rule: String?
        /// Titles in both languages; nil: the text's first line, as a person wrote it.
        public var titles: DemandCatalogue.LocalizedTitle?
        /// The figures behind it, kept as the ticket's evidence.
        public var evidence: [TicketEvidence] = []

        public init(category: String, severity: String, community: String, building: String = "", unit: String = "",
                    text: String, device: Device? = nil) {
            self.category = category
            self.severity = severity
            self.community = community
            self.building = building
            self.unit = unit
            self.text = text
            self.device = device
        }
    }

    /// Opens a ticket for `request`, logged by `actor`.
    public func open(_ asked: Request, at nowMs: Int64, by actor: String, in ledger: inout some TicketLedger) throws -> [Happening] {
        var request = asked
        var item: DemandCatalogue.Item?
        if let id = request.item {
            guard let found = catalogue[id] else { throw TicketDeskError.unknownItem(id, known: catalogue.items.map(\.id)) }
            item = found
            request.category = found.classID
            if request.severity.isEmpty { request.severity = found.tier }
        }
        let text = request.text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw TicketDeskError.missingField("its text (what the resident asked)") }
        guard !request.category.isEmpty else { throw TicketDeskError.missingField("a category") }
        guard !request.community.isEmpty else { throw TicketDeskError.missingField("a community") }
        guard policies[request.severity] != nil else { throw TicketDeskError.unknownTier(request.severity, known: policies.keys.sorted()) }
        var happenings = try timePassed(to: nowMs, in: &ledger)
        var route = router.route(community: request.community, building: request.building, category: request.category)
        if let team = item?.team { route.team = team }
        let firstLine = text.split(separator: "\n").first.map(String.init) ?? text
        var ticket = Ticket(id: try ledger.newTicketID(), rule: request.rule ?? "request", device: request.device?.id ?? "", deviceType: request.device?.type ?? "",
                            community: request.community, building: request.building, unit: request.unit, severity: request.severity,
                            category: request.category, title: request.titles?.en ?? String(firstLine.prefix(80)),
                            team: route.team,
                            policy: policy(for: request.severity), openedAt: nowMs,
                            // A person reported it, so a person closes it.
                            autoResolvable: false, lifeSafety: request.severity == "emergency")
        ticket.request = text
        ticket.titleZh = request.titles?.zh
        ticket.evidence = Array(request.evidence.suffix(Ticket.evidenceLimit))
        ticket.assignee = route.assignee
        ticket.item = item?.id
        ticket.requestID = request.requestID
        ticket.source = request.source
        ticket.skill = request.skill ?? item?.skill ?? route.skill
        if let place = request.place ?? request.device { ticket.place(at: place) }
        happenings += try opened(TicketLifecycle(opening: ticket, by: actor, settings: settings), at: nowMs, in: &ledger)
        return happenings
    }
}
