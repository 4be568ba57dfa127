import Formats
import Foundation
import Testing
import Simulation

/// Capture lines: valid JSON, exact round trips, base64 for anything not a JSON object.
@Suite("Capture lines")
struct CaptureLineTests {
    @Test func linesRoundTripThroughJSONSerialization() throws {
        var sim = Fixture.simulator(malformedFraction: 0.2)
        var inline = 0, base64 = 0
        for _ in 0..<5_000 {
            let next = sim.next()
            let m = try #require(next)
            let line = CaptureLine.encode(m)
            #expect(!line.contains("\n"))
            let object = try #require(
                try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let at = try #require(object["at"] as? String)
            #expect(at.hasSuffix("+08:00") && at.count == 29, "\(at)")
            #expect(CaptureTime.date(from: at) == m.at)
            #expect(object["topic"] as? String == m.topic)
            if let payload = object["payload"] as? [String: Any] {
                inline += 1
                let direct = try #require(Fixture.object(m))
                let canonical = { (o: [String: Any]) in
                    try? JSONSerialization.data(withJSONObject: o, options: [.sortedKeys])
                }
                #expect(canonical(payload) != nil && canonical(payload) == canonical(direct))
            } else {
                base64 += 1
                let encoded = try #require(object["payload_b64"] as? String)
                #expect(Data(base64Encoded: encoded) == Data(m.payload))
                #expect(Fixture.object(m) == nil)
            }
            let decoded = try CaptureLine.decode(line)
            #expect(decoded == m, "decoding gives back the exact bytes")
        }
        #expect(inline > 0 && base64 > 0)
    }

    @Test func foreignMessagesAreValidatedAndEscaped() throws {
        let at = Fixture.start
        let pretty = SimulatedMessage(at: at, topic: "a/\"b\"", payload: Array("{\n \"x\": [1, 2.5e3, \"é\"]\n}".utf8))
        let line = CaptureLine.encode(pretty)
        #expect(!line.contains("\n"))
        #expect(line.hasPrefix(#"{"at":"2026-11-21T16:00:00.000Z","topic":"a/\"b\"","payload":{"#))
        let array = SimulatedMessage(at: at, topic: "t", payload: Array("[1]".utf8))
        #expect(CaptureLine.encode(array).contains(#""payload_b64":"WzFd""#))
        let surrogate = SimulatedMessage(at: at, topic: "t", payload: Array(#"{"a":"\ud800"}"#.utf8))
        #expect(CaptureLine.encode(surrogate).contains("payload_b64"))
        let empty = SimulatedMessage(at: at, topic: "t", payload: [])
        #expect(try CaptureLine.decode(CaptureLine.encode(empty)).payload == [])
    }

    @Test func decodeRejectsBrokenLines() {
        for line in ["", "{}", #"{"at":"yesterday","topic":"t","payload":{}}"#,
                     #"{"at":"2026-11-22T23:10:00+08:00","topic":"t","payload":[1]}"#,
                     #"{"at":"2026-11-22T23:10:00+08:00","topic":"t"}"#,
                     #"{"at":"2026-11-22T23:10:00+08:00","topic":"t","payload":{}} x"#] {
            #expect(throws: CaptureLineError.self, "\(line)") { try CaptureLine.decode(line) }
        }
        let ok = try? CaptureLine.decode(#"{"at":"2026-11-22T23:10:00+08:00","topic":"t","payload":{},"extra":[1]}"#)
        #expect(ok?.utcOffsetSeconds == 8 * 3600)
    }

    @Test func rfc3339FormatsAndParses() throws {
        let date = try #require(CaptureTime.date(from: "2026-11-22T23:10:00.123+08:00"))
        #expect(date.timeIntervalSince1970 == 1_795_360_200.123)
        let shanghai = Fixture.shanghai
        #expect(CaptureTime.string(from: date, timeZone: shanghai) == "2026-11-22T23:10:00.123+08:00")
        #expect(CaptureTime.string(from: date, timeZone: TimeZone(identifier: "UTC")!, milliseconds: false)
            == "2026-11-22T15:10:00Z")
        let newYork = TimeZone(identifier: "America/New_York")!
        #expect(CaptureTime.string(from: date, timeZone: newYork) == "2026-11-22T10:10:00.123-05:00")
        #expect(CaptureTime.date(from: "2026-11-22t15:10:00.123456z") == date)
        #expect(CaptureTime.date(from: "2024-02-29 00:00:00Z") != nil)
        for bad in ["2026-11-22", "2026-02-29T00:00:00Z", "2026-11-22T24:00:00Z", "2026-11-22T23:10:00", "2026-11-22T23:10:00.Z"] {
            #expect(CaptureTime.date(from: bad) == nil, "\(bad)")
        }
    }
}
