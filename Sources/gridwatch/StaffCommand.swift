import ArgumentParser
import Devices
import Formats
import Foundation
import Gateway
import GridDispatch
import HTTPAPI
import Storage

/// `gridwatch staff list|show`: the roster and shifts from the configuration, who is on duty
/// now (on the ticket calendar's zone), and the newest live positions from the store.
struct StaffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "staff", abstract: "The staff roster, who is on duty, and live positions.",
                                                    subcommands: [List.self, Show.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the roster with who is on duty now.")
        @OptionGroup var store: StoreOptions
        @Flag(name: .customLong("on-duty"), help: "Only those on duty now.") var onDutyOnly = false
        @Option(help: "text or json.") var format: OutputFormat = .text

        func run() throws {
            let board = try StaffCommand.board(store)
            let states = board.states(atMs: StaffCommand.nowMs(), activeTickets: [:]).filter { !onDutyOnly || $0.onDuty }
            switch format {
            case .json: print(JSONValue.object(["staff": .array(states.map { StaffView.json($0, personal: true, timeZone: board.timeZone) })]).jsonText)
            case .text:
                for state in states { print(StaffCommand.line(state)) }
                print("\(states.filter(\.onDuty).count) of \(states.count) on duty")
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one staff member.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "Staff id.") var id: String
        @Option(help: "text or json.") var format: OutputFormat = .text

        func run() throws {
            let board = try StaffCommand.board(store)
            guard let state = board.states(atMs: StaffCommand.nowMs(), activeTickets: [:]).first(where: { $0.member.id == id }) else {
                throw CommandFailure("no staff member \(id) in the roster")
            }
            switch format {
            case .json: print(StaffView.json(state, personal: true, timeZone: board.timeZone).jsonText)
            case .text:
                let member = state.member
                print(StaffCommand.line(state))
                print("phone\t\(member.phone.isEmpty ? "-" : member.phone)")
                print("base\t\(member.base.latitude),\(member.base.longitude)")
                print("position\t" + (state.livePosition.map { "\($0.point.latitude),\($0.point.longitude) at \(TimeText.text(milliseconds: $0.atMs))" } ?? "-"))
            }
        }
    }

    static func nowMs() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    /// The board `run` would start with: the configuration's roster and shifts (failing on
    /// any error, every one listed) and the store's newest positions when there is a store.
    static func board(_ options: StoreOptions) throws -> StaffBoard {
        guard let configPath = options.configPath else { throw CommandFailure("no configuration (pass --config): it names staff.roster") }
        let setup = GatewaySetup.load(configPath: configPath)
        if setup.hasErrors {
            throw CommandFailure(setup.diagnostics.filter { $0.severity == .error }.map(\.description).joined(separator: "\n"))
        }
        guard setup.config.staffRosterPath != nil else { throw CommandFailure("\(configPath) names no staff.roster") }
        let board = StaffBoard(roster: setup.staff.roster, schedule: setup.staff.schedule, timeZone: setup.calendar.timeZone)
        do {
            board.restore(try options.openDatabase().latestStaffPositions())
        } catch {
            // The roster and shifts are still worth showing before the gateway ever ran.
            FileHandle.standardError.write(Data("no live positions: \(error)\n".utf8))
        }
        return board
    }

    static func line(_ state: StaffState) -> String {
        let member = state.member
        return [member.id, member.name, member.team, member.grids.joined(separator: ";"), member.skills.joined(separator: ";"),
                state.onDuty ? "on duty" : "off duty"].joined(separator: "\t")
    }
}
