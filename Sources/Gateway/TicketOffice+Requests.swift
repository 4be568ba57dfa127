import Foundation
import Storage
import Tickets

/// Residents' requests become tickets here: one per (community, request id), whichever path
/// stored it (MQTT's ingest batch, the API) and however often. The request row's ticket is set
/// in the transaction that opens the ticket, so a crash between storing and opening leaves the
/// request waiting (opened on the next tick), never half-done, and a repeat finds its ticket.
extension TicketOffice {
    /// Stores `request` unless stored already and opens its ticket unless it has one, in one
    /// transaction. A ticket desk refusal (a tier gone from the configuration) is thrown.
    public func submit(_ request: ResidentRequest, by actor: String) throws -> SubmittedRequest {
        let place = try database.place(of: request.deskRequest)
        let now = max(nowMs(), request.receivedAtMs)
        var outcome: SubmittedRequest?
        _ = try commit("resident request", actor: actor) { ledger in
            let result = try ledger.submit(request, place: place, desk: desk, at: now, by: actor)
            outcome = result.outcome
            return result.happenings
        }
        guard var result = outcome else { throw TicketOfficeError("request \(request.requestID) was not recorded") }
        if let id = result.stored.ticketID { result.ticket = try database.ticket(id: id) ?? result.ticket }
        return result
    }

    /// Opens the tickets of stored requests still waiting (after an ingest batch, every tick,
    /// at start): each in its own transaction, so one refused request holds up no other.
    public func openWaitingRequests() {
        let waiting: [ResidentRequest]
        do {
            waiting = try database.residentRequestsWaiting(limit: 100)
        } catch {
            logger.error("reading waiting resident requests failed", metadata: ["error": "\(error)"])
            return
        }
        for request in waiting where !requestRefusals.withLock({ $0.contains(Self.requestKey(request)) }) {
            do {
                _ = try submit(request, by: request.source)
            } catch {
                // Left waiting and not retried by this process: a restart (after the
                // configuration is mended) tries again.
                requestRefusals.withLock { _ = $0.insert(Self.requestKey(request)) }
                logger.error("a resident request could not open a ticket",
                             metadata: ["community": "\(request.community)", "request_id": "\(request.requestID)", "error": "\(error)"])
                metrics?.ticketEvent("request_failed")
            }
        }
    }

    static func requestKey(_ request: ResidentRequest) -> String { request.community + "\u{1F}" + request.requestID }
}

/// A ticket office failure with a message for the operator.
public struct TicketOfficeError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
