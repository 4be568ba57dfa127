/// Reading JSON without building it: validation, and token-by-token walks that know where
/// each value starts and ends (a capture line keeps its payload's bytes exactly).
extension JSONParser {
    /// Whether `bytes` are exactly one valid JSON object, optionally surrounded by whitespace.
    public static func isObject(_ bytes: [UInt8], maxDepth: Int = defaultMaxDepth) -> Bool {
        do {
            return try scan(bytes, maxDepth: maxDepth) { parser in
                parser.skipSpace()
                guard parser.peek == UInt8(ascii: "{") else { return false }
                try parser.skipValue()
                parser.skipSpace()
                return parser.isAtEnd
            }
        } catch {
            return false
        }
    }

    /// Runs `body` with a parser at the first byte of `bytes`.
    public static func scan<T>(_ bytes: [UInt8], maxDepth: Int = defaultMaxDepth,
                               _ body: (inout JSONParser) throws -> T) rethrows -> T {
        try bytes.withUnsafeBufferPointer { buffer in try scan(buffer, maxDepth: maxDepth, body) }
    }

    /// The same over bytes held elsewhere (a row's `Data`).
    public static func scan<T>(_ bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int = defaultMaxDepth,
                               _ body: (inout JSONParser) throws -> T) rethrows -> T {
        var parser = JSONParser(bytes, maxDepth: maxDepth)
        return try body(&parser)
    }

    /// The value at `index`, consumed and built (for a walk that builds only some values).
    public mutating func parseValue() throws(Failure) -> JSONValue { try value() }

    /// The byte at `index`, nil at the end.
    public var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

    public var isAtEnd: Bool { index == bytes.count }

    /// Moves past one value of any kind, validating it as strictly as `parse` would.
    public mutating func skipValue() throws(Failure) {
        guard index < bytes.count else { throw .syntax(offset: index, "unexpected end of input") }
        switch bytes[index] {
        case UInt8(ascii: "{"): try members({ (failure: Failure) in failure }) { parser, _ throws(Failure) in try parser.skipValue() }
        case UInt8(ascii: "["): try elements { parser throws(Failure) in try parser.skipValue() }
        case UInt8(ascii: "\""): _ = try string()
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): _ = try scanNumber()
        default: throw .syntax(offset: index, "unexpected character")
        }
    }

    /// Walks the object at `index` (which must start there), calling `each` with every key
    /// and the parser at its value; `each` must consume the value (read or skip it).
    public mutating func forEachMember(_ each: (inout JSONParser, String) throws -> Void) throws {
        guard peek == UInt8(ascii: "{") else { throw Failure.syntax(offset: index, "expected '{'") }
        try members({ (failure: Failure) -> any Error in failure }, each)
    }
}

extension JSONParser.Failure {
    /// The byte where the problem was found; nil for nesting too deep, which has no one place.
    public var offset: Int? {
        switch self {
        case let .invalidUTF8(offset), let .syntax(offset, _): offset
        case .tooDeep: nil
        }
    }

    /// The problem in words, without its position.
    public var reason: String {
        switch self {
        case .invalidUTF8: "invalid UTF-8"
        case let .syntax(_, what): what
        case .tooDeep: "nested too deeply"
        }
    }
}
