/// The staff's actions by the names the API and the command line use (docs/api.md), each with
/// the body field that carries its text: one table, so the routes, the remote CLI and the
/// buttons a ticket offers never disagree.
extension TicketEvent {
    /// One action: its name, the field holding its text (nil: none), whether that text is
    /// required, and the event it makes.
    public struct StaffAction: Sendable {
        public let name: String
        public let field: String?
        public let textRequired: Bool
        public let make: @Sendable (String) -> TicketEvent
    }

    public static let staffActions: [StaffAction] = [
        StaffAction(name: "ack", field: nil, textRequired: false) { _ in .acknowledge },
        StaffAction(name: "start", field: nil, textRequired: false) { _ in .start },
        StaffAction(name: "pending", field: "reason", textRequired: true) { .pend(reason: $0) },
        StaffAction(name: "resume", field: nil, textRequired: false) { _ in .resume },
        StaffAction(name: "resolve", field: "note", textRequired: false) { .resolve(note: $0) },
        StaffAction(name: "close", field: nil, textRequired: false) { _ in .close },
        StaffAction(name: "reopen", field: "reason", textRequired: true) { .reopen(reason: $0) },
        StaffAction(name: "cancel", field: "reason", textRequired: true) { .cancel(reason: $0) },
        StaffAction(name: "assign", field: "to", textRequired: true) { .assign(person: $0) },
        StaffAction(name: "decline", field: "reason", textRequired: true) { .decline(reason: $0) },
        StaffAction(name: "comment", field: "text", textRequired: true) { .comment(text: $0) },
    ]

    /// The action a staff event is, with its text; nil for the rules' own events.
    public var staffAction: (action: StaffAction, text: String)? {
        let (name, text): (String, String) = switch self {
        case .acknowledge: ("ack", "")
        case .start: ("start", "")
        case let .pend(reason): ("pending", reason)
        case .resume: ("resume", "")
        case let .resolve(note): ("resolve", note)
        case .close: ("close", "")
        case let .reopen(reason, _): ("reopen", reason)
        case let .cancel(reason): ("cancel", reason)
        case let .assign(person): ("assign", person)
        case let .decline(reason): ("decline", reason)
        case let .comment(comment): ("comment", comment)
        // A follow-up carries scores, not one text: its own route and command send it.
        case .alertFired, .alertCleared, .followUp: ("", "")
        }
        return Self.staffActions.first { $0.name == name }.map { ($0, text) }
    }
}
