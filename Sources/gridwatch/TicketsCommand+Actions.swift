import ArgumentParser
import Tickets

/// The staff's actions on one ticket; each is a timeline entry with `--by` as its actor.
extension TicketsCommand {
    struct Ack: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Acknowledge: stops the response clock.")
        @OptionGroup var action: TicketActionOptions
        @Argument(help: "Ticket id.") var id: String
        func run() throws { try action.apply(.acknowledge, to: id) }
    }

    struct Start: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Work started (in_progress); acknowledges too if nobody had.")
        @OptionGroup var action: TicketActionOptions
        @Argument(help: "Ticket id.") var id: String
        func run() throws { try action.apply(.start, to: id) }
    }

    struct Pend: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Waiting on something outside the team: pauses the resolution clock (never the response clock).")
        @OptionGroup var action: TicketActionOptions
        @Argument(help: "Ticket id.") var id: String
        @Option(help: "Why (required): parts on order, no access to the flat, ...") var reason: String
        func run() throws { try action.apply(.pend(reason: reason), to: id) }
    }

    struct Resume: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "End a pause: the resolution deadline moves on by its length.")
        @OptionGroup var action: TicketActionOptions
        @Argument(help: "Ticket id.") var id: String
        func run() throws { try action.apply(.resume, to: id) }
    }

    struct Resolve: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Resolve: stops the resolution clock.")
        @OptionGroup var action: TicketActionOptions
        @Argument(help: "Ticket id.") var id: String
        @Option(help: "What was done.") var note: String = ""
        func run() throws { try action.apply(.resolve(note: note), to: id) }
    }

    struct Close: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Close a resolved ticket (the loop is closed with the resident).")
        @OptionGroup var action: TicketActionOptions
        @Argument(help: "Ticket id.") var id: String
        func run() throws { try action.apply(.close, to: id) }
    }

    struct Reopen: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Reopen a resolved or closed ticket: a new clock cycle, counted as remediation.")
        @OptionGroup var action: TicketActionOptions
        @Argument(help: "Ticket id.") var id: String
        @Option(help: "Why (required).") var reason: String
        func run() throws { try action.apply(.reopen(reason: reason), to: id) }
    }

    struct Cancel: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Cancel: a false alarm or a duplicate (counted in the false-alarm rate).")
        @OptionGroup var action: TicketActionOptions
        @Argument(help: "Ticket id.") var id: String
        @Option(help: "Why (required).") var reason: String
        func run() throws { try action.apply(.cancel(reason: reason), to: id) }
    }

    struct Assign: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Give the ticket to a person.")
        @OptionGroup var action: TicketActionOptions
        @Argument(help: "Ticket id.") var id: String
        @Option(help: "The person on duty who takes it.") var to: String
        func run() throws { try action.apply(.assign(person: to), to: id) }
    }

    struct Decline: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The assignee cannot go: dispatch chooses the next nearest person on duty.")
        @OptionGroup var action: TicketActionOptions
        @Argument(help: "Ticket id.") var id: String
        @Option(help: "Why (required): at another emergency, off sick, ...") var reason: String
        func run() throws { try action.apply(.decline(reason: reason), to: id) }
    }

    struct Comment: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a comment to the timeline (any state).")
        @OptionGroup var action: TicketActionOptions
        @Argument(help: "Ticket id.") var id: String
        @Option(help: "The comment.") var text: String
        func run() throws { try action.apply(.comment(text: text), to: id) }
    }
}
