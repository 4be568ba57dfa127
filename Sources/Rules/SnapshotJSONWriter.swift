import Formats
import Foundation

extension RuleEngine {
    /// A rule-state snapshot already written as the JSON the stores keep, in pieces of about
    /// `defaultChunkBytes`: SQLite writes them into the row one after another, so no buffer of
    /// the whole (10.7 MB at 100,000 devices) is grown, copied or bound there (PostgreSQL and
    /// the cluster's checkpoints still join them into one).
    public struct EncodedSnapshot: Sendable {
        /// About a megabyte: a piece is cut after the member that takes it to this size.
        public static let defaultChunkBytes = 1 << 20
        public let savedAtMs: Int64
        /// The JSON's UTF-8 bytes, in order; each piece ends between two complete members.
        public let chunks: [[UInt8]]

        /// The JSON's length in bytes (what a store writes).
        public var byteCount: Int { chunks.reduce(0) { $0 + $1.count } }

        /// The whole JSON in one buffer (for a store that binds it as one value).
        public var bytes: [UInt8] {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(byteCount)
            for chunk in chunks { bytes += chunk }
            return bytes
        }

        /// The whole JSON as `Data` (the cluster's checkpoints, `Snapshot.jsonData()`).
        public var data: Data {
            var data = Data(capacity: byteCount)
            for chunk in chunks { data.append(contentsOf: chunk) }
            return data
        }
    }
}

/// Writes a snapshot's JSON object (`savedAtMs`, then the objects `instances`, `fingerprints`
/// and `lastSeenMs`, as `Snapshot(jsonData:)` and `JSONDecoder` read it) into chunks. One
/// String for the whole grew by doubling past its estimate, and was then copied into `Data`
/// and again by SQLite's bind: with the snapshot's own maps that was a passing ~51 MB on a
/// peak of 328 MB at 100,000 devices (`bench/ingest --devices 100000 --phase bg`). Bytes, not
/// `String`: appending small strings and `String(integer)` (an allocation each) was half of
/// the time the engine's lock is held for a save (perf).
struct SnapshotJSONWriter {
    private let chunkBytes: Int
    private let savedAtMs: Int64
    private var chunks: [[UInt8]] = []
    private var bytes: [UInt8]
    private var firstMember = true

    init(savedAtMs: Int64, chunkBytes: Int) {
        self.chunkBytes = max(chunkBytes, 1)
        self.savedAtMs = savedAtMs
        bytes = Self.freshChunk(self.chunkBytes)
        bytes += #"{"savedAtMs":"#.utf8
        JSONValue.appendInteger(savedAtMs, to: &bytes)
        bytes += #","instances":{"#.utf8
    }

    /// One member of the object being written: its key, then the value `writeValue` appends.
    mutating func member(_ key: String, _ writeValue: (inout [UInt8]) -> Void) {
        member(writeKey: { JSONValue.appendString(key, to: &$0) }, writeValue)
    }

    /// One member keyed `"rule|device"` (how the stores key an alert instance), written
    /// without joining the two into a new string first.
    mutating func member(rule: String, device: String, _ writeValue: (inout [UInt8]) -> Void) {
        member(writeKey: { bytes in
            bytes.append(UInt8(ascii: "\""))
            JSONValue.appendStringContents(rule, to: &bytes)
            bytes.append(UInt8(ascii: "|"))
            JSONValue.appendStringContents(device, to: &bytes)
            bytes.append(UInt8(ascii: "\""))
        }, writeValue)
    }

    private mutating func member(writeKey: (inout [UInt8]) -> Void, _ writeValue: (inout [UInt8]) -> Void) {
        if !firstMember { bytes.append(UInt8(ascii: ",")) }
        firstMember = false
        writeKey(&bytes)
        bytes.append(UInt8(ascii: ":"))
        writeValue(&bytes)
        if bytes.count >= chunkBytes {
            chunks.append(bytes)
            bytes = Self.freshChunk(chunkBytes)
        }
    }

    /// Ends the object being written and starts the root's next member, `name`, an object.
    mutating func nextObject(_ name: String) {
        bytes += #"},""#.utf8
        bytes += name.utf8
        bytes += #"":{"#.utf8
        firstMember = true
    }

    /// Ends the last object and the root, and hands over the pieces.
    consuming func finish() -> RuleEngine.EncodedSnapshot {
        bytes += "}}".utf8
        chunks.append(bytes)
        return RuleEngine.EncodedSnapshot(savedAtMs: savedAtMs, chunks: chunks)
    }

    /// Room for a chunk and the member that takes it past its size (most are under 200 bytes;
    /// a longer one, many `occurrencesMs`, makes this piece's buffer grow once). Capped at the
    /// default size so a test's huge `chunkBytes` does not reserve it.
    private static func freshChunk(_ chunkBytes: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(min(chunkBytes, 1 << 20) + 4096)
        return bytes
    }
}

extension RuleEngine {
    /// The engine's state as `snapshot().encoded()` would write it, straight from the engine's
    /// own maps: the snapshot's copies of them (a map of 58,722 alert instances under new keys,
    /// one of 100,000 last-seen times) were about 20 MB more of the passing peak.
    public func encodedSnapshot(chunkBytes: Int = EncodedSnapshot.defaultChunkBytes) -> EncodedSnapshot {
        var writer = SnapshotJSONWriter(savedAtMs: nowMs, chunkBytes: chunkBytes)
        // Both maps by index, their values read in place: copying each entry out retains its
        // fields (a cache miss each, spread over the heap), most of the save for the tracks.
        for slot in instances.indices {
            let key = instances.keys[slot]
            // "rule|device", as `snapshot()` joins them and `restore` splits them.
            writer.member(rule: key.rule, device: key.device) { instances.values[slot].writeJSON(to: &$0) }
        }
        writer.nextObject("fingerprints")
        for rule in ruleSet.rules { writer.member(rule.id) { JSONValue.appendString(rule.fingerprint, to: &$0) } }
        writer.nextObject("lastSeenMs")
        for slot in tracks.indices {
            guard let seenMs = tracks.values[slot].lastSeenMs else { continue }
            writer.member(tracks.keys[slot]) { JSONValue.appendInteger(seenMs, to: &$0) }
        }
        return writer.finish()
    }
}
