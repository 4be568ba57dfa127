import Devices
import Formats
import Foundation
@testable import Rules
import Testing

/// `Snapshot.jsonData()` writes the whole snapshot by hand: what it writes must read back
/// exactly as `JSONEncoder`'s output does, ids that need escaping and every instance shape included.
@Suite struct RuleSnapshotJSONTests {
    static let doorRule = """
    rules:
      - id: door_open
        match: {type: door}
        when: open
        for: 5m
        severity: general
    """

    @Test func theHandWrittenJSONReadsBackAsJSONEncodersDoes() throws {
        let set = try EngineFixture.rules(Self.doorRule)
        let ids = ["door-1", "door \"quoted\"", "door\\back", "门-二", "tab\there", "ctl\u{1}x"]
        var engine = EngineFixture.engine(set, ids.map { Device(id: $0, type: "door", community: "c") })
        for (offset, id) in ids.enumerated() {
            _ = engine.readingArrived(RuleReading(deviceID: id, atMs: EngineFixture.t0 + Int64(offset) * 1000, values: ["open": .bool(true)]))
        }
        let snapshot = engine.snapshot()
        #expect(snapshot.lastSeenMs.count == ids.count)
        #expect(!snapshot.instances.isEmpty)

        let byHand = try JSONDecoder().decode(RuleEngine.Snapshot.self, from: snapshot.jsonData())
        let byEncoder = try JSONDecoder().decode(RuleEngine.Snapshot.self, from: JSONEncoder().encode(snapshot))
        let sorted = JSONEncoder()
        sorted.outputFormatting = .sortedKeys
        #expect(try sorted.encode(byHand) == sorted.encode(byEncoder))
        #expect(byHand.lastSeenMs == snapshot.lastSeenMs)
        #expect(byHand.savedAtMs == snapshot.savedAtMs)
    }

    /// What the stores save (`encodedSnapshot()`, straight from the engine's maps, in chunks
    /// of any size) reads back as the engine's `snapshot()`.
    @Test(arguments: [1, 64, RuleEngine.EncodedSnapshot.defaultChunkBytes])
    func theEngineWritesWhatItsSnapshotHoldsInChunksOfAnySize(chunkBytes: Int) throws {
        let set = try EngineFixture.rules(Self.doorRule)
        let ids = ["door-1", "door \"quoted\"", "门-二", "ctl\u{1}x"] + (0..<40).map { "door-\($0)" }
        // One more device that is never heard: it has no last-seen time to save.
        var engine = EngineFixture.engine(set, (ids + ["door-silent"]).map { Device(id: $0, type: "door", community: "c") })
        for (offset, id) in ids.enumerated() {
            _ = engine.readingArrived(RuleReading(deviceID: id, atMs: EngineFixture.t0 + Int64(offset) * 1000, values: ["open": .bool(offset % 3 > 0)]))
        }
        let snapshot = engine.snapshot()
        #expect(snapshot.lastSeenMs["door-silent"] == nil)
        let encoded = engine.encodedSnapshot(chunkBytes: chunkBytes)
        #expect(encoded.chunks.count > (chunkBytes == 64 ? 10 : 0))
        #expect(encoded.byteCount == encoded.bytes.count)
        for data in [encoded.data, snapshot.encoded(chunkBytes: chunkBytes).data] {
            let read = try RuleEngine.Snapshot(jsonData: data)
            #expect(read.instances == snapshot.instances && read.instances.count > 10)
            #expect(read.lastSeenMs == snapshot.lastSeenMs && read.lastSeenMs.count > 10)
            #expect(read.fingerprints == snapshot.fingerprints && read.savedAtMs == snapshot.savedAtMs)
        }
    }

    /// Every time set, one set of occurrences, and none: each shape an instance is saved in.
    static let everyShape: [String: AlertInstance] = {
        var firing = AlertInstance()
        firing.phase = .firing
        firing.pendingSinceMs = 1_700_000_000_000
        firing.firingSinceMs = 1_700_000_300_000
        firing.lastTrueMs = -5
        firing.clearingSinceMs = 1_700_000_400_000
        firing.lastClearTrueMs = 1_700_000_450_000
        firing.occurrencesMs = [1, 2, Int64.max, Int64.min]
        var counting = AlertInstance()
        counting.occurrencesMs = [42]
        return ["door_open|d\"1": firing, "r|门": counting, "r|x": AlertInstance()]
    }()

    @Test func everyAlertInstanceShapeReadsBackEqual() throws {
        let snapshot = RuleEngine.Snapshot(savedAtMs: 7, instances: Self.everyShape, lastSeenMs: [:], fingerprints: ["door_open": "abc\"def", "r": ""])
        let byHand = try JSONDecoder().decode(RuleEngine.Snapshot.self, from: snapshot.jsonData())
        #expect(byHand.instances == snapshot.instances)
        #expect(byHand.fingerprints == snapshot.fingerprints)
        #expect(byHand.savedAtMs == 7 && byHand.lastSeenMs.isEmpty)
    }

