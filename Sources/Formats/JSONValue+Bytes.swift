/// JSON text appended to a byte buffer, for writers of large documents (capture files, the
/// rules' saved state). Appending small `String`s and `String(integer)` cost an allocation
/// and a copy each: writing the rule state of 100,000 devices that way held the engine's lock
/// ~90 ms per save.
extension JSONValue {
    /// `value` as a JSON string literal: quotes and backslashes escaped, control characters
    /// as `\u00XX`, everything else as its UTF-8 bytes.
    public static func appendString(_ value: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        appendStringContents(value, to: &out)
        out.append(UInt8(ascii: "\""))
    }

    /// `value` escaped as inside a JSON string literal, without the quotes (for a literal
    /// written from several parts).
    public static func appendStringContents(_ value: String, to out: inout [UInt8]) {
        let utf8 = value.utf8
        // Most strings (ids, topics, names) need no escape: checked and appended as one buffer
        // (`contains` over the view itself stepped an iterator per byte).
        let appendedWhole = utf8.withContiguousStorageIfAvailable { bytes -> Bool in
            guard !bytes.contains(where: needsEscape) else { return false }
            out.append(contentsOf: bytes)
            return true
        }
        if appendedWhole == true { return }
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                out.append(UInt8(ascii: "\\"))
                out.append(byte)
            case 0x00..<0x20:
                out.append(contentsOf: #"\u00"#.utf8)
                out.append(hexDigit(byte >> 4))
                out.append(hexDigit(byte & 0x0F))
            default:
                out.append(byte)
            }
        }
    }

    /// `value` in decimal, as `String(value)` writes it (a minus sign, no leading zeros).
    public static func appendInteger(_ value: Int64, to out: inout [UInt8]) {
        if value < 0 { out.append(UInt8(ascii: "-")) }
        // The magnitude, so Int64.min needs no special case; its 19 digits fit the buffer.
        var rest = value.magnitude
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var first = digits.count
            repeat {
                first -= 1
                digits[first] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            } while rest > 0
            out.append(contentsOf: UnsafeBufferPointer(rebasing: digits[first...]))
        }
    }

    /// A quote, a backslash or a control character: escaped by both writers, bytes and `String`.
    static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
    }

    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
    }
}
