import Formats
import Foundation

extension RuleEngine.Snapshot {
    /// The snapshot as JSON that `JSONDecoder` reads back into an equal snapshot (the stores'
    /// format), written by hand. At 100,000 devices `JSONEncoder` spent about a tenth of
    /// gridwatch's ingest CPU on the last-seen map, and its intermediate tree for the alert
    /// instances (one per device when a rule holds for every device) was ~50 MB of the peak
    /// heap, once every save (perf and heaptrack, `bench/ingest-profile --devices 100000`).
    public func jsonData() throws -> Data { encoded().data }

    /// The snapshot as `jsonData()` writes it, in chunks of about `chunkBytes`.
    public func encoded(chunkBytes: Int = RuleEngine.EncodedSnapshot.defaultChunkBytes) -> RuleEngine.EncodedSnapshot {
        var writer = SnapshotJSONWriter(savedAtMs: savedAtMs, chunkBytes: chunkBytes)
        for (key, instance) in instances { writer.member(key) { instance.writeJSON(to: &$0) } }
        writer.nextObject("fingerprints")
        for (rule, fingerprint) in fingerprints { writer.member(rule) { JSONValue.appendString(fingerprint, to: &$0) } }
        writer.nextObject("lastSeenMs")
        for (device, seenMs) in lastSeenMs { writer.member(device) { JSONValue.appendInteger(seenMs, to: &$0) } }
        return writer.finish()
    }
}

extension AlertInstance {
    /// Appends the instance as its synthesised `Codable` conformance reads it: absent times
    /// are left out (`decodeIfPresent`), `occurrencesMs` is always written (it has no
    /// `decodeIfPresent` of its own).
    func writeJSON(to bytes: inout [UInt8]) {
        bytes += #"{"phase":""#.utf8
        bytes += phase.rawValue.utf8
        bytes.append(UInt8(ascii: "\""))
        Self.write("pendingSinceMs", pendingSinceMs, to: &bytes)
        Self.write("firingSinceMs", firingSinceMs, to: &bytes)
        Self.write("lastTrueMs", lastTrueMs, to: &bytes)
        Self.write("clearingSinceMs", clearingSinceMs, to: &bytes)
        Self.write("lastClearTrueMs", lastClearTrueMs, to: &bytes)
        bytes += #","occurrencesMs":["#.utf8
        for (index, occurrence) in occurrencesMs.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            JSONValue.appendInteger(occurrence, to: &bytes)
        }
        bytes += "]}".utf8
    }

    private static func write(_ name: StaticString, _ value: Int64?, to bytes: inout [UInt8]) {
        guard let value else { return }
        bytes += #",""#.utf8
        name.withUTF8Buffer { bytes += $0 }
        bytes += #"":"#.utf8
        JSONValue.appendInteger(value, to: &bytes)
    }
}

extension RuleEngine.Snapshot {
    /// Reads what `jsonData()` writes (and `JSONEncoder` wrote before it) through the ingest's
    /// own JSON parser. `JSONDecoder` took ~1.2 s of a restart at 100,000 devices with 58,664
    /// alerts saved (perf, `bench/ingest --devices 100000`'s restart).
    public init(jsonData data: Data) throws {
        let value = try data.withUnsafeBytes { raw throws(JSONParser.Failure) in try JSONParser.parse(raw.bindMemory(to: UInt8.self)) }
        guard case let .object(root) = value else { throw SnapshotReadError("a rule-state snapshot is a JSON object") }
        savedAtMs = try Self.integer(root["savedAtMs"], "savedAtMs")
        instances = try Self.members(root["instances"], "instances") { value, key in try AlertInstance(json: value, key: key) }
        lastSeenMs = try Self.members(root["lastSeenMs"], "lastSeenMs") { value, key in try Self.integer(value, key) }
        fingerprints = try Self.members(root["fingerprints"], "fingerprints") { value, key in
            guard case let .string(text) = value else { throw SnapshotReadError("fingerprint '\(key)' is not a string") }
            return text
        }
    }

    /// The object `value` (named `name`) with each member read by `read`.
    private static func members<Member>(_ value: JSONValue?, _ name: String,
                                        read: (JSONValue, String) throws -> Member) throws -> [String: Member] {
        guard case let .object(members)? = value else { throw SnapshotReadError("'\(name)' is missing or not an object") }
        var result: [String: Member] = Dictionary(minimumCapacity: members.count)
        for (key, member) in members { result[key] = try read(member, key) }
        return result
    }

    /// An integer as either writer gives it (`JSONEncoder` never writes a fraction for Int64).
    static func integer(_ value: JSONValue?, _ name: String) throws -> Int64 {
        switch value {
        case let .int(number)?: return number
        case let .double(number)? where number.rounded() == number && abs(number) < 9.2e18: return Int64(number)
        default: throw SnapshotReadError("'\(name)' is missing or not an integer")
        }
    }
}

extension AlertInstance {
    /// An instance as `writeJSON` writes it and the synthesised `Codable` conformance reads it.
    init(json: JSONValue, key: String) throws {
        guard case let .object(fields) = json, case let .string(phaseName)? = fields["phase"], let phase = Phase(rawValue: phaseName) else {
            throw SnapshotReadError("alert '\(key)' has no known phase")
        }
        self.init()
        self.phase = phase
        func time(_ name: String) throws -> Int64? {
            guard let value = fields[name], value != .null else { return nil }
            return try RuleEngine.Snapshot.integer(value, "\(key).\(name)")
        }
        pendingSinceMs = try time("pendingSinceMs")
        firingSinceMs = try time("firingSinceMs")
        lastTrueMs = try time("lastTrueMs")
        clearingSinceMs = try time("clearingSinceMs")
        lastClearTrueMs = try time("lastClearTrueMs")
        guard case let .array(occurrences)? = fields["occurrencesMs"] else { throw SnapshotReadError("alert '\(key)' has no occurrencesMs") }
        occurrencesMs = try occurrences.map { try RuleEngine.Snapshot.integer($0, "\(key).occurrencesMs") }
    }
}

/// Why a saved rule state could not be read.
public struct SnapshotReadError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
