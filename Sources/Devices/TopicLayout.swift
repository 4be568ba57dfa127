/// A topic pattern with named segments, such as
/// `gridwatch/{community}/{type}/{device}/telemetry`: it matches incoming topics, extracts the
/// named parts, and yields the MQTT subscription filter (`gridwatch/+/+/+/telemetry`).
public struct TopicLayout: Sendable, Hashable {
    enum Segment: Sendable, Hashable {
        case literal(String)
        case capture(String)
    }

    public let pattern: String
    let segments: [Segment]

    public static let captureNames: Set<String> = ["community", "type", "device", "building"]

    /// Parses `pattern`; throws a message naming the problem.
    public init(_ pattern: String) throws(TopicLayoutError) {
        self.pattern = pattern
        var segments: [Segment] = []
        for part in pattern.split(separator: "/", omittingEmptySubsequences: false) {
            if part.hasPrefix("{") && part.hasSuffix("}") {
                let name = String(part.dropFirst().dropLast())
                guard Self.captureNames.contains(name) else {
                    throw TopicLayoutError(message: "unknown topic segment '{\(name)}' (expected one of: \(Self.captureNames.sorted().joined(separator: ", ")))")
                }
                segments.append(.capture(name))
            } else if part.contains("{") || part.contains("}") || part.contains("+") || part.contains("#") {
                throw TopicLayoutError(message: "topic segment '\(part)' must be a literal or a whole {name}")
            } else {
                segments.append(.literal(String(part)))
            }
        }
        guard segments.contains(.capture("device")) else {
            throw TopicLayoutError(message: "topic pattern '\(pattern)' must contain {device}")
        }
        self.segments = segments
    }

    /// The MQTT filter that subscribes to every topic this layout matches.
    public var subscriptionFilter: String {
        segments.map { segment in
            switch segment {
            case let .literal(text): text
            case .capture: "+"
            }
        }.joined(separator: "/")
    }

    /// The named parts of `topic`, or nil when it does not match.
    public func match(_ topic: String) -> [String: String]? {
        var captures: [String: String] = [:]
        var index = 0
        for part in topic.split(separator: "/", omittingEmptySubsequences: false) {
            guard index < segments.count else { return nil }
            switch segments[index] {
            case let .literal(text): guard part == text else { return nil }
            case let .capture(name):
                guard !part.isEmpty else { return nil }
                captures[name] = String(part)
            }
            index += 1
        }
        return index == segments.count ? captures : nil
    }

    /// The topic for the given named parts (used by the simulator and for alerts).
    public func topic(_ values: [String: String]) -> String {
        segments.map { segment in
            switch segment {
            case let .literal(text): text
            case let .capture(name): values[name] ?? "_"
            }
        }.joined(separator: "/")
    }

    /// Whether `text` can stand as one topic segment.
    public static func isValidSegment(_ text: String) -> Bool {
        !text.isEmpty && !text.contains { $0 == "/" || $0 == "+" || $0 == "#" || $0 == " " || $0 == "\0" }
    }
}

/// Why a topic pattern is not usable.
public struct TopicLayoutError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
