import Foundation

/// A strict RFC 8259 scanner over bytes: validates values (including their UTF-8) and reports
/// where each one starts and ends.
///
/// The capture writer must decide for arbitrary device bytes whether they are a valid JSON
/// object (inline) or not (base64), and the reader must hand back a payload's exact bytes;
/// `JSONSerialization` can do neither cheaply, and it rounds numbers and reorders keys.
struct JSONScanner {
    /// Why scanning stopped; `offset` is the byte where the problem was found.
    struct Failure: Error {
        var offset: Int
        var reason: String
    }

    let bytes: [UInt8]
    var index = 0
    private let maxDepth = 256

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Whether the bytes are exactly one JSON object, optionally surrounded by whitespace.
    static func isObject(_ bytes: [UInt8]) -> Bool {
        var scanner = JSONScanner(bytes)
        scanner.skipWhitespace()
        guard scanner.peek == UInt8(ascii: "{") else { return false }
        do {
            try scanner.skipValue(depth: 0)
        } catch {
            return false
        }
        scanner.skipWhitespace()
        return scanner.index == bytes.count
    }

    var peek: UInt8? {
        index < bytes.count ? bytes[index] : nil
    }

    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    mutating func expect(_ byte: UInt8) throws {
        guard peek == byte else {
            throw Failure(offset: index, reason: "expected '\(Character(Unicode.Scalar(byte)))'")
        }
        index += 1
    }

    /// Skips one value of any kind, validating it.
    mutating func skipValue(depth: Int) throws {
        guard depth < maxDepth else { throw Failure(offset: index, reason: "nested too deeply") }
        guard let byte = peek else { throw Failure(offset: index, reason: "unexpected end") }
        switch byte {
        case UInt8(ascii: "{"):
            index += 1
            skipWhitespace()
            if peek == UInt8(ascii: "}") { index += 1; return }
            while true {
                skipWhitespace()
                _ = try string(decode: false)
                skipWhitespace()
                try expect(UInt8(ascii: ":"))
                skipWhitespace()
                try skipValue(depth: depth + 1)
                skipWhitespace()
                if peek == UInt8(ascii: ",") { index += 1; continue }
                try expect(UInt8(ascii: "}"))
                return
            }
        case UInt8(ascii: "["):
            index += 1
            skipWhitespace()
            if peek == UInt8(ascii: "]") { index += 1; return }
            while true {
                skipWhitespace()
                try skipValue(depth: depth + 1)
                skipWhitespace()
                if peek == UInt8(ascii: ",") { index += 1; continue }
                try expect(UInt8(ascii: "]"))
                return
            }
        case UInt8(ascii: "\""):
            _ = try string(decode: false)
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        default: try number()
        }
    }

    private mutating func literal(_ word: StaticString) throws {
        let length = word.utf8CodeUnitCount
        let matches = word.withUTF8Buffer { expected in
            index + length <= bytes.count && (0..<length).allSatisfy { bytes[index + $0] == expected[$0] }
        }
        guard matches else { throw Failure(offset: index, reason: "invalid literal") }
        index += length
    }

    private mutating func digits() -> Int {
        let start = index
        while let b = peek, (b &- UInt8(ascii: "0")) < 10 { index += 1 }
        return index - start
    }

