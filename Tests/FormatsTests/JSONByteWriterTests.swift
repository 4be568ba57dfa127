import Formats
import Testing

/// The byte writers large documents use: what they write reads back as what was written.
@Suite struct JSONByteWriterTests {
    @Test(arguments: [Int64.min, Int64.min + 1, -1_000_000_007, -10, -9, -1, 0, 1, 9, 10, 99, 100, 1_733_000_000_123, Int64.max])
    func integersAreWrittenAsStringWritesThem(_ value: Int64) throws {
        var bytes = Array("x".utf8)
        JSONValue.appendInteger(value, to: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == "x" + String(value))
        #expect(try JSONParser.parse(Array(bytes.dropFirst())) == .int(value))
    }

    @Test(arguments: ["", "gw-0001", "quote\"d", "back\\slash", "line\nbreak\r\ttab", "\u{01}\u{1F}", "é 楼 😀", "|"])
    func stringsReadBackUnchanged(_ value: String) throws {
        var bytes: [UInt8] = []
        JSONValue.appendString(value, to: &bytes)
        #expect(try JSONParser.parse(bytes) == .string(value))
    }

    @Test func controlCharactersAreEscapedAsUnicode() {
        var bytes: [UInt8] = []
        JSONValue.appendString("a\u{1F}\n\"\\b", to: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == #""a\u001f\u000a\"\\b""#)
    }

    @Test func contentsFromSeveralPartsMakeOneLiteral() throws {
        var bytes = Array("\"".utf8)
        JSONValue.appendStringContents("rule\"1", to: &bytes)
        bytes.append(UInt8(ascii: "|"))
        JSONValue.appendStringContents("楼\n", to: &bytes)
        bytes.append(UInt8(ascii: "\""))
        #expect(try JSONParser.parse(bytes) == .string("rule\"1|楼\n"))
    }
}
