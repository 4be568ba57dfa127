import ArgumentParser

/// The staff's actions on one ticket, one row each; each is a timeline entry with `--by` as
/// its actor. A new verb is a row here and an entry in `verbs`.
extension TicketsCommand {
    /// The verbs in the order `gridwatch tickets --help` lists them.
    static var verbs: [ParsableCommand.Type] {
        [TicketVerbCommand<Ack>.self, TicketVerbCommand<Start>.self, TicketVerbCommand<Pend>.self,
         TicketVerbCommand<Resume>.self, TicketVerbCommand<Resolve>.self, TicketVerbCommand<Close>.self,
         TicketVerbCommand<Reopen>.self, TicketVerbCommand<Cancel>.self, TicketVerbCommand<Assign>.self,
         TicketVerbCommand<Decline>.self, TicketVerbCommand<Comment>.self]
    }

    enum Ack: TicketVerbRow {
        typealias Detail = NoTicketVerbOption
        static let verb = TicketVerb(name: "ack", abstract: "Acknowledge: stops the response clock.") { _ in .acknowledge }
    }

    enum Start: TicketVerbRow {
        typealias Detail = NoTicketVerbOption
        static let verb = TicketVerb(name: "start", abstract: "Work started (in_progress); acknowledges too if nobody had.") { _ in .start }
    }

    enum Pend: TicketVerbRow {
        typealias Detail = RequiredTicketVerbOption<Self>
        static let verb = TicketVerb(
            name: "pend", abstract: "Waiting on something outside the team: pauses the resolution clock (never the response clock).",
            option: ("reason", "Why (required): parts on order, no access to the flat, ...")) { .pend(reason: $0) }
    }

    enum Resume: TicketVerbRow {
        typealias Detail = NoTicketVerbOption
        static let verb = TicketVerb(name: "resume", abstract: "End a pause: the resolution deadline moves on by its length.") { _ in .resume }
    }

    enum Resolve: TicketVerbRow {
        typealias Detail = OptionalTicketVerbOption<Self>
        static let verb = TicketVerb(name: "resolve", abstract: "Resolve: stops the resolution clock.",
                                     option: ("note", "What was done.")) { .resolve(note: $0) }
    }

    enum Close: TicketVerbRow {
        typealias Detail = NoTicketVerbOption
        static let verb = TicketVerb(name: "close", abstract: "Close a resolved ticket (the loop is closed with the resident).") { _ in .close }
    }

    enum Reopen: TicketVerbRow {
        typealias Detail = RequiredTicketVerbOption<Self>
        static let verb = TicketVerb(
            name: "reopen", abstract: "Reopen a resolved or closed ticket: a new clock cycle, counted as remediation.",
            option: ("reason", "Why (required).")) { .reopen(reason: $0) }
    }

    enum Cancel: TicketVerbRow {
        typealias Detail = RequiredTicketVerbOption<Self>
        static let verb = TicketVerb(
            name: "cancel", abstract: "Cancel: a false alarm or a duplicate (counted in the false-alarm rate).",
            option: ("reason", "Why (required).")) { .cancel(reason: $0) }
    }

    enum Assign: TicketVerbRow {
        typealias Detail = RequiredTicketVerbOption<Self>
        static let verb = TicketVerb(name: "assign", abstract: "Give the ticket to a person.",
                                     option: ("to", "The person on duty who takes it.")) { .assign(person: $0) }
    }

    enum Decline: TicketVerbRow {
        typealias Detail = RequiredTicketVerbOption<Self>
        static let verb = TicketVerb(
            name: "decline", abstract: "The assignee cannot go: dispatch chooses the next nearest person on duty.",
            option: ("reason", "Why (required): at another emergency, off sick, ...")) { .decline(reason: $0) }
    }

    enum Comment: TicketVerbRow {
        typealias Detail = RequiredTicketVerbOption<Self>
        static let verb = TicketVerb(name: "comment", abstract: "Add a comment to the timeline (any state).",
                                     option: ("text", "The comment.")) { .comment(text: $0) }
    }
}
