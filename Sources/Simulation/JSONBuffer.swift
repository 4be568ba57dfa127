import Formats
import Foundation

/// Writes a flat JSON object straight into bytes.
///
/// Payloads are small objects of numbers, booleans and short ASCII strings, written millions
/// of times; `JSONEncoder` or string interpolation would cost more than everything else the
/// simulator does per message. Keys are static ASCII literals, so they need no escaping.
struct JSONBuffer {
    private(set) var bytes: [UInt8]
    private var needsComma = false

    init(capacity: Int = 192) {
        bytes = []
        bytes.reserveCapacity(capacity)
        bytes.append(UInt8(ascii: "{"))
    }

    /// Closes the object and hands over the bytes.
    mutating func finish() -> [UInt8] {
        bytes.append(UInt8(ascii: "}"))
        return bytes
    }

    @inline(__always)
    private mutating func key(_ name: StaticString) {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
        needsComma = true
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
    }

    mutating func int(_ name: StaticString, _ value: Int64) {
        key(name)
        appendInt(value)
    }

    mutating func bool(_ name: StaticString, _ value: Bool) {
        key(name)
        if value {
            bytes.append(contentsOf: [0x74, 0x72, 0x75, 0x65])  // true
        } else {
            bytes.append(contentsOf: [0x66, 0x61, 0x6C, 0x73, 0x65])  // false
        }
    }

    /// A number with a fixed count of decimals (`21.5`, `312.40`), as sensors print them.
    mutating func fixed(_ name: StaticString, _ value: Double, decimals: Int) {
        key(name)
        appendFixed(value, decimals: decimals)
    }

    /// An ASCII string value with no characters that need escaping (enum values, labels).
    mutating func string(_ name: StaticString, _ value: StaticString) {
        key(name)
        bytes.append(UInt8(ascii: "\""))
        value.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
    }

    /// An RFC 3339 timestamp string value.
    mutating func timestamp(_ name: StaticString, ms: Int64, offsetSeconds: Int) {
        key(name)
        bytes.append(UInt8(ascii: "\""))
        CaptureTime.append(ms: ms, offsetSeconds: offsetSeconds, milliseconds: true, to: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    @inline(__always)
    mutating func appendInt(_ value: Int64) {
        if value < 0 {
            bytes.append(UInt8(ascii: "-"))
            appendUnsigned(UInt64(0 &- value))
        } else {
            appendUnsigned(UInt64(value))
        }
    }

    @inline(__always)
    private mutating func appendUnsigned(_ value: UInt64) {
        if value < 10 {
            bytes.append(UInt8(ascii: "0") &+ UInt8(value))
            return
        }
        // Digits come out least significant first; write them into a small stack buffer.
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        var count = 0
        var v = value
        withUnsafeMutableBytes(of: &digits) { raw in
            while v > 0 {
                raw[count] = UInt8(ascii: "0") &+ UInt8(v % 10)
                v /= 10
                count += 1
            }
            for i in stride(from: count - 1, through: 0, by: -1) {
                bytes.append(raw[i])
            }
        }
    }

    private static let powers: [Double] = [1, 10, 100, 1000, 10_000, 100_000, 1_000_000]
    private static let intPowers: [Int64] = [1, 10, 100, 1000, 10_000, 100_000, 1_000_000]

    @inline(__always)
    private mutating func appendFixed(_ value: Double, decimals: Int) {
        guard value.isFinite else {
            // JSON has no NaN or infinity; a broken sensor reading becomes 0 rather than
            // producing an invalid payload where a valid one was intended.
            bytes.append(UInt8(ascii: "0"))
            return
        }
        let d = min(max(decimals, 0), 6)
        let scaled = Int64((abs(value) * Self.powers[d]).rounded())
        if value < 0, scaled != 0 { bytes.append(UInt8(ascii: "-")) }
        let whole = scaled / Self.intPowers[d]
        appendUnsigned(UInt64(whole))
        guard d > 0 else { return }
        bytes.append(UInt8(ascii: "."))
        var fraction = scaled % Self.intPowers[d]
        var divisor = Self.intPowers[d - 1]
        while divisor > 0 {
            bytes.append(UInt8(ascii: "0") &+ UInt8(fraction / divisor))
            fraction %= divisor
            divisor /= 10
        }
    }
}
