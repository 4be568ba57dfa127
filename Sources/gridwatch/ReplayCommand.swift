#if canImport(Glibc)
import Formats
import Glibc
#endif
import ArgumentParser
import Devices
import Foundation
import Gateway
import GridDispatch
import Rules
import Simulation
import Tickets

/// `gridwatch replay`: runs the rules over a capture in virtual time and prints the events;
/// with `--rules-before DIR`, shows which alerts an edit adds or removes on the same capture.
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "replay", abstract: "Backtest: run the rules over a capture file in virtual time.")

    @Option(name: .long, help: "Configuration file (device types, inventory, rules).") var config: String = "config/gridwatch.yaml"
    @Option(name: .long, help: "Capture file (JSON lines, as `simulate --output` writes).") var input: String
    @Option(name: .long, help: "Advance virtual time to this RFC 3339 time after the last message, so deadlines fall due.") var until: String?
    @Option(name: .long, help: "text or json (one object per line).") var format: OutputFormat = .text
    @Option(name: .customLong("rules-before"), help: "Directory of the rules before an edit: print the alerts the edit adds (+) and removes (-).") var rulesBefore: String?

    func run() throws {
        let setup = GatewaySetup.load(configPath: config)
        if setup.hasErrors {
            for diagnostic in setup.diagnostics where diagnostic.severity == .error { FileHandle.standardError.write(Data((diagnostic.description + "\n").utf8)) }
            throw ExitCode(1)
        }
        let untilMs = try until.map { text -> Int64 in
            guard let parsed = RFC3339.parseMilliseconds(text) else { throw ValidationError("--until must be RFC 3339") }
            return parsed
        }
        guard FileManager.default.isReadableFile(atPath: input) else { throw CommandFailure("cannot read \(input)") }
        let started = Date()
        let after = try Self.replay(file: input, rules: setup.rules, setup: setup, untilMs: untilMs, progress: isatty(2) == 1)
        if let rulesBefore {
            var diagnostics = DiagnosticList()
            let before = RuleFileParser.load(directory: rulesBefore, catalog: setup.catalog, tiers: setup.config.tiers, diagnostics: &diagnostics)
            if diagnostics.hasErrors { throw CommandFailure(diagnostics.errors.map(\.description).joined(separator: "\n")) }
            let old = try Self.replay(file: input, rules: before, setup: setup, untilMs: untilMs, progress: false)
            printDifference(old: old.events, new: after.events)
        } else {
            var lines: [(atMs: Int64, order: Int, text: String)] = []
            for (index, event) in after.events.enumerated() { lines.append((event.atMs, index, format == .json ? Self.json(event).jsonText : Self.text(event))) }
            for (index, happening) in after.tickets.enumerated() {
                guard let line = Self.ticketLine(happening, json: format == .json) else { continue }
                lines.append((happening.atMs, after.events.count + index, line))
            }
            for line in lines.sorted(by: { ($0.atMs, $0.order) < ($1.atMs, $1.order) }) { print(line.text) }
        }
        let seconds = Date().timeIntervalSince(started)
        FileHandle.standardError.write(Data("replayed \(after.readings) readings (\(after.rejected) rejected) in \(String(format: "%.2f", seconds)) s: \(Int(Double(after.readings) / max(seconds, 0.001))) readings/s, \(after.events.count) events\n".utf8))
    }

    /// Runs `rules` over the capture with this setup's desk, showing progress on a terminal.
    static func replay(file path: String, rules: RuleSet, setup: GatewaySetup, untilMs: Int64?, progress: Bool) throws -> ReplaySession.Result {
        var session = ReplaySession(rules: rules, catalog: setup.catalog, inventory: setup.inventory, desk: setup.ticketDesk(livePositions: [:]))
        var reader = CaptureReplay(decoder: try setup.makeDecoder(), inventory: setup.inventory, autoRegister: setup.config.autoRegister)
        if !setup.staff.roster.members.isEmpty {
            reader.staffTopic = try setup.config.staffTopicLayout()
            // A capture is judged by its own clock: skew against the capture's `at`, as ingest does.
            reader.staffCheck = StaffPositionCheck(roster: setup.staff.roster, clockSkewToleranceMs: Int64(setup.config.clockSkewToleranceSeconds * 1000),
                                                   maxPayloadBytes: setup.config.maxPayloadBytes)
        }
        var lastProgress = Date()
        do {
            try reader.run(file: path, into: &session) { result, total in
                guard progress, Date().timeIntervalSince(lastProgress) > 0.5 else { return }
                lastProgress = Date()
                let done = min(1, Double(result.bytesDone) / Double(max(total, 1)))
                let bar = String(repeating: "#", count: Int(done * 40)) + String(repeating: ".", count: 40 - Int(done * 40))
                FileHandle.standardError.write(Data("\r[\(bar)] \(Int(done * 100))% \(result.readings) readings".utf8))
            }
        } catch let failure as ReplaySession.Failure {
            throw CommandFailure(failure.description)
        }
        if progress { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        try session.finish(untilMs: untilMs)
        return session.result
    }

    static func json(_ event: AlertEvent) -> JSONValue {
        var object: [String: JSONValue] = [
            "at": .string(RFC3339.format(milliseconds: event.atMs, timeZone: .current)), "event": .string(event.kind.rawValue),
            "rule": .string(event.ruleID), "device": .string(event.deviceID), "severity": .string(event.severity),
            "community": .string(event.community), "building": .string(event.building), "title": .string(event.title),
        ]
        if let inhibitor = event.inhibitedBy { object["inhibited_by"] = .string(inhibitor) }
        return .object(object)
    }

    /// A ticket event as replay prints it: `ticket_opened`, `ticket_warned` (with `level`),
    /// `ticket_transferred` (with `team`), `ticket_resolved`, `ticket_reopened`, `ticket_updated`,
    /// `ticket_dispatched` (with `assignee`, `distance_m`, `reason`, `candidates`), `ticket_arrived`.
    static func ticketLine(_ happening: TicketDesk.Happening, json: Bool) -> String? {
        guard let name = happening.action.replayEvent else { return nil }
        let ticket = happening.ticket
        let zone = TimeZone.current
        var object: [String: JSONValue] = [
            "at": .string(RFC3339.format(milliseconds: happening.atMs, timeZone: zone)), "event": .string(name),
            "rule": .string(ticket.rule), "device": .string(ticket.device), "ticket_id": .string(ticket.id),
            "severity": .string(ticket.severity), "respond_by": .string(RFC3339.format(milliseconds: ticket.respondBy, timeZone: zone)),
            "resolve_by": .string(RFC3339.format(milliseconds: ticket.resolveBy, timeZone: zone)), "team": .string(ticket.team),
        ]
        var extra = ""
        switch happening.action {
        case let .warned(level, clock):
            object["level"] = .int(Int64(level))
            object["clock"] = .string(clock.rawValue)
            extra = " level \(level)" + (clock == .respond ? "" : " (\(clock.rawValue))")
        case let .transferred(team, clock):
            object["clock"] = .string(clock.rawValue)
            extra = " to \(team)"
        case let .resolved(automatically):
            object["automatically"] = .bool(automatically)
        case let .dispatched(assignee):
            object["assignee"] = assignee.map { .string($0) } ?? .null
            if let decision = ticket.dispatch {
                object["distance_m"] = decision.distanceMetres.map { .int(Int64($0)) } ?? .null
                object["reason"] = .string(decision.reason)
                object["candidates"] = .array(decision.candidates.map { .string($0.id) })
            }
            extra = assignee.map { " to \($0)" + (ticket.dispatch?.distanceMetres.map { " (\($0) m)" } ?? "") } ?? " nobody available"
        case let .arrived(person):
            object["assignee"] = .string(person)
            extra = " \(person)"
        default:
            break
        }
        if json { return JSONValue.object(object).jsonText }
        return "\(RFC3339.format(milliseconds: happening.atMs, timeZone: zone))  \(name.padding(toLength: 18, withPad: " ", startingAt: 0)) \(ticket.id) \(ticket.rule)  \(ticket.device)\(extra)"
    }

    static func text(_ event: AlertEvent) -> String {
        let inhibited = event.inhibitedBy.map { " (inhibited by \($0))" } ?? ""
        return "\(RFC3339.format(milliseconds: event.atMs, timeZone: .current))  \(event.kind.rawValue.padding(toLength: 15, withPad: " ", startingAt: 0)) \(event.ruleID)  \(event.deviceID)\(inhibited)"
    }

    private func printDifference(old: [AlertEvent], new: [AlertEvent]) {
        func key(_ event: AlertEvent) -> String { "\(event.atMs)|\(event.kind.rawValue)|\(event.ruleID)|\(event.deviceID)" }
        let oldKeys = Set(old.map(key))
        let newKeys = Set(new.map(key))
        let added = new.filter { !oldKeys.contains(key($0)) }
        let removed = old.filter { !newKeys.contains(key($0)) }
        for (sign, event) in (added.map { ("+", $0) } + removed.map { ("-", $0) }).sorted(by: { $0.1.atMs < $1.1.atMs }) {
            if format == .json {
                guard case var .object(object) = Self.json(event) else { continue }
                object["change"] = .string(sign == "+" ? "added" : "removed")
                print(JSONValue.object(object).jsonText)
            } else {
                print("\(sign) \(Self.text(event))")
            }
        }
        FileHandle.standardError.write(Data("the edit adds \(added.count) and removes \(removed.count) alert events\n".utf8))
    }
}