    /// The stores read snapshots with `Snapshot(jsonData:)`: it reads both writers' output as
    /// `JSONDecoder` does, and refuses what is not a snapshot with the reason.
    @Test func theHandReaderReadsBothWritersAsJSONDecoderDoes() throws {
        let snapshot = RuleEngine.Snapshot(savedAtMs: 7, instances: Self.everyShape, lastSeenMs: ["d\"1": 1_700_000_450_000, "门": -1],
                                           fingerprints: ["door_open": "abc\"def", "r": ""])
        for data in [try snapshot.jsonData(), try JSONEncoder().encode(snapshot)] {
            let byHand = try RuleEngine.Snapshot(jsonData: data)
            let byDecoder = try JSONDecoder().decode(RuleEngine.Snapshot.self, from: data)
            #expect(byHand.instances == byDecoder.instances && byHand.instances == snapshot.instances)
            #expect(byHand.lastSeenMs == byDecoder.lastSeenMs && byHand.lastSeenMs == snapshot.lastSeenMs)
            #expect(byHand.fingerprints == snapshot.fingerprints && byHand.savedAtMs == 7)
        }
        let bad: [(String, String)] = [
            ("[]", "a rule-state snapshot is a JSON object"),
            (#"{"savedAtMs":1.5,"instances":{},"lastSeenMs":{},"fingerprints":{}}"#, "'savedAtMs' is missing or not an integer"),
            (#"{"savedAtMs":1,"lastSeenMs":{},"fingerprints":{}}"#, "'instances' is missing or not an object"),
            (#"{"savedAtMs":1,"instances":{"r|d":{"phase":"lost","occurrencesMs":[]}},"lastSeenMs":{},"fingerprints":{}}"#,
             "alert 'r|d' has no known phase"),
            (#"{"savedAtMs":1,"instances":{},"lastSeenMs":{"d":"x"},"fingerprints":{}}"#, "'d' is missing or not an integer"),
        ]
        for (text, reason) in bad {
            let error = #expect(throws: SnapshotReadError.self) { try RuleEngine.Snapshot(jsonData: Data(text.utf8)) }
            #expect(error?.description == reason)
        }
    }

    /// The reader walks members as it meets them: any order, unknown ones skipped, `null`
    /// times absent, as `JSONDecoder` reads them; a missing part or trailing bytes refused.
    @Test func membersAreReadInAnyOrderAndUnknownOnesSkipped() throws {
        let text = #"""
        {"fingerprints":{"r":"f"},"extra":{"nested":[1,{"a":null}]},
         "instances":{"r|d":{"occurrencesMs":[3,4],"lastTrueMs":null,"note":"x","firingSinceMs":2,"phase":"firing"}},
         "lastSeenMs":{"d":5},"savedAtMs":9}
        """#
        let byHand = try RuleEngine.Snapshot(jsonData: Data(text.utf8))
        let byDecoder = try JSONDecoder().decode(RuleEngine.Snapshot.self, from: Data(text.utf8))
        #expect(byHand.instances == byDecoder.instances)
        #expect(byHand.instances["r|d"]?.phase == .firing && byHand.instances["r|d"]?.firingSinceMs == 2)
        #expect(byHand.instances["r|d"]?.lastTrueMs == nil && byHand.instances["r|d"]?.occurrencesMs == [3, 4])
        #expect(byHand.lastSeenMs == ["d": 5] && byHand.fingerprints == ["r": "f"] && byHand.savedAtMs == 9)
        let bad: [(String, String)] = [
            (#"{"savedAtMs":1,"instances":{},"lastSeenMs":{}}"#, "'fingerprints' is missing or not an object"),
            (#"{"savedAtMs":1,"instances":{},"fingerprints":{},"lastSeenMs":[]}"#, "'lastSeenMs' is missing or not an object"),
            (#"{"instances":{},"lastSeenMs":{},"fingerprints":{}}"#, "'savedAtMs' is missing or not an integer"),
            (#"{"savedAtMs":1,"instances":{"r|d":{"phase":"pending"}},"lastSeenMs":{},"fingerprints":{}}"#, "alert 'r|d' has no occurrencesMs"),
        ]
        for (text, reason) in bad {
            let error = #expect(throws: SnapshotReadError.self) { try RuleEngine.Snapshot(jsonData: Data(text.utf8)) }
            #expect(error?.description == reason)
        }
        // What is not JSON fails as `JSONParser.parse` fails on it, at the same place.
        for text in [#"{"savedAtMs":1,"instances":{},"lastSeenMs":{},"fingerprints":{}} x"#, "", "  ", "nul", "[1] x"] {
            let parsed = #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(Array(text.utf8)) }
            let read = #expect(throws: JSONParser.Failure.self) { try RuleEngine.Snapshot(jsonData: Data(text.utf8)) }
            #expect(read == parsed, "\(text)")
        }
    }

    @Test func anEngineWithNoDevicesSavesAnEmptyMap() throws {
        let engine = EngineFixture.engine(try EngineFixture.rules(Self.doorRule), [])
        let decoded = try JSONDecoder().decode(RuleEngine.Snapshot.self, from: engine.snapshot().jsonData())
        #expect(decoded.lastSeenMs.isEmpty && decoded.instances.isEmpty)
    }
}
