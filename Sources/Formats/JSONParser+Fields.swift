/// A document read for its top-level object's members (`JSONFields`): what a sensor payload
/// must be, parsed without building a table of its members.
extension JSONParser {
    /// A complete document: its top-level object's members, or any other value as it is.
    public enum TopLevel: Sendable, Equatable {
        case object(JSONFields)
        case other(JSONValue)
    }

    /// Parses one complete JSON document as `parse` does (the same documents accepted, the
    /// same failures at the same offsets), keeping a top-level object's members in order.
    public static func parseTopLevel(_ bytes: UnsafeBufferPointer<UInt8>) throws(Failure) -> TopLevel {
        var parser = JSONParser(bytes)
        parser.skipSpace()
        let topLevel: TopLevel
        if parser.peek == UInt8(ascii: "{") {
            // Room for a sensor payload's dozen or so members: growing step by step allocated
            // four times for an eight-member payload.
            var fields = JSONFields(capacity: 12)
            try parser.members({ (failure: Failure) in failure }) { parser, name throws(Failure) in fields.set(name, try parser.value()) }
            topLevel = .object(fields)
        } else {
            topLevel = .other(try parser.value())
        }
        parser.skipSpace()
        guard parser.index == bytes.count else { throw .syntax(offset: parser.index, "trailing characters") }
        return topLevel
    }

    /// The top-level object's members of a complete document; nil when it is not JSON or not
    /// an object (stored payloads read back, which were objects when stored).
    public static func objectFields(_ bytes: UnsafeBufferPointer<UInt8>) -> JSONFields? {
        guard case let .object(fields)? = try? parseTopLevel(bytes) else { return nil }
        return fields
    }

    /// `objectFields` over an array's bytes.
    public static func objectFields(_ bytes: [UInt8]) -> JSONFields? {
        bytes.withUnsafeBufferPointer { objectFields($0) }
    }
}
