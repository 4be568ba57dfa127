import Formats
import Testing

/// The JSON reader's scanning side: validation without building, and exact value spans.
@Suite struct JSONScanningTests {
    @Test(arguments: [#"{}"#, #" {"a":[1,2,{"b":null}],"c":"\u00e9"} "#, "{\"t\":true,\"f\":false,\"n\":-1.5e3}"])
    func acceptsObjects(_ text: String) {
        #expect(JSONParser.isObject(Array(text.utf8)))
    }

    @Test(arguments: ["", "[]", "1", #""x""#, "{", #"{"a":1}{"#, #"{"a":01}"#, #"{"a":"\ud800"}"#, #"{"a":tru}"#])
    func rejectsAnythingElse(_ text: String) {
        #expect(!JSONParser.isObject(Array(text.utf8)))
    }

    @Test func rejectsInvalidUTF8AndNestingBeyondTheLimit() {
        #expect(!JSONParser.isObject([0x7B, 0x22, 0xC0, 0xAF, 0x22, 0x3A, 0x31, 0x7D]))
        let nested = Array((String(repeating: "{\"a\":", count: 40) + "1" + String(repeating: "}", count: 40)).utf8)
        #expect(!JSONParser.isObject(nested))
        #expect(JSONParser.isObject(nested, maxDepth: 40))
    }

    @Test func walksMembersAndKeepsAValueExactBytes() throws {
        let bytes = Array(#"{"k": "v", "raw": {"b":1.50, "a":[ ]}, "n": 2}"#.utf8)
        var seen: [String] = []
        var raw: [UInt8] = []
        try JSONParser.scan(bytes) { parser in
            try parser.forEachMember { parser, key in
                seen.append(key)
                let start = parser.index
                try parser.skipValue()
                if key == "raw" { raw = Array(bytes[start..<parser.index]) }
            }
            #expect(parser.isAtEnd)
        }
        #expect(seen == ["k", "raw", "n"])
        #expect(String(decoding: raw, as: UTF8.self) == #"{"b":1.50, "a":[ ]}"#)
    }

    @Test func failuresSayWhereAndWhy() {
        do {
            try JSONParser.scan(Array(#"{"a" 1}"#.utf8)) { parser in try parser.forEachMember { parser, _ in try parser.skipValue() } }
            Issue.record("accepted a member without ':'")
        } catch let failure as JSONParser.Failure {
            #expect(failure.offset == 5)
            #expect(failure.reason == "expected ':'")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
