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
        /// The JSON, in order; each piece ends between two complete members.
        public let chunks: [String]

        /// The JSON's length in UTF-8 bytes (what a store writes).
        public var byteCount: Int { chunks.reduce(0) { $0 + $1.utf8.count } }

        /// The whole JSON in one buffer (for a store that binds it as one value).
        public var bytes: [UInt8] {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(byteCount)
            for chunk in chunks { bytes += chunk.utf8 }
            return bytes
        }

        /// The whole JSON as `Data` (the cluster's checkpoints, `Snapshot.jsonData()`).
        public var data: Data {
            var data = Data(capacity: byteCount)
            for chunk in chunks { data.append(contentsOf: chunk.utf8) }
            return data
        }
    }
}

/// Writes a snapshot's JSON object (`savedAtMs`, then the objects `instances`, `fingerprints`
/// and `lastSeenMs`, as `Snapshot(jsonData:)` and `JSONDecoder` read it) into chunks. One
/// String for the whole grew by doubling past its estimate, and was then copied into `Data`
/// and again by SQLite's bind: with the snapshot's own maps that was a passing ~51 MB on a
/// peak of 328 MB at 100,000 devices (`bench/ingest --devices 100000 --phase bg`).
struct SnapshotJSONWriter {
    private let chunkBytes: Int
    private let savedAtMs: Int64
    private var chunks: [String] = []
    private var text: String
    private var firstMember = true

    init(savedAtMs: Int64, chunkBytes: Int) {
        self.chunkBytes = max(chunkBytes, 1)
        self.savedAtMs = savedAtMs
        text = Self.freshChunk(self.chunkBytes)
        text += "{\"savedAtMs\":\(savedAtMs),\"instances\":{"
    }

    /// One member of the object being written: its key, then the value `writeValue` appends.
    mutating func member(_ key: String, _ writeValue: (inout String) -> Void) {
        if !firstMember { text += "," }
        firstMember = false
        JSONValue.writeString(key, to: &text)
        text += ":"
        writeValue(&text)
        if text.utf8.count >= chunkBytes {
            chunks.append(text)
            text = Self.freshChunk(chunkBytes)
        }
    }

    /// Ends the object being written and starts the root's next member, `name`, an object.
    mutating func nextObject(_ name: String) {
        text += "},\""
        text += name
        text += "\":{"
        firstMember = true
    }

    /// Ends the last object and the root, and hands over the pieces.
    consuming func finish() -> RuleEngine.EncodedSnapshot {
        text += "}}"
        chunks.append(text)
        return RuleEngine.EncodedSnapshot(savedAtMs: savedAtMs, chunks: chunks)
    }

    /// Room for a chunk and the member that takes it past its size (most are under 200 bytes;
    /// a longer one, many `occurrencesMs`, makes this piece's buffer grow once). Capped at the
    /// default size so a test's huge `chunkBytes` does not reserve it.
    private static func freshChunk(_ chunkBytes: Int) -> String {
        var text = ""
        text.reserveCapacity(min(chunkBytes, 1 << 20) + 4096)
        return text
    }
}

extension RuleEngine {
    /// The engine's state as `snapshot().encoded()` would write it, straight from the engine's
    /// own maps: the snapshot's copies of them (a map of 58,722 alert instances under new keys,
    /// one of 100,000 last-seen times) were about 20 MB more of the passing peak.
    public func encodedSnapshot(chunkBytes: Int = EncodedSnapshot.defaultChunkBytes) -> EncodedSnapshot {
        var writer = SnapshotJSONWriter(savedAtMs: nowMs, chunkBytes: chunkBytes)
        for (key, instance) in instances {
            // "rule|device", as `snapshot()` joins them and `restore` splits them.
            writer.member("\(key.rule)|\(key.device)") { instance.writeJSON(to: &$0) }
        }
        writer.nextObject("fingerprints")
        for rule in ruleSet.rules { writer.member(rule.id) { JSONValue.writeString(rule.fingerprint, to: &$0) } }
        writer.nextObject("lastSeenMs")
        for (id, track) in tracks {
            guard let seenMs = track.lastSeenMs else { continue }
            writer.member(id) { $0 += String(seenMs) }
        }
        return writer.finish()
    }
}
