import Devices
import Formats
import Foundation
import Tickets

/// Tickets as a duty officer reads them in a terminal: one line in a list, a page for `show`.
enum TicketText {
    static func row(_ ticket: Ticket, nowMs: Int64, timeZone: TimeZone) -> String {
        let due = ticket.responseClockRunning ? "respond \(left(ticket.respondBy - nowMs))"
            : ticket.state.isActive ? "resolve \(left(ticket.resolveBy - nowMs))" : ticket.state.rawValue
        let place = [ticket.building, ticket.unit].filter { !$0.isEmpty }.joined(separator: "-")
        return [ticket.id, ticket.state.rawValue, ticket.severity, "L\(ticket.escalationLevel)", due, ticket.team,
                ticket.device.isEmpty ? "-" : ticket.device, place.isEmpty ? ticket.community : place, ticket.title].joined(separator: "\t")
    }

    static func detail(_ ticket: Ticket, nowMs: Int64, timeZone: TimeZone) -> String {
        func time(_ ms: Int64?) -> String { ms.map { RFC3339.format(milliseconds: $0, timeZone: timeZone) } ?? "-" }
        var lines = [
            "\(ticket.id)  \(ticket.title)",
            "state        \(ticket.state.rawValue)\(ticket.autoResolved ? " (automatically)" : "")",
            "tier         \(ticket.severity) (respond within \(ticket.policy.respond), resolve within \(ticket.policy.resolve))",
            "where        \(ticket.community) \([ticket.building, ticket.unit].filter { !$0.isEmpty }.joined(separator: "-"))",
            "device       \(ticket.device.isEmpty ? "-" : "\(ticket.device) (\(ticket.deviceType))")  rule \(ticket.rule)",
            "team         \(ticket.team)\(ticket.assignee.map { ", assigned to \($0)" } ?? "")",
            "opened       \(time(ticket.openedAt))  occurrences \(ticket.occurrences), last \(time(ticket.lastOccurrenceAt))",
            "respond by   \(time(ticket.respondBy))\(ticket.responseClockRunning ? " (\(left(ticket.respondBy - nowMs)))" : "")\(ticket.responseBreached ? "  BREACHED" : "")",
            "resolve by   \(time(ticket.resolveBy))\(ticket.resolutionClockRunning ? " (\(left(ticket.resolveBy - nowMs)))" : "")\(ticket.resolutionBreached ? "  BREACHED" : "")",
            "warnings     level \(ticket.escalationLevel) of 3; due \(ticket.warnAt.map { time($0) }.joined(separator: ", "))",
        ]
        if let request = ticket.request { lines.append("request      \(request)") }
        if let linked = ticket.linkedTo { lines.append("follows      \(linked)") }
        if let lat = ticket.latitude, let lon = ticket.longitude { lines.append("last fix     \(lat), \(lon)") }
        if let latest = ticket.evidence.last { lines.append("evidence     \(time(latest.atMs)) \(latest.valuesJSON)") }
        lines.append("timeline")
        for entry in ticket.timeline {
            lines.append("  \(time(entry.at))  \(entry.actor.padding(toLength: 10, withPad: " ", startingAt: 0)) \(entry.action)\(entry.detail.isEmpty ? "" : ": \(entry.detail)")")
        }
        return lines.joined(separator: "\n")
    }

    /// "12 min left" or "3.5 h overdue".
    static func left(_ ms: Int64) -> String {
        let minutes = Double(abs(ms)) / 60_000
        let amount = minutes < 90 ? "\(Int(minutes.rounded())) min" : String(format: "%.1f h", minutes / 60)
        return ms >= 0 ? "\(amount) left" : "\(amount) overdue"
    }

    static func describe(_ action: TicketAction) -> String {
        switch action {
        case .none: "recorded"
        case .opened: "opened"
        case .updated: "repeat occurrence"
        case .acknowledged: "acknowledged"
        case .started: "in progress"
        case .pended: "pending (resolution clock paused)"
        case .resumed: "resumed"
        case let .resolved(automatically): automatically ? "resolved automatically" : "resolved"
        case .closed: "closed"
        case let .reopened(cycle): "reopened (cycle \(cycle))"
        case .cancelled: "cancelled"
        case let .assigned(person): "assigned to \(person)"
        case .commented: "comment added"
        case let .warned(level, .respond): "warning level \(level)"
        case let .warned(level, .resolve): "resolution warning level \(level)"
        case .followUpOverdue: "follow-up overdue"
        case let .transferred(team, clock): "transferred to \(team)" + (clock == .resolve ? " (resolution overdue)" : "")
        case .responseBreached: "response deadline breached"
        case .resolutionBreached: "resolution deadline breached"
        case .fellBackToOpen: "acknowledgement timed out; back to open"
        case let .dispatched(assignee?): "dispatched to \(assignee)"
        case .dispatched(nil): "nobody available to dispatch"
        case let .declined(person): "declined by \(person)"
        case let .arrived(person): "\(person) arrived"
        case let .followedUp(outcome): "followed up: \(outcome.rawValue.replacingOccurrences(of: "_", with: " "))"
        }
    }
}
