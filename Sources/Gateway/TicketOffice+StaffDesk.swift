import HTTPAPI
import Tickets

// The HTTP layer's view of the office lives here, so the ticket write path itself does not
// depend on the API target.
/// Staff actions from the HTTP API, through the same desk and transaction as the rules' changes.
extension TicketOffice: StaffDesk {
    public func act(_ event: TicketEvent, on ticketID: String, by actor: String) throws -> Ticket {
        let now = nowMs()
        let happenings = try commit("staff action", actor: actor) { ledger in try desk.handle(event, ticketID: ticketID, at: now, by: actor, in: &ledger) }
        // The desk appends the staff's own change last; the stored ticket carries the whole timeline.
        return try database.ticket(id: ticketID) ?? happenings.last!.ticket
    }

    public var catalogue: DemandCatalogue { desk.catalogue }

    public func open(_ request: TicketDesk.Request, by actor: String) throws -> Ticket {
        let now = nowMs()
        let happenings = try commit("request", actor: actor) { ledger in try desk.open(request, at: now, by: actor, in: &ledger) }
        let opened = happenings.last!.ticket
        return try database.ticket(id: opened.id) ?? opened
    }
}
