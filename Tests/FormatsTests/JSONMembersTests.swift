import Formats
import Foundation
import Testing

/// `JSONParser.numericMembers` against `parse`: the same documents accepted, the same values,
/// over hand-picked edge cases and every payload of the devices' golden fixtures.
@Suite struct JSONMembersTests {
    static let names = ["a", "b", "c", "d", "e", "f", "g", "hr_bpm", "spo2", "flow_lph", "smoke", "temp_c", "open", "battery", "lat"]

    /// What the roll-up read before: the whole document built, then the names looked up.
    static func throughParse(_ bytes: [UInt8]) -> [Double?]? {
        guard case let .object(values)? = try? JSONParser.parse(bytes) else { return nil }
        return names.map { name in
            switch values[name] {
            case let .int(number)?: Double(number)
            case let .double(number)?: number
            case let .bool(flag)?: flag ? 1 : 0
            default: nil
            }
        }
    }

    static func scanned(_ bytes: [UInt8]) -> [Double?]? {
        bytes.withUnsafeBufferPointer { JSONParser.numericMembers($0, named: names) { Array($0) } }
    }

    @Test(arguments: [
        #"{"a":1,"b":2.5,"c":true,"d":false,"e":"x","f":null,"g":[1,2]}"#,
        #"  {"a" : -0 , "b":1e3, "c":-2.5E-2, "d":12345678901234567890}  "#,
        #"{"a":1,"a":"later"}"#, #"{"a":"first","a":7}"#, #"{"b":{"a":3},"a":[{"a":4}]}"#,
        #"{"e":"caf\u00e9 \"quoted\"","a":0.30000000000000004}"#, #"{"a":1,"z":1e400}"#, #"{"a":1e400,"b":-1e-400}"#, "{}", #"{"a":118.790767,"b":1795363199402}"#,
        "", "{", #"{"a":}"#, #"{"a":1,}"#, #"{"a":1} x"#, "[1,2]", #""s""#, "1", "tru", #"{"a":01}"#, #"{'a':1}"#,
        #"{"a":1}{"b":2}"#, #"{"a":"\u0001"}"#, #"{"a":[1 2]}"#, String(repeating: #"{"a":"#, count: 40) + "1" + String(repeating: "}", count: 40),
    ])
    func agreesWithParse(_ document: String) {
        let bytes = Array(document.utf8)
        #expect(Self.scanned(bytes) == Self.throughParse(bytes), "\(document)")
    }

    @Test func agreesOnInvalidUTF8() {
        let bytes: [UInt8] = Array(#"{"a":1,"e":""#.utf8) + [0xFF, 0xFE] + Array(#""}"#.utf8)
        #expect(Self.throughParse(bytes) == nil)
        #expect(Self.scanned(bytes) == nil)
    }

    @Test func agreesOnEveryGoldenPayload() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("DevicesTests/Fixtures/payloads")
        var payloads = 0
        for folder in try FileManager.default.contentsOfDirectory(atPath: root.path).sorted() {
            let input = root.appendingPathComponent(folder).appendingPathComponent("input.jsonl")
            guard let text = try? String(contentsOf: input, encoding: .utf8) else { continue }
            for line in text.split(separator: "\n") {
                guard case let .object(record)? = try? JSONParser.parse(Array(line.utf8)) else { continue }
                let bytes: [UInt8]
                if case let .string(encoded)? = record["payload_b64"], let data = Data(base64Encoded: encoded) {
                    bytes = Array(data)
                } else if let payload = record["payload"] {
                    bytes = Array(payload.jsonText.utf8)
                } else {
                    continue
                }
                #expect(Self.scanned(bytes) == Self.throughParse(bytes), "\(line)")
                payloads += 1
            }
        }
        #expect(payloads >= 20, "the fixtures were found")
    }
}
