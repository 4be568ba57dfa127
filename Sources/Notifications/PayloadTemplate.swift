import Devices
import Formats

/// A webhook body template: JSON text with `{{dotted.path}}` placeholders into the event
/// object, so a chat robot (WeCom, DingTalk, Feishu) can be fed without code. Values are
/// inserted JSON-string-escaped, because a placeholder sits inside a JSON string:
/// `{"text": {"content": "{{ticket.title}} at {{ticket.location.building}}"}}`.
/// A path the event lacks (`level` on `ticket_opened`) or a null renders as nothing; a path
/// no event can have is refused when the configuration loads (see `problems()`).
public struct PayloadTemplate: Sendable, Hashable {
    /// A piece of the template: literal text, or the path of a placeholder.
    enum Part: Sendable, Hashable {
        case text(String)
        case value([String])
    }

    /// Why a template cannot be used.
    public struct Problem: Error, Sendable, Hashable, CustomStringConvertible {
        public var description: String
    }

    public let source: String
    let parts: [Part]

    /// Splits `source` at its placeholders; an unclosed `{{` or a malformed path is refused.
    public init(_ source: String) throws(Problem) {
        self.source = source
        var parts: [Part] = []
        var rest = Substring(source)
        while let open = rest.range(of: "{{") {
            parts.append(.text(String(rest[..<open.lowerBound])))
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                throw Problem(description: "unclosed '{{' in template")
            }
            let path = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            let segments = path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
            guard !path.isEmpty, segments.allSatisfy({ !$0.isEmpty && $0.allSatisfy(allowed.contains) }) else {
                throw Problem(description: "placeholder '{{\(path)}}' must be a dotted path such as {{ticket.title}}")
            }
            parts.append(.value(segments))
            rest = rest[close.upperBound...]
        }
        parts.append(.text(String(rest)))
        self.parts = parts.filter { $0 != .text("") }
    }

    /// The placeholders' paths, in order (`ticket.location.building`).
    public var paths: [String] {
        parts.compactMap { if case let .value(path) = $0 { path.joined(separator: ".") } else { nil } }
    }

    /// The body for `context` (the event object).
    public func render(_ context: JSONValue) -> String {
        var out = ""
        for part in parts {
            switch part {
            case let .text(text): out += text
            case let .value(path): out += Self.escaped(Self.lookup(path, in: context))
            }
        }
        return out
    }

    /// The value at `path`; numeric segments index arrays (`evidence.0.at`).
    static func lookup(_ path: [String], in value: JSONValue) -> JSONValue? {
        var current = value
        for segment in path {
            switch current {
            case let .object(members):
                guard let next = members[segment] else { return nil }
                current = next
            case let .array(items):
                guard let index = Int(segment), items.indices.contains(index) else { return nil }
                current = items[index]
            default:
                return nil
            }
        }
        return current
    }

    /// Text fit for the inside of a JSON string: strings escaped, numbers and booleans as
    /// written, objects and arrays as their escaped JSON, null and missing as nothing.
    static func escaped(_ value: JSONValue?) -> String {
        let text: String
        switch value {
        case nil, .null?: return ""
        case let .string(string)?: text = string
        case let other?: text = other.jsonText
        }
        // JSONValue writes a string with its quotes; the template supplies its own.
        return String(JSONValue.string(text).jsonText.dropFirst().dropLast())
    }
}
