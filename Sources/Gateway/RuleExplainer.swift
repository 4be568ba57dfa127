import Devices
import Formats
import Foundation
import Rules
import Storage

/// Rebuilds the rules engine's state at an instant for `rules explain`, when the running
/// engine cannot answer: from stored readings (the device's own, and those of the devices
/// whose alerts could inhibit its alerts) or from a capture, replayed in virtual time up to
/// the instant. The explanation itself is the engine's (`RuleEngine.explain`).
public struct RuleExplainer: Sendable {
    public var rules: RuleSet
    public var catalog: DeviceTypeCatalog
    public var inventory: [Device]
    /// How far before the instant stored readings are replayed: holds, windows and quiet
    /// periods longer than this are seen only in part.
    public var historyMs: Int64

    public static let defaultHistoryMs: Int64 = 24 * 3_600_000
    /// Readings per device asked of the store: a day at more than one a second.
    static let readingLimit = 100_000

    public init(rules: RuleSet, catalog: DeviceTypeCatalog, inventory: [Device], historyMs: Int64 = defaultHistoryMs) {
        self.rules = rules
        self.catalog = catalog
        self.inventory = inventory
        self.historyMs = historyMs
    }

    /// The explanations at `atMs` from the store's readings of the last `historyMs`.
    public func fromStore(_ store: any GatewayStore, device deviceID: String, rule ruleID: String?,
                          atMs: Int64) throws -> [RuleExplanation] {
        var devices = inventory
        if !devices.contains(where: { $0.id == deviceID }), let stored = try store.device(id: deviceID) { devices.append(stored.device) }
        guard let device = devices.first(where: { $0.id == deviceID }) else { throw RuleEngine.ExplainError.unknownDevice(deviceID) }
        let sinceMs = atMs - historyMs
        var readings: [RuleReading] = []
        for id in [deviceID] + inhibitingDevices(of: device, among: devices) {
            // The store answers the newest `limit` readings since `sinceMs`: when it fills the
            // limit, older ones before `atMs` may be cut off, and a part-history would explain wrong.
            let newest = try store.readings(device: id, limit: Self.readingLimit, sinceMs: sinceMs)
            if newest.count >= Self.readingLimit {
                throw RuleExplainFailure(description: "\(id) has more than \(Self.readingLimit) stored readings since \(RFC3339.format(milliseconds: sinceMs)): "
                                         + "explain a later instant, a shorter --history, or a capture (--input)")
            }
            for stored in newest where stored.receivedAtMs <= atMs {
                guard let values = JSONParser.objectFields(Array(stored.payload.utf8)) else { continue }
                readings.append(RuleReading(deviceID: id, atMs: stored.receivedAtMs, values: values))
            }
        }
        let engine = RuleEngine.replayed(ruleSet: rules, catalog: catalog, devices: devices, readings: readings, startMs: sinceMs, upTo: atMs)
        return try engine.explain(device: deviceID, rule: ruleID, at: atMs)
    }

    /// The explanations at `atMs` from a capture, replayed from its first line up to `atMs`
    /// (every device, so inhibitions between devices are as they were); nil: at its last line.
    public func fromCapture(_ capture: [UInt8], decoder: PayloadDecoder, autoRegister: Bool, device deviceID: String, rule ruleID: String?,
                            atMs: Int64?) throws -> [RuleExplanation] {
        let atMs = atMs ?? .max
        var engine: RuleEngine?
        var failure: String?
        let reader = CaptureReplay(decoder: decoder, inventory: inventory, autoRegister: autoRegister)
        reader.decode(capture) { items in
            for item in items where failure == nil {
                switch item {
                case let .reading(reading, newDevice) where reading.atMs <= atMs:
                    if engine == nil { engine = RuleEngine(ruleSet: rules, catalog: catalog, devices: inventory, startMs: reading.atMs) }
                    if let newDevice { engine?.register(newDevice) }
                    _ = engine?.readingArrived(reading)
                case let .tick(tickMs) where tickMs <= atMs:
                    _ = engine?.advance(to: tickMs)
                case let .failed(message):
                    failure = message
                default:
                    break
                }
            }
        }
        if let failure { throw RuleExplainFailure(description: failure) }
        guard let replayed = engine else { throw RuleExplainFailure(description: "the capture has no reading up to that time") }
        return try replayed.explain(device: deviceID, rule: ruleID, at: atMs == .max ? replayed.nowMs : atMs)
    }

    /// Devices on which a source of an inhibition of one of `device`'s rules may fire and
    /// hold its alert back (`equal: [building]`: the building's radio gateway).
    func inhibitingDevices(of device: Device, among devices: [Device]) -> [String] {
        let attributes = rules.attributes(for: device)
        let watching = Set(rules.rules.filter { $0.match.matches(device, attributes: attributes) }.map(\.id))
        let sources = rules.inhibitions.filter { !$0.targets.isDisjoint(with: watching) }
        let ids = devices.filter { other in
            other.id != device.id && sources.contains { inhibition in
                inhibition.joins(other, device)
                    && rules.rule(id: inhibition.source)?.match.matches(other, attributes: rules.attributes(for: other)) == true
            }
        }.map(\.id)
        return ids.sorted()
    }
}

/// A capture `rules explain` cannot read to the end of.
public struct RuleExplainFailure: Error, CustomStringConvertible {
    public var description: String
}
