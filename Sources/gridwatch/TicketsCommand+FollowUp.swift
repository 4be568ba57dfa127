import ArgumentParser
import Devices
import Formats
import Foundation
import Storage
import Tickets

/// The follow-up (回访): recording a call or visit after a resolution, and the queue of those
/// still to make.
extension TicketsCommand {
    struct FollowUpCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "follow-up",
            abstract: "Record a follow-up call or visit: satisfied closes the loop, satisfaction 2 or less reopens as remediation.")
        @OptionGroup var action: TicketActionOptions
        @Argument(help: "Ticket id.") var id: String
        @Option(help: "Was the resident reached: yes or no.") var reached: YesNo
        @Option(help: "Satisfaction, 1 (very dissatisfied) to 5 (very satisfied).") var satisfaction: Int?
        @Option(help: "Would recommend the service, 0 to 10 (for the net promoter score).") var recommend: Int?
        @Option(help: "What the resident said (personal data: scrubbed after the personal period).") var comment: String?

        func validate() throws {
            let answer = self.answer
            if let problem = answer.problem { throw ValidationError(problem) }
        }

        var answer: FollowUpAnswer {
            FollowUpAnswer(reached: reached == .yes, satisfaction: satisfaction, recommend: recommend, comment: comment)
        }

        func run() throws {
            if let client = try action.remoteClient() {
                var body: [String: JSONValue] = ["reached": .bool(reached == .yes)]
                if let satisfaction { body["satisfaction"] = .int(Int64(satisfaction)) }
                if let recommend { body["recommend"] = .int(Int64(recommend)) }
                if let comment { body["comment"] = .string(comment) }
                let path = "/api/v1/tickets/\(id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? id)/follow_up"
                return action.printRemote(try client.post(path, body), what: TicketText.describe(.followUp(answer)))
            }
            try action.apply(.followUp(answer), to: id)
        }
    }

    /// `yes` or `no`, as the contract writes `--reached`.
    enum YesNo: String, ExpressibleByArgument, Sendable {
        case yes, no
    }

    struct FollowUps: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "follow-ups", abstract: "The follow-up queue: resolved tickets whose resident is still to be called, soonest due first.")
        @OptionGroup var store: StoreOptions
        @Option(help: "Only this community.") var community: String?
        @Flag(help: "Only those past their due time.") var overdue = false
        @Option(help: "text or json.") var format: OutputFormat = .text
        @OptionGroup var remote: RemoteOptions

        func run() throws {
            let zone = try store.ticketTimeZone()
            let nowMs = Int64(Date().timeIntervalSince1970 * 1000)
            let tickets: [JSONValue]
            if let client = try remote.client() {
                var query = overdue ? ["overdue=true"] : []
                if let community, let encoded = community.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) { query.append("community=\(encoded)") }
                let answer = try client.get("/api/v1/follow-ups" + (query.isEmpty ? "" : "?" + query.joined(separator: "&")))
                guard case let .object(object) = answer, case let .array(items)? = object["follow_ups"] else { return }
                tickets = items
            } else {
                tickets = try FollowUpQueue.tickets(in: store.openDatabase(), community: community, overdueAt: overdue ? nowMs : nil)
                    .map { $0.contractJSON(timeZone: zone) }
            }
            switch format {
            case .json: print(JSONValue.array(tickets).jsonText)
            case .text:
                if tickets.isEmpty { print("no follow-ups to do") }
                for ticket in tickets { print(TicketText.followUpRow(ticket, nowMs: nowMs)) }
            }
        }
    }
}

extension TicketText {
    /// One line of the follow-up queue: id, due time (late or not), attempts, place and title.
    static func followUpRow(_ ticket: JSONValue, nowMs: Int64) -> String {
        guard case let .object(object) = ticket, case let .object(followUp)? = object["follow_up"] else { return "" }
        func text(_ value: JSONValue?) -> String { if case let .string(text)? = value { text } else { "" } }
        let due = text(followUp["due_at"])
        let late = RFC3339.parseMilliseconds(due).map { $0 < nowMs } ?? false
        var attempts = ""
        if case let .int(count)? = followUp["failed_attempts"], count > 0 { attempts = "  \(count) not reached" }
        return "\(text(object["id"]))  due \(due)\(late ? " (overdue)" : "")\(attempts)  \(text(object["community"]))/\(text(object["building"]))"
            + "/\(text(object["unit"]))  \(text(object["title"]))"
    }
}
