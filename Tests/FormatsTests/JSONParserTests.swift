import Formats
import Testing

/// The hot-path JSON parser: types kept apart, strict syntax, UTF-8 validated.
@Suite struct JSONParserTests {
    @Test func keepsBooleansIntegersAndDecimalsApart() throws {
        let value = try JSONParser.parse(Array(#"{"a":true,"b":1,"c":1.5,"d":-2e3,"e":null,"f":"x\u00e9\n","g":[1,{"h":false}]}"#.utf8))
        guard case let .object(members) = value else { Issue.record("not an object"); return }
        #expect(members["a"] == .bool(true))
        #expect(members["b"] == .int(1))
        #expect(members["c"] == .double(1.5))
        #expect(members["d"] == .double(-2000))
        #expect(members["e"] == .null)
        #expect(members["f"] == .string("xé\n"))
        #expect(members["g"] == .array([.int(1), .object(["h": .bool(false)])]))
    }

    @Test(arguments: ["", "{", "{\"a\":}", "{\"a\":1,}", "[1 2]", "tru", "01", "1.", "{\"a\":1} x", "\"\u{01}\"", "{'a':1}"])
    func rejectsMalformed(_ text: String) {
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(Array(text.utf8)) }
    }

    @Test func rejectsInvalidUTF8() {
        #expect(throws: JSONParser.Failure.invalidUTF8(offset: 1)) { try JSONParser.parse([0x22, 0x61, 0xFF, 0x22]) }
    }

    @Test func decodesSurrogatePairs() throws {
        #expect(try JSONParser.parse(Array(#""\ud83d\ude00""#.utf8)) == .string("😀"))
    }

    @Test func limitsNesting() {
        let deep = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(throws: JSONParser.Failure.tooDeep) { try JSONParser.parse(Array(deep.utf8)) }
    }

    @Test func serialisesBack() throws {
        let text = #"{"b":[1,2.5,"q\"x"],"a":true,"c":null}"#
        #expect(try JSONParser.parse(Array(text.utf8)).jsonText == #"{"a":true,"b":[1,2.5,"q\"x"],"c":null}"#)
    }

    /// Strings needing no escape are written whole; the rest scalar by scalar, as before.
    @Test func writesStringsWithAndWithoutEscapes() {
        #expect(JSONValue.string("门磁 door-01 2026-11-22T23:10:00+08:00").jsonText == "\"门磁 door-01 2026-11-22T23:10:00+08:00\"")
        #expect(JSONValue.string("a\"b\\c\nd\re\tf\u{1}门").jsonText == #""a\"b\\c\nd\re\tf\u0001门""#)
        #expect(JSONValue.string("").jsonText == "\"\"")
    }
}

