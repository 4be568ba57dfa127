import ArgumentParser
import Devices
import Formats
import Foundation
import Gateway
import Storage
import Tickets

/// `gridwatch tickets list|show|create|ack|start|pend|resume|resolve|close|reopen|cancel|assign|decline|comment`:
/// the staff's view of the tickets, working on the same database as the running gateway.
struct TicketsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tickets", abstract: "Service tickets: list, show, log a request, and act on them.",
        subcommands: [List.self, Show.self, Create.self] + verbs + [FollowUpCommand.self, FollowUps.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tickets, newest first (active ones by default).")
        @OptionGroup var store: StoreOptions
        @Option(help: "Only this state (open, acknowledged, in_progress, pending, resolved, closed, cancelled), or 'all'.") var state: String = "active"
        @Option(help: "Only this tier.") var severity: String?
        @Option(help: "Only this community.") var community: String?
        @Option(help: "Only this building.") var building: String?
        @Option(help: "Only this grid (网格).") var grid: String?
        @Option(help: "Only this demand class (the category: elderly_care, health, repairs, safety, neighbourhood).") var category: String?
        @Option(help: "Only this catalogue item (lock_repair, fall_or_sos ...).") var item: String?
        @Option(help: "Only this device.") var device: String?
        @Option(help: "Only this team.") var team: String?
        @Option(help: "Only tickets at this warning level or above (1-3).") var level: Int?
        @Option(help: "At most this many.") var limit: Int = 200
        @Option(help: "text or json.") var format: OutputFormat = .text
        @OptionGroup var remote: RemoteOptions

        func run() throws {
            if let client = try remote.client() { return try listRemotely(client) }
            var filter = TicketFilter(severity: severity, community: community, building: building, device: device, team: team,
                                      minEscalationLevel: level, limit: limit)
            filter.grid = grid
            filter.category = category
            filter.item = item
            switch state {
            case "active": filter.states = TicketFilter.active.states
            case "all": filter.states = nil
            default:
                guard let parsed = Ticket.State(rawValue: state) else {
                    throw ValidationError("--state must be active, all or one of \(Ticket.State.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                filter.states = [parsed]
            }
            let tickets = try store.openDatabase().tickets(filter)
            let zone = try store.ticketTimeZone()
            switch format {
            case .json: print(JSONValue.array(tickets.map { $0.contractJSON(timeZone: zone) }).jsonText)
            case .text:
                let nowMs = Int64(Date().timeIntervalSince1970 * 1000)
                if tickets.isEmpty { print("no tickets") }
                for ticket in tickets { print(TicketText.row(ticket, nowMs: nowMs, timeZone: zone)) }
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one ticket with its timeline.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "Ticket id, e.g. T-000042.") var id: String
        @Option(help: "text or json.") var format: OutputFormat = .text
        @OptionGroup var remote: RemoteOptions

        func run() throws {
            if let client = try remote.client() {
                let ticket = try client.get("/api/v1/tickets/\(id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? id)")
                return print(format == .json ? ticket.jsonText : TicketText.detail(json: ticket))
            }
            guard let ticket = try store.openDatabase().ticket(id: id) else { throw CommandFailure("no ticket \(id)") }
            let zone = try store.ticketTimeZone()
            switch format {
            case .json: print(ticket.contractJSON(timeZone: zone, withTimeline: true).jsonText)
            case .text: print(TicketText.detail(ticket, nowMs: Int64(Date().timeIntervalSince1970 * 1000), timeZone: zone))
            }
        }
    }

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Log a resident's request taken by phone or at the desk: the same clocks and warnings as an alarm.")
        @OptionGroup var action: TicketActionOptions
        @Option(help: "The catalogue's item (lock_repair, noise_complaint ...): it sets the category, tier, team and skill.") var item: String?
        @Option(help: "Category, e.g. elderly_care, water, security, repair (the item's class when --item is given).") var category: String?
        @Option(help: "Tier: emergency, general, complex (or one from the configuration); default the item's, else general.") var severity: String?
        @Option(help: "Community.") var community: String?
        @Option(help: "Building.") var building: String = ""
        @Option(help: "The skill the job needs (plumbing, first_aid ...): dispatch sends someone who has it.") var skill: String?
        @Option(help: "Unit or room.") var unit: String = ""
        @Option(help: "A device the request is about; its location fills in community, building and unit.") var device: String?
        @Option(help: "What the resident asked for.") var text: String

        func run() throws {
            if let client = try action.remoteClient() {
                var body: [String: JSONValue] = ["text": .string(text), "building": .string(building), "unit": .string(unit)]
                if let category { body["category"] = .string(category) }
                if let severity { body["severity"] = .string(severity) }
                if let item { body["item"] = .string(item) }
                if let community { body["community"] = .string(community) }
                if let device { body["device"] = .string(device) }
                if let skill { body["skill"] = .string(skill) }
                return action.printRemote(try client.post("/api/v1/tickets", body), what: "opened")
            }
            let database = try action.store.openDatabase()
            var deviceRecord: Device?
            if let device {
                guard let stored = try database.device(id: device) else { throw CommandFailure("no device '\(device)'") }
                deviceRecord = stored.device
            }
            guard let place = community ?? deviceRecord?.community else { throw ValidationError("--community (or --device) is needed") }
            guard category != nil || item != nil else { throw ValidationError("--category or --item is needed") }
            var request = TicketDesk.Request(category: category ?? "", severity: severity ?? (item == nil ? "general" : ""), community: place,
                                             building: building.isEmpty ? deviceRecord?.building ?? "" : building,
                                             unit: unit.isEmpty ? deviceRecord?.unit ?? "" : unit, text: text, device: deviceRecord)
            request.skill = skill
            request.item = item
            request.place = try database.place(of: request)
            let desk = try action.store.loadTicketDesk()
            let nowMs = try action.nowMs()
            let happenings = try database.updateTickets { ledger in
                let happenings = try desk.open(request, at: nowMs, by: action.by ?? "", in: &ledger)
                try ledger.recordEvents(of: happenings, actor: action.by ?? "", timeZone: desk.settings.calendar.timeZone)
                return happenings
            }
            try action.report(happenings, database: database, timeZone: desk.settings.calendar.timeZone)
        }
    }
}

extension StoreOptions {
    /// The desk as the configuration describes it: tiers, calendar, warnings, hierarchy, and
    /// (with a roster) dispatch from the positions the store kept, so a decline from the command
    /// line sends the next person as the gateway would.
    func loadTicketDesk() throws -> TicketDesk {
        let config = try loadConfig()
        var desk = config.ticketDesk(calendar: try loadCalendar(config))
        guard let configPath else { return desk }
        let setup = GatewaySetup.load(configPath: configPath)
        desk.catalogue = setup.catalogue
        if !setup.staff.roster.members.isEmpty {
            desk.dispatch = setup.ticketDesk(livePositions: try openDatabase().latestStaffPositions()).dispatch
        }
        return desk
    }

    func loadCalendar(_ config: GatewayConfig) throws -> WorkCalendar {
        guard let path = config.calendarPath, FileManager.default.fileExists(atPath: path) else { return WorkCalendar.standard(timeZone: .current) }
        var diagnostics = DiagnosticList()
        guard let calendar = WorkCalendar.load(path: path, diagnostics: &diagnostics), !diagnostics.hasErrors else {
            throw CommandFailure(diagnostics.errors.map(\.description).joined(separator: "\n"))
        }
        return calendar
    }

    /// Times are shown in the calendar's zone: the community's, whatever the server's is.
    func ticketTimeZone() throws -> TimeZone { try loadCalendar(loadConfig()).timeZone }
}
