import Devices
import Formats
import Foundation
import Tickets

/// Tickets as the API returns them (`--api`), in the same terminal layout as from the database.
extension TicketText {
    static func row(json ticket: JSONValue) -> String {
        guard case let .object(object) = ticket else { return ticket.jsonText }
        func text(_ key: String) -> String {
            switch object[key] {
            case let .string(value)?: value
            case let .int(value)?: String(value)
            default: "-"
            }
        }
        let place = [text("building"), text("unit")].filter { $0 != "-" && !$0.isEmpty }.joined(separator: "-")
        let state = text("state")
        let due = ["open", "acknowledged", "in_progress", "pending"].contains(state)
            ? (object["acknowledged_at"] == .null ? "respond by \(text("respond_by"))" : "resolve by \(text("resolve_by"))") : state
        return [text("id"), state, text("severity"), "L\(text("escalation_level"))", due, text("team"), text("device"),
                place.isEmpty ? text("community") : place, text("title")].joined(separator: "\t")
    }

    static func detail(json ticket: JSONValue) -> String {
        guard case let .object(object) = ticket else { return ticket.jsonText }
        var lines = [row(json: ticket)]
        for key in ["opened_at", "respond_by", "resolve_by", "acknowledged_at", "resolved_at", "assignee", "request"] {
            if case let .string(value)? = object[key] { lines.append("\(key.replacingOccurrences(of: "_", with: " "))".padding(toLength: 13, withPad: " ", startingAt: 0) + value) }
        }
        if case let .array(entries)? = object["timeline"] {
            lines.append("timeline")
            for case let .object(entry) in entries {
                let fields = ["at", "actor", "action", "detail"].map { key -> String in
                    if case let .string(value)? = entry[key] { return value }
                    return ""
                }
                lines.append("  \(fields[0])  \(fields[1].padding(toLength: 10, withPad: " ", startingAt: 0)) \(fields[2])\(fields[3].isEmpty ? "" : ": \(fields[3])")")
            }
        }
        return lines.joined(separator: "\n")
    }

    /// What a staff action did, for the one-line answer.
    static func describe(_ event: TicketEvent) -> String {
        switch event {
        case .acknowledge: "acknowledged"
        case .start: "in progress"
        case .pend: "pending (resolution clock paused)"
        case .resume: "resumed"
        case .resolve: "resolved"
        case .close: "closed"
        case .reopen: "reopened"
        case .cancel: "cancelled"
        case let .assign(person): "assigned to \(person)"
        case .decline: "declined; dispatching again"
        case .comment: "comment added"
        case let .followUp(answer): answer.reached ? "follow-up recorded" : "follow-up attempt recorded (not reached)"
        case .alertFired, .alertCleared: event.name
        }
    }
}

extension TicketsCommand.List {
    /// The same list through a gateway's API.
    func listRemotely(_ client: TicketsRemote) throws {
        var query = ["limit=\(min(max(limit, 1), 5000))"]
        if state != "all" { query.append("state=\(state)") }
        for (name, value) in [("severity", severity), ("community", community), ("building", building), ("grid", grid), ("device", device), ("team", team),
                                ("category", category), ("item", item)] {
            if let value, let encoded = value.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) { query.append("\(name)=\(encoded)") }
        }
        if let level { query.append("level=\(level)") }
        guard case let .object(answer) = try client.get("/api/v1/tickets?" + query.joined(separator: "&")),
              case let .array(tickets)? = answer["tickets"] else { throw CommandFailure("the API's answer has no ticket list") }
        switch format {
        case .json: print(JSONValue.array(tickets).jsonText)
        case .text:
            if tickets.isEmpty { print("no tickets") }
            for ticket in tickets { print(TicketText.row(json: ticket)) }
        }
    }
}
