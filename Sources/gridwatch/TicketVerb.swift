import ArgumentParser
import Tickets

/// One ticket verb of the command line: its name and abstract, the option it takes besides the
/// shared ones, and the action it records. `TicketsCommand+Verbs.swift` holds the table.
struct TicketVerb: Sendable {
    var name: String
    var abstract: String
    /// The verb's own `--NAME <NAME>` option, if it has one; the row's `Detail` says whether
    /// it must be given.
    var option: (name: String, help: String)?
    /// The action, given the option's value ("" when the verb has none or it was not given).
    var action: @Sendable (String) -> TicketEvent
}

/// A row of the verb table. ArgumentParser wants a type per subcommand, so each verb is a
/// small type naming its `TicketVerb` and how its option is read.
protocol TicketVerbRow {
    associatedtype Detail: TicketVerbDetail
    static var verb: TicketVerb { get }
}

/// What a verb reads after the ticket id: nothing, or its one option.
protocol TicketVerbDetail: ParsableArguments {
    var value: String { get }
}

/// A verb without an option of its own.
struct NoTicketVerbOption: TicketVerbDetail {
    var value: String { "" }
}

/// The row's option, which must be given.
struct RequiredTicketVerbOption<Row: TicketVerbRow>: TicketVerbDetail {
    @Option(name: .customLong(Row.verb.option?.name ?? "value"),
            help: ArgumentHelp(Row.verb.option?.help ?? "", valueName: Row.verb.option?.name))
    var value: String
}

/// The row's option, empty when not given.
struct OptionalTicketVerbOption<Row: TicketVerbRow>: TicketVerbDetail {
    @Option(name: .customLong(Row.verb.option?.name ?? "value"),
            help: ArgumentHelp(Row.verb.option?.help ?? "", valueName: Row.verb.option?.name))
    var given: String?

    var value: String { given ?? "" }
}

/// `gridwatch tickets VERB <id> [option]` for any row of the table; each records its action
/// on the ticket with `--by` as the actor.
struct TicketVerbCommand<Row: TicketVerbRow>: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: Row.verb.name, abstract: Row.verb.abstract)
    }

    @OptionGroup var action: TicketActionOptions
    @Argument(help: "Ticket id.") var id: String
    @OptionGroup var detail: Row.Detail

    func run() throws { try action.apply(Row.verb.action(detail.value), to: id) }
}
