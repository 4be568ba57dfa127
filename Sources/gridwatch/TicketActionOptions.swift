import ArgumentParser
import Devices
import Formats
import Foundation
import Gateway
import Storage
import Tickets

/// What every action takes: who acts (recorded in the timeline), when, and the output format.
struct TicketActionOptions: ParsableArguments {
    @OptionGroup var store: StoreOptions
    @Option(help: "The person acting, recorded in the timeline (with --api: the token's owner, which --by must match if given).") var by: String?
    @Option(help: "When it happened, RFC 3339 (default now); e.g. a call taken before it was typed in.") var at: String?
    @Option(help: "text or json.") var format: OutputFormat = .text
    @OptionGroup var remote: RemoteOptions

    func validate() throws {
        if remote.api == nil, (by ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("--by needs a name: the timeline records who acted")
        }
        if remote.api != nil, at != nil { throw ValidationError("--at is for the database; the API records the time of the request") }
    }

    /// The API client with `--api`, after checking that `--by` names the token's owner.
    func remoteClient() throws -> TicketsRemote? {
        guard let client = try remote.client() else { return nil }
        if let by, case let .object(whoami) = try client.get("/api/v1/whoami"), case let .string(name)? = whoami["name"], name != by {
            throw CommandFailure("--by \(by) does not match the token's owner '\(name)', whom the gateway records as the actor")
        }
        return client
    }

    /// Prints a ticket the API answered with.
    func printRemote(_ ticket: JSONValue, what: String) {
        guard format == .text else { return Swift.print(ticket.jsonText) }
        if case let .object(object) = ticket, case let .string(id)? = object["id"], case let .string(state)? = object["state"] {
            Swift.print("\(id): \(what); now \(state)")
        }
    }

    func nowMs() throws -> Int64 {
        guard let at else { return Int64(Date().timeIntervalSince1970 * 1000) }
        guard let date = RFC3339.parse(at) else { throw ValidationError("--at must be RFC 3339, e.g. 2026-11-23T08:05:00+08:00") }
        // The future would run every ticket's clocks ahead and fire warnings early.
        guard date.timeIntervalSinceNow < 60 else { throw ValidationError("--at lies in the future; it is for recording what already happened") }
        return Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    /// Applies `event` to ticket `id` and prints the result.
    func apply(_ event: TicketEvent, to id: String) throws {
        if let client = try remoteClient() {
            guard let (action, text) = event.staffAction else { throw CommandFailure("\(event.name) is not a staff action") }
            let path = "/api/v1/tickets/\(id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? id)/\(action.name)"
            return printRemote(try client.post(path, action.field.map { [$0: .string(text)] } ?? [:]), what: TicketText.describe(event))
        }
        let database = try store.openDatabase()
        let desk = try store.loadTicketDesk()
        let nowMs = try nowMs()
        let happenings: [TicketDesk.Happening]
        do {
            happenings = try database.updateTickets { ledger in
                // Events too: a running gateway streams them (SSE, MQTT, webhooks) at its next look.
                let happenings = try desk.handle(event, ticketID: id, at: nowMs, by: by ?? "", in: &ledger)
                try ledger.recordEvents(of: happenings, actor: by ?? "", timeZone: desk.settings.calendar.timeZone)
                return happenings
            }
        } catch let error as TicketTransitionError {
            throw CommandFailure("\(id): \(error)")
        } catch let error as TicketDeskError {
            throw CommandFailure("\(error)")
        }
        try report(happenings, database: database, timeZone: desk.settings.calendar.timeZone)
    }

    /// Prints the ticket the last happening is about (and any warnings that fell due first).
    func report(_ happenings: [TicketDesk.Happening], database: any GatewayStore, timeZone zone: TimeZone) throws {
        guard let last = happenings.last, let ticket = try database.ticket(id: last.ticket.id) else { return }
        switch format {
        case .json: print(ticket.contractJSON(timeZone: zone, withTimeline: true).jsonText)
        case .text:
            for happening in happenings.dropLast() where happening.ticket.id != ticket.id || happening.action != .none {
                print("\(happening.ticket.id): \(TicketText.describe(happening.action))")
            }
            print("\(ticket.id): \(TicketText.describe(last.action)); now \(ticket.state.rawValue)")
        }
    }
}
