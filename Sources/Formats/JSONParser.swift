/// A strict RFC 8259 parser over UTF-8 bytes for the ingest hot path: about ten times faster
/// than JSONSerialization here, and it tells apart the failures a rejection reason needs.
///
/// gridwatch's one JSON reader: `parse` builds a `JSONValue`; the scanning side
/// (`JSONParser+Scanning.swift`) validates without building and reports where each value
/// starts and ends, for readers that must keep a value's exact bytes (capture files).
public struct JSONParser {
    /// Why a payload is not JSON.
    public enum Failure: Error, Sendable, Equatable {
        case invalidUTF8(offset: Int)
        case syntax(offset: Int, String)
        case tooDeep
    }

    /// Device payloads nest a level or two; anything deeper than this is an attack or a bug.
    public static let defaultMaxDepth = 32

    let bytes: UnsafeBufferPointer<UInt8>
    /// The byte the parser is at.
    public internal(set) var index = 0
    private var depth = 0
    private let maxDepth: Int

    init(_ bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int = defaultMaxDepth) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    /// Parses one complete JSON document.
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(Failure) -> JSONValue {
        var parser = JSONParser(bytes)
        parser.skipSpace()
        let value = try parser.value()
        parser.skipSpace()
        guard parser.index == bytes.count else { throw .syntax(offset: parser.index, "trailing characters") }
        return value
    }

    public static func parse(_ bytes: [UInt8]) throws(Failure) -> JSONValue {
        do {
            return try bytes.withUnsafeBufferPointer { try parse($0) }
        } catch let failure as Failure {
            throw failure
        } catch {
            throw .syntax(offset: 0, "\(error)")
        }
    }

    public mutating func skipSpace() {
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09 {
            index += 1
        }
    }

    mutating func value() throws(Failure) -> JSONValue {
        guard index < bytes.count else { throw .syntax(offset: index, "unexpected end of input") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        default: throw .syntax(offset: index, "unexpected character")
        }
    }

    mutating func literal(_ word: StaticString) throws(Failure) {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw .syntax(offset: index, "unexpected end of input") }
        for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] {
            throw .syntax(offset: index, "invalid literal")
        }
        index += count
    }

    private mutating func object() throws(Failure) -> JSONValue {
        // Sensor payloads carry up to about a dozen fields: growing the table step by step
        // cost more than the parsing itself. 12 is the most a 16-bucket table holds; 16 asked
        // for 32 buckets, and the rules keep each device's latest table (136 MB of the peak
        // heap at 100,000 devices, heaptrack).
        var table: [String: JSONValue] = Dictionary(minimumCapacity: 12)
        try members({ (failure: Failure) in failure }) { parser, key throws(Failure) in table[key] = try parser.value() }
        return .object(table)
    }

    /// Walks the object at `index` member by member, handing each key to `each` with the
    /// parser at the member's value; `each` must consume that value. `lift` turns the
    /// parser's own failures into `each`'s error type.
    mutating func members<E: Error>(_ lift: (Failure) -> E, _ each: (inout JSONParser, String) throws(E) -> Void) throws(E) {
        depth += 1
        guard depth <= maxDepth else { throw lift(.tooDeep) }
        defer { depth -= 1 }
        index += 1
        skipSpace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return }
        while true {
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw lift(.syntax(offset: index, "expected a string key")) }
            let key: String
            do { key = try string() } catch { throw lift(error) }
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw lift(.syntax(offset: index, "expected ':'")) }
            index += 1
            skipSpace()
            try each(&self, key)
            skipSpace()
            guard index < bytes.count else { throw lift(.syntax(offset: index, "unexpected end of input")) }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "}") { index += 1; return }
            throw lift(.syntax(offset: index, "expected ',' or '}'"))
        }
    }

    private mutating func array() throws(Failure) -> JSONValue {
        var items: [JSONValue] = []
        try elements { parser throws(Failure) in items.append(try parser.value()) }
        return .array(items)
    }

    /// Walks the array at `index` item by item, `each` consuming one value per call.
    mutating func elements(_ each: (inout JSONParser) throws(Failure) -> Void) throws(Failure) {
        depth += 1
        guard depth <= maxDepth else { throw .tooDeep }
        defer { depth -= 1 }
        index += 1
        skipSpace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return }
        while true {
            skipSpace()
            try each(&self)
            skipSpace()
            guard index < bytes.count else { throw .syntax(offset: index, "unexpected end of input") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "]") { index += 1; return }
            throw .syntax(offset: index, "expected ',' or ']'")
        }
    }

    mutating func number() throws(Failure) -> JSONValue {
        let start = index
        let isInteger = try scanNumber()
        let token = UnsafeBufferPointer(rebasing: bytes[start..<index])
        if let exact = Self.shortNumber(token, isInteger: isInteger) { return exact }
        let text = String(decoding: token, as: UTF8.self)
        if isInteger, let integer = Int64(text) { return .int(integer) }
        guard let double = Double(text) else { throw .syntax(offset: start, "invalid number") }
        return .double(double)
    }

    /// Moves past one number token; true when it has neither fraction nor exponent.
    mutating func scanNumber() throws(Failure) -> Bool {
        var isInteger = true
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count, Self.isDigit(bytes[index]) else { throw .syntax(offset: index, "invalid number") }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else {
            while index < bytes.count, Self.isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            isInteger = false
            index += 1
            guard index < bytes.count, Self.isDigit(bytes[index]) else { throw .syntax(offset: index, "invalid number") }
            while index < bytes.count, Self.isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            isInteger = false
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count, Self.isDigit(bytes[index]) else { throw .syntax(offset: index, "invalid number") }
            while index < bytes.count, Self.isDigit(bytes[index]) { index += 1 }
        }
        return isInteger
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    /// 10^0 ... 10^17, each held exactly by a `Double` (every power up to 10^22 is).
    private static let exactPowersOfTen: [Double] = (0...17).map { exponent in
        (0..<exponent).reduce(1.0) { power, _ in power * 10 }
    }

    /// The value of a number token a sensor typically sends (`21.6`, `118.790767`, `1795363199402`)
    /// worked out from its digits: at most 18 digits in all (so at most 17 after the point), no
    /// exponent, and for a decimal digits that stay within 2^53. Nil for the rest, which goes
    /// through `Int64(String)` and `Double(String)` as before. Making a `String` of every token
    /// and handing it to `strtod` was about 7 % of decoding a payload (perf of replay). Exact,
    /// not approximate: such a decimal is one correctly rounded division of two exactly held
    /// doubles (Clinger's fast path), which is what `strtod` returns for it. `token` is what
    /// `scanNumber` accepted.
    static func shortNumber(_ token: UnsafeBufferPointer<UInt8>, isInteger: Bool) -> JSONValue? {
        let negative = token[0] == UInt8(ascii: "-")
        var digits: UInt64 = 0
        var digitCount = 0
        var fractionDigits = 0
        var afterPoint = false
        for byte in token[(negative ? 1 : 0)...] {
            if byte == UInt8(ascii: ".") {
                afterPoint = true
                continue
            }
            // An exponent, or past 18 digits: left to the standard library.
            guard isDigit(byte), digitCount < 18 else { return nil }
            digitCount += 1
            digits = digits * 10 + UInt64(byte - 0x30)
            if afterPoint { fractionDigits += 1 }
        }
        if isInteger {
            let magnitude = Int64(digits)
            return .int(negative ? -magnitude : magnitude)
        }
        guard digits <= 1 << 53 else { return nil }
        let magnitude = Double(digits) / exactPowersOfTen[fractionDigits]
        return .double(negative ? -magnitude : magnitude)
    }
}
