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
    /// own JSON parser, member by member. `JSONDecoder` took ~1.2 s of a restart at 100,000
    /// devices with 58,664 alerts saved (perf); the parser's whole tree, a table for each alert,
    /// was ~45 MB more of the restart's peak than the snapshot it became.
    public init(jsonData data: Data) throws {
        var savedAtMs: Int64?
        var instances: [String: AlertInstance]?
        var lastSeenMs: [String: Int64]?
        var fingerprints: [String: String]?
        try data.withUnsafeBytes { raw in
            try JSONParser.scan(raw.bindMemory(to: UInt8.self)) { parser in
                parser.skipSpace()
                guard parser.peek == UInt8(ascii: "{") else {
                    // Not JSON at all fails as the parser says; other JSON is not a snapshot.
                    _ = try parser.parseValue()
                    try Self.expectEnd(&parser)
                    throw SnapshotReadError("a rule-state snapshot is a JSON object")
                }
                try parser.forEachMember { parser, name in
                    switch name {
                    case "savedAtMs": savedAtMs = try Self.integer(parser.parseValue(), name)
                    case "instances": instances = try Self.members(&parser, name) { parser, key in try AlertInstance(parsing: &parser, key: key) }
                    case "lastSeenMs": lastSeenMs = try Self.members(&parser, name) { parser, key in try Self.integer(parser.parseValue(), key) }
                    case "fingerprints":
                        fingerprints = try Self.members(&parser, name) { parser, key in
                            guard case let .string(text) = try parser.parseValue() else { throw SnapshotReadError("fingerprint '\(key)' is not a string") }
                            return text
                        }
                    default: try parser.skipValue()
                    }
                }
                try Self.expectEnd(&parser)
            }
        }
        guard let savedAtMs else { throw SnapshotReadError("'savedAtMs' is missing or not an integer") }
        guard let instances else { throw SnapshotReadError("'instances' is missing or not an object") }
        guard let lastSeenMs else { throw SnapshotReadError("'lastSeenMs' is missing or not an object") }
        guard let fingerprints else { throw SnapshotReadError("'fingerprints' is missing or not an object") }
        self.savedAtMs = savedAtMs
        self.instances = instances
        self.lastSeenMs = lastSeenMs
        self.fingerprints = fingerprints
    }

    /// Nothing but whitespace after the document, as `JSONParser.parse` requires.
    private static func expectEnd(_ parser: inout JSONParser) throws {
        parser.skipSpace()
        guard parser.isAtEnd else { throw JSONParser.Failure.syntax(offset: parser.index, "trailing characters") }
    }

    /// The object at the parser (named `name`), each member read by `read` as it is met.
    private static func members<Member>(_ parser: inout JSONParser, _ name: String,
                                        read: (inout JSONParser, String) throws -> Member) throws -> [String: Member] {
        guard parser.peek == UInt8(ascii: "{") else { throw SnapshotReadError("'\(name)' is missing or not an object") }
        var result: [String: Member] = [:]
        try parser.forEachMember { parser, key in result[key] = try read(&parser, key) }
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
    /// The instance at the parser, as `writeJSON` writes it and the synthesised `Codable`
    /// conformance reads it; its members are read as they are met, never built as a table.
    init(parsing parser: inout JSONParser, key: String) throws {
        guard parser.peek == UInt8(ascii: "{") else { throw SnapshotReadError("alert '\(key)' has no known phase") }
        self.init()
        var phase: Phase?
        var occurrences: [Int64]?
        try parser.forEachMember { parser, name in
            switch name {
            case "phase":
                guard case let .string(phaseName) = try parser.parseValue() else { phase = nil; return }
                phase = Phase(rawValue: phaseName)
            case "pendingSinceMs": pendingSinceMs = try Self.time(parser.parseValue(), key, name)
            case "firingSinceMs": firingSinceMs = try Self.time(parser.parseValue(), key, name)
            case "lastTrueMs": lastTrueMs = try Self.time(parser.parseValue(), key, name)
            case "clearingSinceMs": clearingSinceMs = try Self.time(parser.parseValue(), key, name)
            case "lastClearTrueMs": lastClearTrueMs = try Self.time(parser.parseValue(), key, name)
            case "occurrencesMs":
                guard case let .array(items) = try parser.parseValue() else { occurrences = nil; return }
                occurrences = try items.map { try RuleEngine.Snapshot.integer($0, "\(key).occurrencesMs") }
            default: try parser.skipValue()
            }
        }
        guard let phase else { throw SnapshotReadError("alert '\(key)' has no known phase") }
        guard let occurrences else { throw SnapshotReadError("alert '\(key)' has no occurrencesMs") }
        self.phase = phase
        occurrencesMs = occurrences
    }

    /// A time member: absent or null is nil (`decodeIfPresent`), otherwise an integer.
    private static func time(_ value: JSONValue, _ key: String, _ name: String) throws -> Int64? {
        value == .null ? nil : try RuleEngine.Snapshot.integer(value, "\(key).\(name)")
    }
}

/// Why a saved rule state could not be read.
public struct SnapshotReadError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
