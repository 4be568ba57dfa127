#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import Devices
import Foundation
import Gateway
import Rules
import Simulation

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
        guard let data = FileManager.default.contents(atPath: input) else { throw CommandFailure("cannot read \(input)") }
        let capture = [UInt8](data)
        let started = Date()
        let after = try Self.replay(capture, rules: setup.rules, setup: setup, untilMs: untilMs, progress: isatty(2) == 1)
        if let rulesBefore {
            var diagnostics = DiagnosticList()
            let before = RuleFileParser.load(directory: rulesBefore, catalog: setup.catalog, tiers: setup.config.tiers, diagnostics: &diagnostics)
            if diagnostics.hasErrors { throw CommandFailure(diagnostics.errors.map(\.description).joined(separator: "\n")) }
            let old = try Self.replay(capture, rules: before, setup: setup, untilMs: untilMs, progress: false)
            printDifference(old: old.events, new: after.events)
        } else {
            for event in after.events { print(format == .json ? Self.json(event).jsonText : Self.text(event)) }
        }
        let seconds = Date().timeIntervalSince(started)
        FileHandle.standardError.write(Data("replayed \(after.readings) readings (\(after.rejected) rejected) in \(String(format: "%.2f", seconds)) s: \(Int(Double(after.readings) / max(seconds, 0.001))) readings/s, \(after.events.count) events\n".utf8))
    }

    /// What one replay produced.
    struct Result {
        var events: [AlertEvent] = []
        var readings = 0
        var rejected = 0
    }

    static func replay(_ capture: [UInt8], rules: RuleSet, setup: GatewaySetup, untilMs: Int64?, progress: Bool) throws -> Result {
        let decoder = try setup.makeDecoder()
        var registry = DeviceRegistry(setup.inventory, autoRegister: setup.config.autoRegister)
        var result = Result()
        var engine: RuleEngine?
        var lineStart = 0
        var lastProgress = Date()
        var lineNumber = 0
        while lineStart < capture.count {
            let lineEnd = capture[lineStart...].firstIndex(of: 0x0A) ?? capture.count
            defer { lineStart = lineEnd + 1 }
            lineNumber += 1
            guard lineEnd > lineStart else { continue }
            let message: SimulatedMessage
            do { message = try CaptureLine.decode(bytes: Array(capture[lineStart..<lineEnd])) } catch {
                throw CommandFailure("line \(lineNumber): \(error)")
            }
            let atMs = Int64((message.at.timeIntervalSince1970 * 1000).rounded())
            if engine == nil { engine = RuleEngine(ruleSet: rules, catalog: setup.catalog, devices: setup.inventory, startMs: atMs) }
            let outcome = message.payload.withUnsafeBufferPointer { decoder.decode(topic: message.topic, payload: $0, receivedAtMs: atMs, registry: registry) }
            switch outcome {
            case let .reading(reading, newDevice):
                if let newDevice {
                    registry.upsert(newDevice)
                    engine?.register(newDevice)
                }
                result.readings += 1
                result.events += engine?.readingArrived(RuleReading(deviceID: reading.deviceID, atMs: atMs, values: reading.values)) ?? []
            case .availability:
                result.events += engine?.advance(to: atMs) ?? []
            case .rejected:
                result.rejected += 1
            }
            if progress, Date().timeIntervalSince(lastProgress) > 0.5 {
                lastProgress = Date()
                let done = Double(lineEnd) / Double(capture.count)
                let bar = String(repeating: "#", count: Int(done * 40)) + String(repeating: ".", count: 40 - Int(done * 40))
                FileHandle.standardError.write(Data("\r[\(bar)] \(Int(done * 100))% \(result.readings) readings".utf8))
            }
        }
        if progress { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        if let untilMs { result.events += engine?.advance(to: untilMs) ?? [] }
        return result
    }

    static func json(_ event: AlertEvent) -> JSONValue {
        var object: [String: JSONValue] = [
            "at": .string(RFC3339.format(milliseconds: event.atMs, timeZone: .current)), "event": .string(event.kind.rawValue),
            "rule": .string(event.ruleID), "device": .string(event.deviceID), "severity": .string(event.severity),
            "community": .string(event.community), "building": .string(event.building),
        ]
        if let inhibitor = event.inhibitedBy { object["inhibited_by"] = .string(inhibitor) }
        return .object(object)
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
