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
    /// Per segment, which part a capture fills (`.device` for literals, never read).
    private let captureKinds: [TopicParts.Kind]
    /// Per segment, a literal's bytes (empty for captures): compared as two buffers, where
    /// comparing through `String.UTF8View` went byte by byte through its iterator (~1.4 % of
    /// the ingest thread, perf: every message meets the staff and request layouts first).
    private let literalBytes: [[UInt8]]

    public static let captureNames = Set(TopicParts.Kind.allCases.map(\.rawValue))

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
        captureKinds = segments.map { segment in
            guard case let .capture(name) = segment, let kind = TopicParts.Kind(rawValue: name) else { return .device }
            return kind
        }
        literalBytes = segments.map { segment in
            guard case let .literal(text) = segment else { return [] }
            return Array(text.utf8)
        }
    }

    /// Whether topics name their community: cluster mode subscribes per community and needs it.
    public var namesCommunity: Bool { segments.contains(.capture("community")) }

    /// The MQTT filter for one community's topics only (a cluster partition's subscription).
    public func subscriptionFilter(community: String) -> String {
        segments.map { segment in
            switch segment {
            case let .literal(text): text
            case .capture("community"): community
            case .capture: "+"
            }
        }.joined(separator: "/")
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
        guard let parts = parts(of: topic) else { return nil }
        var captures: [String: String] = ["device": parts.device]
        if let community = parts.community { captures["community"] = community }
        if let type = parts.type { captures["type"] = type }
        if let building = parts.building { captures["building"] = building }
        return captures
    }

    /// The named parts of `topic` without building a dictionary: this runs per message.
    public func parts(of topic: String) -> TopicParts? {
        var result = TopicParts(device: "")
        var index = 0
        var matched = true
        let count = segments.count
        topic.utf8.withContiguousStorageIfAvailable { bytes in
            // Where each capture lies; its text is made only once the whole topic matched:
            // every message is tried against the staff and request layouts first, and most
            // fail there after capturing the community.
            var device = 0..<0, community: Range<Int>?, type: Range<Int>?, building: Range<Int>?
            var start = 0
            var position = 0
            while position <= bytes.count {
                guard position == bytes.count || bytes[position] == UInt8(ascii: "/") else { position += 1; continue }
                guard index < count else { matched = false; return }
                let part = UnsafeBufferPointer(rebasing: bytes[start..<position])
                switch segments[index] {
                case .literal:
                    let same = literalBytes[index].withUnsafeBufferPointer { $0.count == part.count && $0.elementsEqual(part) }
                    if !same { matched = false; return }
                case .capture:
                    if part.isEmpty { matched = false; return }
                    // By the name's kind, worked out once: comparing names cost ~2 % of decoding.
                    switch captureKinds[index] {
                    case .device: device = start..<position
                    case .community: community = start..<position
                    case .type: type = start..<position
                    case .building: building = start..<position
                    }
                }
                index += 1
                position += 1
                start = position
            }
            guard index == count else { return }
            func text(_ range: Range<Int>) -> String { String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self) }
            result.device = text(device)
            result.community = community.map(text)
            result.type = type.map(text)
            result.building = building.map(text)
        } ?? {
            // A bridged, non-contiguous string: make it contiguous and match that.
            var copy = topic
            copy.makeContiguousUTF8()
            if let parts = parts(of: copy) {
                result = parts
                index = count
            } else {
                matched = false
            }
        }()
        return matched && index == count ? result : nil
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
        // Bytes, not Characters: every forbidden one is ASCII, and a combining mark after a
        // '/' would hide it from a Character comparison while MQTT still splits the topic there.
        !text.isEmpty && !text.utf8.contains { $0 == 0x2F || $0 == 0x2B || $0 == 0x23 || $0 == 0x20 || $0 == 0 }
    }
}

/// The named segments of one topic.
public struct TopicParts: Sendable, Hashable {
    public var device: String
    public var community: String?
    public var type: String?
    public var building: String?

    /// The part a `{name}` segment fills.
    enum Kind: String, Sendable, CaseIterable {
        case device, community, type, building
    }
}

/// Why a topic pattern is not usable.
public struct TopicLayoutError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
