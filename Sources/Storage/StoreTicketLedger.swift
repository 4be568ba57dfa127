import Foundation
import Tickets

/// A `TicketLedger` inside one store transaction, which also records the live events of the
/// changes it keeps: both commit together, so a consumer never sees an event of a change that
/// rolled back nor misses one of a change that committed. One per engine (SQLite, PostgreSQL).
public protocol StoreTicketLedger: TicketLedger {
    /// Records ticket events in this transaction, each given its `seq`; returns them as stored.
    @discardableResult
    func appendEvents(_ events: [StoredTicketEvent]) throws -> [StoredTicketEvent]
    /// Active tickets, for re-arming their deadlines after a configuration change.
    func activeTicketIDs() throws -> [String]
    /// Stores `request` unless its (community, request id) is stored already; returns the stored one.
    func recordRequest(_ request: ResidentRequest) throws -> StoredResidentRequest
    /// Sets the request's ticket unless it has one; false when another transaction got there first.
    func linkRequest(community: String, requestID: String, ticketID: String) throws -> Bool
    /// Records a period's publication, the first record (all communities) first; false, with
    /// nothing recorded, when that period was published already (by this or another instance).
    func claimReportPublication(_ records: [ReportPublication]) throws -> Bool
    /// Active tickets of one rule in one community (an indicator's alarm tickets), in id order.
    func activeTicketIDs(rule: String, community: String) throws -> [String]
}

extension StoreTicketLedger {
    /// The live events of `happenings` (docs/api.md), recorded in this transaction: whoever
    /// changes tickets (the gateway, the command line) tells SSE, MQTT and webhooks the same way.
    /// `actor` caused what no deadline did. Returns them as stored, each with its `seq`.
    @discardableResult
    public func recordEvents(of happenings: [TicketDesk.Happening], actor: String, timeZone: TimeZone) throws -> [StoredTicketEvent] {
        let events = happenings.compactMap { happening -> StoredTicketEvent? in
            guard let message = happening.message(actor: happening.action.isClockDriven ? "gridwatch" : actor, timeZone: timeZone) else { return nil }
            return StoredTicketEvent(seq: 0, atMs: happening.atMs, event: message.event, ticketID: happening.ticket.id,
                                     community: happening.ticket.community, severity: happening.ticket.severity, body: message.body.jsonText,
                                     aboutRequest: happening.ticket.requestID != nil)
        }
        return try appendEvents(events)
    }

    /// A ticket event body with its seq as the first member, as every consumer receives it.
    public static func numberedBody(_ body: String, seq: Int64) -> String {
        "{\"seq\":\(seq)" + (body == "{}" ? "}" : "," + body.dropFirst())
    }
}
