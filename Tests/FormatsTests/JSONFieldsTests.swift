import Formats
import Foundation
import Testing

/// `JSONParser.parseTopLevel` against `parse` (the same documents accepted, the same failures,
/// the same members), and `JSONFields` against the table it stands in for.
@Suite struct JSONFieldsTests {
    /// What `parseTopLevel` gives, in `parse`'s terms: a top-level object as its table.
    static func throughFields(_ bytes: [UInt8]) -> Result<JSONValue, JSONParser.Failure> {
        do {
            switch try bytes.withUnsafeBufferPointer({ try JSONParser.parseTopLevel($0) }) {
            case let .object(fields): return .success(.object(fields.table))
            case let .other(value): return .success(value)
            }
        } catch {
            return .failure(error as! JSONParser.Failure)
        }
    }

    static func throughParse(_ bytes: [UInt8]) -> Result<JSONValue, JSONParser.Failure> {
        do { return .success(try JSONParser.parse(bytes)) } catch { return .failure(error) }
    }

    static let manyNames = "{" + (0..<40).map { #""k\#($0)":\#($0)"# }.joined(separator: ",") + #","k7":"again","k39":null}"#

    @Test(arguments: [
        #"{"a":1,"b":2.5,"c":true,"d":false,"e":"x","f":null,"g":[1,{"h":2}]}"#,
        #"  {"a" : -0 , "b":1e3, "c":-2.5E-2}  "#, #"{"a":1,"a":"later"}"#, #"{"a":"first","b":2,"a":7}"#,
        #"{"b":{"a":3},"a":[{"a":4}]}"#, #"{"e":"caf\u00e9 \"quoted\"","\u0061":0.5}"#, "{}", " { } ", manyNames,
        "", "{", #"{"a":}"#, #"{"a":1,}"#, #"{"a":1} x"#, "[1,2]", #""s""#, "1", " null ", "tru", #"{"a":01}"#, #"{'a':1}"#,
        #"{"a":1}{"b":2}"#, #"{"a":"\u0001"}"#, #"{"a":[1 2]}"#, #"{1:2}"#, #"{"a" 1}"#, "{\"a\":1",
        String(repeating: #"{"a":"#, count: 40) + "1" + String(repeating: "}", count: 40),
        String(repeating: #"{"a":"#, count: 31) + "1" + String(repeating: "}", count: 31),
    ])
    func agreesWithParse(_ document: String) {
        let bytes = Array(document.utf8)
        #expect(Self.throughFields(bytes) == Self.throughParse(bytes), "\(document)")
    }

    @Test func agreesOnInvalidUTF8() {
        for bytes: [UInt8] in [Array(#"{"a":1,"e":""#.utf8) + [0xFF, 0xFE] + Array(#""}"#.utf8), Array(#"{""#.utf8) + [0xC3] + Array(#"":1}"#.utf8)] {
            #expect(Self.throughFields(bytes) == Self.throughParse(bytes))
        }
    }

    @Test func keepsMembersInOrderAndTheLastOfARepeatedName() throws {
        guard case let .object(fields) = try Array(#"{"ts":1,"open":true,"battery":90,"open":false}"#.utf8).withUnsafeBufferPointer({ try JSONParser.parseTopLevel($0) }) else {
            Issue.record("not an object")
            return
        }
        #expect(fields.keys == ["ts", "open", "battery"])
        #expect(fields["open"] == .bool(false))
        #expect(fields["missing"] == nil)
        #expect(fields.count == 3)
        #expect(Array(fields).map(\.key) == ["ts", "open", "battery"])
    }

    @Test func agreesWithTheTablePastTheScanLimit() throws {
        let table = try #require(Self.throughParse(Array(Self.manyNames.utf8)).get().objectMembers)
        let fields = try #require(JSONParser.objectFields(Array(Self.manyNames.utf8)))
        #expect(fields.count == 40)
        for name in table.keys { #expect(fields[name] == table[name], "\(name)") }
        #expect(fields["k7"] == .string("again"))
        #expect(fields["k40"] == nil)
        var grown = JSONFields()
        for index in 0..<40 { grown.set("n\(index)", .int(Int64(index))) }
        grown.set("n3", .null)
        #expect(grown["n3"] == .null)
        #expect(grown["n39"] == .int(39))
        #expect(grown.count == 40)
    }

    @Test func equalityIgnoresOrder() {
        let written: JSONFields = ["a": .int(1), "b": .string("x")]
        #expect(written == JSONFields(["b": .string("x"), "a": .int(1)]))
        #expect(written != ["a": .int(1)])
        #expect(written != ["a": .int(1), "b": .string("y")])
        #expect(JSONFields(["b": .int(2), "a": .int(1)]).keys == ["a", "b"])
        #expect(written.table == ["a": .int(1), "b": .string("x")])
        let repeated: JSONFields = ["a": .int(1), "a": .int(2)]
        #expect(repeated.count == 1 && repeated["a"] == .int(2))
    }

    /// Names are the same as Swift's strings (and so a table) take them: canonically equivalent
    /// spellings of different lengths are one name, before and past the scan limit.
    @Test func canonicallyEquivalentNamesAreOneName() throws {
        let spellings: [(String, String)] = [("K", "\u{212A}"), ("caf\u{E9}", "cafe\u{301}"), (";", "\u{37E}")]
        for (first, second) in spellings {
            for padding in [0, 20] {
                var fields = JSONFields()
                for index in 0..<padding { fields.set("p\(index)", .int(Int64(index))) }
                fields.set(first, .int(1))
                fields.set(second, .int(2))
                #expect(fields.count == padding + 1, "\(first) \(padding)")
                #expect(fields[first] == .int(2) && fields[second] == .int(2), "\(first) \(padding)")
                #expect(fields.table == JSONFields(fields.table).table)
            }
            let document = Array("{\"\(first)\":1,\"ts\":2,\"\(second)\":3}".utf8)
            #expect(Self.throughFields(document) == Self.throughParse(document))
            let parsed = try #require(JSONParser.objectFields(document))
            #expect(parsed.count == 2 && parsed[first] == .int(3) && parsed.keys == [first, "ts"])
        }
        #expect(JSONFields.sameName("ts", true, "seq", true) == false)
        #expect(JSONFields.sameName("K", true, "\u{212A}", false))
    }

    /// The word-at-a-time ASCII test against a byte-by-byte one, a non-ASCII scalar at every
    /// place of names up to 20 bytes (both sides of the eight-byte steps).
    @Test func asciiIsToldAtEveryPlace() {
        for length in 0...20 {
            let plain = String(repeating: "a", count: length)
            #expect(JSONFields.isASCII(plain), "\(length)")
            for place in 0..<max(length, 1) {
                var scalars = Array(plain.unicodeScalars)
                if scalars.isEmpty { scalars = ["\u{E9}"] } else { scalars[place] = "\u{E9}" }
                var text = ""
                text.unicodeScalars.append(contentsOf: scalars)
                #expect(!JSONFields.isASCII(text), "\(length) \(place)")
            }
        }
        #expect(!JSONFields.isASCII("\u{212A}") && JSONFields.isASCII("hr_bpm") && JSONFields.isASCII(""))
    }

    @Test func storedPayloadsThatAreNotObjectsGiveNothing() {
        #expect(JSONParser.objectFields(Array("[1]".utf8)) == nil)
        #expect(JSONParser.objectFields(Array("{".utf8)) == nil)
        #expect(JSONParser.objectFields(Array("{}".utf8)) == JSONFields())
    }
}

extension JSONValue {
    fileprivate var objectMembers: [String: JSONValue]? {
        guard case let .object(members) = self else { return nil }
        return members
    }
}
