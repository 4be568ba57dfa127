extension JSONParser {
    /// Reads a string literal, validating UTF-8 and decoding escapes. The fast path (no
    /// escapes, ASCII or valid UTF-8) copies the bytes once.
    public mutating func string() throws(Failure) -> String {
        index += 1
        let start = index
        var hasEscape = false
        var hasHighBytes = false
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") { break }
            if byte == UInt8(ascii: "\\") { hasEscape = true; index += 2; continue }
            if byte < 0x20 { throw .syntax(offset: index, "control character in string") }
            if byte >= 0x80 { hasHighBytes = true }
            index += 1
        }
        guard index < bytes.count else { throw .syntax(offset: start, "unterminated string") }
        let raw = UnsafeBufferPointer(rebasing: bytes[start..<index])
        index += 1
        if hasHighBytes, String(validating: raw, as: UTF8.self) == nil { throw .invalidUTF8(offset: start) }
        guard hasEscape else { return String(decoding: raw, as: UTF8.self) }
        return try Self.unescape(raw, offset: start)
    }

    private static func unescape(_ raw: UnsafeBufferPointer<UInt8>, offset: Int) throws(Failure) -> String {
        var scalars = String.UnicodeScalarView()
        var utf8: [UInt8] = []
        var position = 0
        func flush() {
            scalars.append(contentsOf: String(decoding: utf8, as: UTF8.self).unicodeScalars)
            utf8.removeAll(keepingCapacity: true)
        }
        while position < raw.count {
            let byte = raw[position]
            guard byte == UInt8(ascii: "\\") else { utf8.append(byte); position += 1; continue }
            guard position + 1 < raw.count else { throw .syntax(offset: offset + position, "bad escape") }
            let escaped = raw[position + 1]
            position += 2
            let simple: UInt8? = switch escaped {
            case UInt8(ascii: "\""): 0x22
            case UInt8(ascii: "\\"): 0x5C
            case UInt8(ascii: "/"): 0x2F
            case UInt8(ascii: "b"): 0x08
            case UInt8(ascii: "f"): 0x0C
            case UInt8(ascii: "n"): 0x0A
            case UInt8(ascii: "r"): 0x0D
            case UInt8(ascii: "t"): 0x09
            default: nil
            }
            if let simple { utf8.append(simple); continue }
            guard escaped == UInt8(ascii: "u"), let unit = hex4(raw, position) else { throw .syntax(offset: offset + position, "bad escape") }
            position += 4
            flush()
            if (0xD800...0xDBFF).contains(unit), position + 6 <= raw.count, raw[position] == UInt8(ascii: "\\"),
               raw[position + 1] == UInt8(ascii: "u"), let low = hex4(raw, position + 2), (0xDC00...0xDFFF).contains(low) {
                position += 6
                let combined = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
                if let scalar = Unicode.Scalar(combined) { scalars.append(scalar) }
            } else if let scalar = Unicode.Scalar(UInt32(unit)) {
                scalars.append(scalar)
            } else {
                throw .invalidUTF8(offset: offset + position)
            }
        }
        flush()
        return String(scalars)
    }

    private static func hex4(_ raw: UnsafeBufferPointer<UInt8>, _ at: Int) -> UInt16? {
        guard at + 4 <= raw.count else { return nil }
        var value: UInt16 = 0
        for offset in 0..<4 {
            let byte = raw[at + offset]
            let digit: UInt8
            switch byte {
            case 0x30...0x39: digit = byte - 0x30
            case 0x41...0x46: digit = byte - 0x41 + 10
            case 0x61...0x66: digit = byte - 0x61 + 10
            default: return nil
            }
            value = value << 4 | UInt16(digit)
        }
        return value
    }
}
