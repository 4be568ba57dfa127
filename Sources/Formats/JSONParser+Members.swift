/// A few numeric members of a JSON object read without building the object: a retention
/// round's roll-up reads thousands of payloads a step for two or three fields each, and
/// `parse` builds every member (a table, its keys hashed) only for those few to be looked up.
extension JSONParser {
    /// Reads the object in `bytes` and calls `body` with one slot per name in `names`: the
    /// member's number (a boolean as 1 or 0), or nil when it is absent or of another kind.
    /// Accepts exactly the documents `parse` accepts as an object (whitespace around it
    /// allowed) and gives the same values, a repeated key its last; nil, and no call, for
    /// anything else. The slots live on the stack for the call.
    public static func numericMembers<T>(_ bytes: UnsafeBufferPointer<UInt8>, named names: [String],
                                         _ body: (UnsafeBufferPointer<Double?>) throws -> T) rethrows -> T? {
        try withUnsafeTemporaryAllocation(of: Double?.self, capacity: names.count) { slots in
            slots.initialize(repeating: nil)
            var parser = JSONParser(bytes)
            do {
                parser.skipSpace()
                try parser.forEachMember { parser, key in
                    guard let slot = names.firstIndex(of: key) else { return try parser.skipValue() }
                    slots[slot] = try parser.numberOrBoolean()
                }
                parser.skipSpace()
                guard parser.isAtEnd else { return nil }
            } catch {
                return nil
            }
            return try body(UnsafeBufferPointer(slots))
        }
    }

    /// The number or boolean at `index`, consumed; nil for a value of another kind, skipped.
    public mutating func numberOrBoolean() throws(Failure) -> Double? {
        switch peek {
        case UInt8(ascii: "t")?:
            try literal("true")
            return 1
        case UInt8(ascii: "f")?:
            try literal("false")
            return 0
        case UInt8(ascii: "-")?, (UInt8(ascii: "0")...UInt8(ascii: "9"))?:
            switch try number() {
            case let .int(integer): return Double(integer)
            case let .double(double): return double
            default: return nil
            }
        default:
            try skipValue()
            return nil
        }
    }
}
