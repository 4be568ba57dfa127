import Formats
import Foundation

/// Why a capture line could not be read, and at which byte of the line.
public struct CaptureLineError: Error, Sendable, CustomStringConvertible {
    public var reason: String
    public var offset: Int

    public var description: String {
        "capture line, byte \(offset + 1): \(reason)"
    }
}

/// The capture file format (docs/design.md §1.7): one JSON object per line,
/// `{"at":"2026-11-22T23:10:00.123+08:00","topic":"…","payload":{…}}`.
///
/// A payload that is a valid JSON object is embedded as is, byte for byte, so a replay sees
/// exactly what the device sent (key order, number spelling). Anything else goes in
/// `payload_b64` as base64 of the raw bytes, which keeps garbage replayable too.
public enum CaptureLine {
    /// One capture line, without the trailing newline.
    public static func encode(_ message: SimulatedMessage) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(message.payload.count + message.topic.utf8.count + 64)
        append(message, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends one capture line and a newline to a buffer; the fast path for writing files.
    public static func appendLine(_ message: SimulatedMessage, to out: inout [UInt8]) {
        append(message, to: &out)
        out.append(0x0A)
    }

    static func append(_ message: SimulatedMessage, to out: inout [UInt8]) {
        out.append(contentsOf: #"{"at":""#.utf8)
        CaptureTime.append(
            ms: message.atMilliseconds, offsetSeconds: message.utcOffsetSeconds,
            milliseconds: true, to: &out)
        out.append(contentsOf: #"","topic":"#.utf8)
        JSONValue.appendString(message.topic, to: &out)
        if message.isJSONObject {
            out.append(contentsOf: #","payload":"#.utf8)
            // JSON whitespace may include line breaks, which would split the line; inside
            // strings they cannot occur raw, so turning them into spaces keeps the value.
            for byte in message.payload {
                out.append(byte == 0x0A || byte == 0x0D ? 0x20 : byte)
            }
        } else {
            out.append(contentsOf: #","payload_b64":""#.utf8)
            out.append(contentsOf: Data(message.payload).base64EncodedString().utf8)
            out.append(UInt8(ascii: "\""))
        }
        out.append(UInt8(ascii: "}"))
    }

    /// Reads one capture line back; `payload` keeps the original bytes exactly.
    ///
    /// Unknown keys are skipped so later writers may add fields (the format only grows).
    public static func decode(_ line: String) throws -> SimulatedMessage {
        try decode(bytes: Array(line.utf8))
    }

    /// How deeply a payload may nest and still be kept inline: far beyond what a device sends,
    /// so that nesting never decides between `payload` and `payload_b64`.
    public static let maxDepth = 256

    /// Reads one capture line given as bytes (a trailing newline is allowed).
    public static func decode(bytes: [UInt8]) throws -> SimulatedMessage {
        var at: (ms: Int64, offsetSeconds: Int)?
        var topic: String?
        var payload: [UInt8]?
        let end: Int
        do {
            end = try JSONParser.scan(bytes, maxDepth: maxDepth) { parser in
                parser.skipSpace()
                try parser.forEachMember { parser, key in
                    try readMember(key, with: &parser, of: bytes, at: &at, topic: &topic, payload: &payload)
                }
                parser.skipSpace()
                return parser.index
            }
        } catch let failure as JSONParser.Failure {
            throw CaptureLineError(reason: "invalid JSON: \(failure.reason)", offset: failure.offset ?? 0)
        }
        guard end == bytes.count else {
            throw CaptureLineError(reason: "text after the JSON object", offset: end)
        }
        guard let at else { throw CaptureLineError(reason: "missing 'at'", offset: 0) }
        guard let topic else { throw CaptureLineError(reason: "missing 'topic'", offset: 0) }
        guard let payload else {
            throw CaptureLineError(reason: "missing 'payload' or 'payload_b64'", offset: 0)
        }
        return SimulatedMessage(
            at: Date(timeIntervalSince1970: Double(at.ms) / 1000),
            topic: topic, payload: payload, utcOffsetSeconds: at.offsetSeconds)
    }

    /// Reads the value of one member of a capture line; unknown keys are skipped.
    private static func readMember(
        _ key: String, with parser: inout JSONParser, of bytes: [UInt8],
        at: inout (ms: Int64, offsetSeconds: Int)?, topic: inout String?, payload: inout [UInt8]?
    ) throws {
        let valueStart = parser.index
        switch key {
        case "at":
            guard let parsed = CaptureTime.parse(Array(try quoted(&parser).utf8)) else {
                throw CaptureLineError(reason: "'at' is not an RFC 3339 time", offset: valueStart)
            }
            at = parsed
        case "topic":
            topic = try quoted(&parser)
        case "payload":
            guard parser.peek == UInt8(ascii: "{") else {
                throw CaptureLineError(reason: "'payload' must be a JSON object", offset: valueStart)
            }
            try parser.skipValue()
            payload = Array(bytes[valueStart..<parser.index])
        case "payload_b64":
            guard let data = Data(base64Encoded: Data(try quoted(&parser).utf8)) else {
                throw CaptureLineError(reason: "'payload_b64' is not base64", offset: valueStart)
            }
            payload = [UInt8](data)
        default:
            try parser.skipValue()
        }
    }

    /// A string value, or a failure where something else stands.
    private static func quoted(_ parser: inout JSONParser) throws -> String {
        guard parser.peek == UInt8(ascii: "\"") else {
            throw JSONParser.Failure.syntax(offset: parser.index, "expected '\"'")
        }
        return try parser.string()
    }
}
