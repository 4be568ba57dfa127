import Formats
import Foundation

extension RuleEngine.Snapshot {
    /// The snapshot as JSON that `JSONDecoder` reads back into an equal snapshot (the stores'
    /// format), written by hand. At 100,000 devices `JSONEncoder` spent about a tenth of
    /// gridwatch's ingest CPU on the last-seen map, and its intermediate tree for the alert
    /// instances (one per device when a rule holds for every device) was ~50 MB of the peak
    /// heap, once every save (perf and heaptrack, `bench/ingest-profile --devices 100000`).
    public func jsonData() throws -> Data {
        var text = "{\"savedAtMs\":\(savedAtMs),\"instances\":{"
        text.reserveCapacity(64 + instances.count * 96 + lastSeenMs.count * 32 + fingerprints.count * 48)
        var first = true
        for (key, instance) in instances {
            if !first { text += "," }
            first = false
            JSONValue.writeString(key, to: &text)
            text += ":"
            instance.writeJSON(to: &text)
        }
        text += "},\"fingerprints\":{"
        first = true
        for (rule, fingerprint) in fingerprints {
            if !first { text += "," }
            first = false
            JSONValue.writeString(rule, to: &text)
            text += ":"
            JSONValue.writeString(fingerprint, to: &text)
        }
        text += "},\"lastSeenMs\":{"
        first = true
        for (id, seenMs) in lastSeenMs {
            if !first { text += "," }
            first = false
            JSONValue.writeString(id, to: &text)
            text += ":"
            text += String(seenMs)
        }
        text += "}}"
        return Data(text.utf8)
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
