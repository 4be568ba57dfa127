import Devices
import Formats
import Foundation
import Testing

/// Golden fixtures: each folder under `Fixtures/payloads` holds `input.jsonl` (topic and
/// payload per line) and `expected.jsonl` (what the decoder must make of it). Run with
/// `GRIDWATCH_UPDATE_GOLDEN=1` to rewrite the expected files after a deliberate change.
@Suite struct PayloadGoldenTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/payloads")
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let receivedAtMs: Int64 = 1_795_305_600_000

    static func decoder() throws -> (PayloadDecoder, DeviceRegistry) {
        var diagnostics = DiagnosticList()
        let catalog = DeviceTypeCatalog.load(directory: repositoryRoot.appendingPathComponent("devices").path, diagnostics: &diagnostics)
        let devices = Inventory.load(path: fixtures.appendingPathComponent("devices.csv").path, catalog: catalog, diagnostics: &diagnostics)
        #expect(diagnostics.items.isEmpty, "\(diagnostics.items)")
        let decoder = PayloadDecoder(telemetry: try TopicLayout("gridwatch/{community}/{type}/{device}/telemetry"),
                                     status: try TopicLayout("gridwatch/{community}/{type}/{device}/status"), catalog: catalog)
        return (decoder, DeviceRegistry(devices))
    }

    @Test(arguments: ["door", "smoke", "water_meter", "wristband", "malformed"])
    func fixtureFolder(_ folder: String) throws {
        let (decoder, registry) = try Self.decoder()
        let directory = Self.fixtures.appendingPathComponent(folder)
        let input = try String(contentsOf: directory.appendingPathComponent("input.jsonl"), encoding: .utf8)
        var actual: [String] = []
        for line in input.split(separator: "\n") {
            guard case let .object(item) = try JSONParser.parse(Array(line.utf8)),
                  case let .string(name)? = item["name"], case let .string(topic)? = item["topic"] else {
                Issue.record("bad fixture line: \(line)")
                continue
            }
            var payload: [UInt8] = []
            if case let .string(encoded)? = item["payload_b64"] {
                payload = [UInt8](Data(base64Encoded: encoded) ?? Data())
            } else if let object = item["payload"] {
                payload = Array(object.jsonText.utf8)
            }
            let outcome = decoder.decode(topic: topic, payload: payload, receivedAtMs: Self.receivedAtMs, registry: registry)
            actual.append(Self.describe(name: name, outcome).jsonText)
        }
        let expectedURL = directory.appendingPathComponent("expected.jsonl")
        let rendered = actual.joined(separator: "\n") + "\n"
        if ProcessInfo.processInfo.environment["GRIDWATCH_UPDATE_GOLDEN"] == "1" {
            try rendered.write(to: expectedURL, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOf: expectedURL, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(actual.count == expected.count)
        for (got, want) in zip(actual, expected) { #expect(got == want) }
    }

    static func describe(name: String, _ outcome: PayloadDecoder.Outcome) -> JSONValue {
        switch outcome {
        case let .reading(reading, _):
            return .object(["name": .string(name), "outcome": .string("reading"), "device": .string(reading.deviceID),
                            "device_time_ms": .int(reading.deviceTimeMs), "trusted": .bool(reading.deviceTimeTrusted),
                            "seq": reading.seq.map { .int($0) } ?? .null, "flags": .array(reading.flags.map { .string($0) }),
                            "fields": .array(reading.values.keys.sorted().map { .string($0) })])
        case let .availability(change):
            return .object(["name": .string(name), "outcome": .string("availability"), "device": .string(change.deviceID), "online": .bool(change.online)])
        case let .rejected(rejection):
            return .object(["name": .string(name), "outcome": .string("rejected"), "reason": .string(rejection.reason.rawValue),
                            "detail": .string(rejection.detail), "kept_bytes": .int(Int64(rejection.payloadPrefix.count))])
        }
    }
}
