import Formats
import Foundation

extension RuleEngine.Snapshot {
    /// The snapshot as JSON that `JSONDecoder` reads back into an equal snapshot (the stores'
    /// format), written by hand. At 100,000 devices `JSONEncoder` spent about a tenth of
    /// gridwatch's ingest CPU on the last-seen map, and its intermediate tree for the alert
    /// instances (one per device when a rule holds for every device) was ~50 MB of the peak
    /// heap, once every save (perf and heaptrack, `bench/ingest-profile --devices 100000`).
    public func jsonData() throws -> Data {
        var text = "{\"savedAtMs\":\(savedAtMs),\"instances\":"
        text.reserveCapacity(64 + instances.count * 96 + lastSeenMs.count * 32 + fingerprints.count * 48)
        Self.writeObject(instances, to: &text) { instance, text in instance.writeJSON(to: &text) }
        text += ",\"fingerprints\":"
        Self.writeObject(fingerprints, to: &text) { fingerprint, text in JSONValue.writeString(fingerprint, to: &text) }
        text += ",\"lastSeenMs\":"
        Self.writeObject(lastSeenMs, to: &text) { seenMs, text in text += String(seenMs) }
        text += "}"
        return Data(text.utf8)
    }

    /// `members` as a JSON object, each value written by `writeValue`.
    private static func writeObject<Value>(_ members: [String: Value], to text: inout String,
                                           writeValue: (Value, inout String) -> Void) {
        text += "{"
        var first = true
        for (key, value) in members {
            if !first { text += "," }
            first = false
            JSONValue.writeString(key, to: &text)
            text += ":"
            writeValue(value, &text)
        }
        text += "}"
    }
}

extension AlertInstance {
    /// Appends the instance as its synthesised `Codable` conformance reads it: absent times
    /// are left out (`decodeIfPresent`), `occurrencesMs` is always written (it has no
    /// `decodeIfPresent` of its own).
    func writeJSON(to text: inout String) {
        text += "{\"phase\":\""
        text += phase.rawValue
        text += "\""
        Self.write("pendingSinceMs", pendingSinceMs, to: &text)
        Self.write("firingSinceMs", firingSinceMs, to: &text)
        Self.write("lastTrueMs", lastTrueMs, to: &text)
        Self.write("clearingSinceMs", clearingSinceMs, to: &text)
        Self.write("lastClearTrueMs", lastClearTrueMs, to: &text)
        text += ",\"occurrencesMs\":["
        for (index, occurrence) in occurrencesMs.enumerated() {
            if index > 0 { text += "," }
            text += String(occurrence)
        }
        text += "]}"
    }

    private static func write(_ name: String, _ value: Int64?, to text: inout String) {
        guard let value else { return }
        text += ",\""
        text += name
        text += "\":"
        text += String(value)
    }
}
