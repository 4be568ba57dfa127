import Devices
import Foundation
import Tickets

/// What submitting a request did: its stored row with the ticket, and whether this call
/// opened the ticket (false: a repeat, answered with the ticket opened before).
public struct SubmittedRequest: Sendable {
    public var stored: StoredResidentRequest
    public var ticket: Ticket?
    public var created: Bool

    public init(stored: StoredResidentRequest, ticket: Ticket?, created: Bool) {
        self.stored = stored
        self.ticket = ticket
        self.created = created
    }
}

/// One request, one ticket: the desk's side of a resident's request inside a ticket
/// transaction, shared by the gateway's office and the staff commands' desks.
extension StoreTicketLedger {
    /// Stores `request` unless stored already and opens its ticket (at `place`) unless it has
    /// one. The request row gets its ticket in this transaction: both commit or neither.
    public mutating func submit(_ request: ResidentRequest, place: Device?, desk: TicketDesk, at nowMs: Int64,
                                by actor: String) throws -> (outcome: SubmittedRequest, happenings: [TicketDesk.Happening]) {
        let stored = try recordRequest(request)
        if let id = stored.ticketID { return (SubmittedRequest(stored: stored, ticket: try ticket(id: id), created: false), []) }
        var asked = request.deskRequest
        asked.place = place
        let happenings = try desk.open(asked, at: nowMs, by: actor, in: &self)
        guard let ticket = happenings.last?.ticket,
              try linkRequest(community: request.community, requestID: request.requestID, ticketID: ticket.id) else {
            throw TicketDeskError.missingField("a ticket for request \(request.requestID) (another transaction linked it)")
        }
        var linked = stored
        linked.ticketID = ticket.id
        return (SubmittedRequest(stored: linked, ticket: ticket, created: true), happenings)
    }
}
