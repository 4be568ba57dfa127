import Devices
import Formats
import Foundation
import Testing
import Tickets

/// Shared fixtures for the ticket tests: virtual time in epoch ms, a ticket opened in any state.
enum TicketFixture {
    static let minute: Int64 = 60_000
    static let hour: Int64 = 3_600_000
    static let zone = TimeZone(identifier: "Asia/Shanghai") ?? .gmt
    /// Tests live at Tests/TicketsTests/X.swift: the repository root is three levels up.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    /// Monday 2 March 2026, 10:00 in Shanghai: an ordinary working morning.
    static let t0: Int64 = 1_772_416_800_000

    static func ms(_ text: String) throws -> Int64 { try #require(RFC3339.parseMilliseconds(text)) }
    static func text(_ ms: Int64) -> String { RFC3339.format(milliseconds: ms, timeZone: zone) }

    static func cn2026() throws -> WorkCalendar {
        var diagnostics = DiagnosticList()
        let calendar = WorkCalendar.load(path: root.appendingPathComponent("config/calendars/cn-2026.yaml").path, diagnostics: &diagnostics)
        #expect(diagnostics.items.isEmpty, "\(diagnostics.items)")
        return try #require(calendar)
    }

    static func settings(calendar: WorkCalendar = .standard(timeZone: zone), warnings: WarningPolicy = .standard,
                         ackTimeoutMs: Int64? = nil) -> TicketSettings {
        TicketSettings(calendar: calendar, warnings: warnings,
                       hierarchy: TeamHierarchy(chain: ["grid", "community", "street_office"]), ackTimeoutMs: ackTimeoutMs)
    }

    static func ticket(tier: String = "emergency", policy: SLAPolicy? = nil, at openedAt: Int64 = t0, autoResolvable: Bool = false,
                       lifeSafety: Bool = false, team: String = "grid") -> Ticket {
        Ticket(id: "T-1", rule: "smoke_alarm", device: "smoke-0101", deviceType: "smoke", community: "maple", building: "1",
               unit: "101", severity: tier, category: "fire", title: "Smoke alarm in 1-101", team: team,
               policy: policy ?? SLAPolicy.defaults[tier]!, openedAt: openedAt, autoResolvable: autoResolvable, lifeSafety: lifeSafety)
    }

    static func open(tier: String = "emergency", at openedAt: Int64 = t0, autoResolvable: Bool = false, lifeSafety: Bool = false,
                     settings: TicketSettings = settings()) -> TicketLifecycle {
        TicketLifecycle(opening: ticket(tier: tier, at: openedAt, autoResolvable: autoResolvable, lifeSafety: lifeSafety),
                        by: "rule:smoke_alarm", settings: settings)
    }

    /// A fresh emergency ticket brought into `state` by the usual route.
    static func inState(_ state: Ticket.State) throws -> TicketLifecycle {
        var lifecycle = open()
        let at = t0 + minute
        switch state {
        case .open: break
        case .acknowledged: _ = try lifecycle.eventHappened(.acknowledge, at: at, by: "wang")
        case .inProgress: _ = try lifecycle.eventHappened(.start, at: at, by: "wang")
        case .pending: _ = try lifecycle.eventHappened(.pend(reason: "waiting for the resident"), at: at, by: "wang")
        case .resolved: _ = try lifecycle.eventHappened(.resolve(note: "reset the detector"), at: at, by: "wang")
        case .closed:
            _ = try lifecycle.eventHappened(.resolve(note: "reset the detector"), at: at, by: "wang")
            _ = try lifecycle.eventHappened(.close, at: at + minute, by: "chen")
        case .cancelled: _ = try lifecycle.eventHappened(.cancel(reason: "cooking smoke"), at: at, by: "wang")
        }
        #expect(lifecycle.ticket.state == state)
        return lifecycle
    }

    /// Encodes and decodes the ticket as storage would, and resumes it: a simulated restart.
    static func restarted(_ lifecycle: TicketLifecycle) throws -> TicketLifecycle {
        let data = try JSONEncoder().encode(lifecycle.ticket)
        let ticket = try JSONDecoder().decode(Ticket.self, from: data)
        #expect(ticket == lifecycle.ticket)
        return TicketLifecycle(resuming: ticket, settings: lifecycle.settings)
    }
}

/// Reading JSON the tests get back, by key, without a decoder for every shape.
extension JSONValue {
    subscript(key: String) -> JSONValue? {
        if case let .object(object) = self { return object[key] }
        return nil
    }

    var string: String? {
        if case let .string(text) = self { return text }
        return nil
    }
}