    private mutating func number() throws {
        let start = index
        if peek == UInt8(ascii: "-") { index += 1 }
        if peek == UInt8(ascii: "0") {
            index += 1
        } else if digits() == 0 {
            throw Failure(offset: start, reason: "invalid value")
        }
        if peek == UInt8(ascii: ".") {
            index += 1
            guard digits() > 0 else { throw Failure(offset: index, reason: "digits expected after '.'") }
        }
        if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
            index += 1
            if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { index += 1 }
            guard digits() > 0 else { throw Failure(offset: index, reason: "digits expected in exponent") }
        }
    }

    /// Reads a string token; with `decode`, returns its unescaped UTF-8 bytes.
    ///
    /// Unpaired surrogate escapes are rejected: RFC 8259 tolerates them, but no consumer can
    /// turn them into text, so such a payload is treated as raw bytes.
    mutating func string(decode: Bool) throws -> [UInt8] {
        try expect(UInt8(ascii: "\""))
        var out: [UInt8] = []
        while true {
            guard let b = peek else { throw Failure(offset: index, reason: "unterminated string") }
            switch b {
            case UInt8(ascii: "\""):
                index += 1
                return out
            case UInt8(ascii: "\\"):
                index += 1
                guard let e = peek else { throw Failure(offset: index, reason: "unterminated escape") }
                index += 1
                let simple: UInt8?
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): simple = e
                case UInt8(ascii: "b"): simple = 0x08
                case UInt8(ascii: "f"): simple = 0x0C
                case UInt8(ascii: "n"): simple = 0x0A
                case UInt8(ascii: "r"): simple = 0x0D
                case UInt8(ascii: "t"): simple = 0x09
                case UInt8(ascii: "u"): simple = nil
                default: throw Failure(offset: index - 1, reason: "invalid escape")
                }
                if let simple {
                    if decode { out.append(simple) }
                    continue
                }
                var scalar = try hex4()
                if (0xD800..<0xDC00).contains(scalar) {
                    guard peek == UInt8(ascii: "\\"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "u")
                    else { throw Failure(offset: index, reason: "unpaired surrogate") }
                    index += 2
                    let low = try hex4()
                    guard (0xDC00..<0xE000).contains(low) else {
                        throw Failure(offset: index, reason: "unpaired surrogate")
                    }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00..<0xE000).contains(scalar) {
                    throw Failure(offset: index, reason: "unpaired surrogate")
                }
                if decode, let u = Unicode.Scalar(scalar), let encoded = UTF8.encode(u) {
                    out.append(contentsOf: encoded)
                }
            case 0x00..<0x20:
                throw Failure(offset: index, reason: "control character in string")
            case 0x00..<0x80:
                if decode { out.append(b) }
                index += 1
            default:
                let length = try utf8Sequence()
                if decode { out.append(contentsOf: bytes[index..<(index + length)]) }
                index += length
            }
        }
    }

    private mutating func hex4() throws -> UInt32 {
        guard index + 4 <= bytes.count else { throw Failure(offset: index, reason: "short \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[index]
            let digit: UInt32
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(c - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(c - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(c - UInt8(ascii: "A") + 10)
            default: throw Failure(offset: index, reason: "invalid \\u escape")
            }
            value = value << 4 | digit
            index += 1
        }
        return value
    }

    /// Length of the well-formed UTF-8 sequence at `index` (Unicode Table 3-7), or a failure.
    private func utf8Sequence() throws -> Int {
        let b0 = bytes[index]
        func cont(_ i: Int, _ range: ClosedRange<UInt8> = 0x80...0xBF) -> Bool {
            index + i < bytes.count && range.contains(bytes[index + i])
        }
        let ok: Bool
        let length: Int
        switch b0 {
        case 0xC2...0xDF: length = 2; ok = cont(1)
        case 0xE0: length = 3; ok = cont(1, 0xA0...0xBF) && cont(2)
        case 0xE1...0xEC, 0xEE...0xEF: length = 3; ok = cont(1) && cont(2)
        case 0xED: length = 3; ok = cont(1, 0x80...0x9F) && cont(2)
        case 0xF0: length = 4; ok = cont(1, 0x90...0xBF) && cont(2) && cont(3)
        case 0xF1...0xF3: length = 4; ok = cont(1) && cont(2) && cont(3)
        case 0xF4: length = 4; ok = cont(1, 0x80...0x8F) && cont(2) && cont(3)
        default: length = 1; ok = false
        }
        guard ok else { throw Failure(offset: index, reason: "invalid UTF-8") }
        return length
    }
}
