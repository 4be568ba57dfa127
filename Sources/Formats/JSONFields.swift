/// A JSON object's members in the order they came, found by comparing names rather than by
/// hashing them: a sensor payload carries a handful of short names, and a table hashed each
/// name once to build it and again at every lookup (validation, then each field a rule reads).
/// Hashing field names was ~11 % of the ingest thread's samples (perf, session 26). Names are
/// the same when Swift's strings (and so a table) take them as the same, canonically equivalent
/// spellings included, and a repeated name keeps its last value, as `JSONValue.object` does.
/// Past `scanLimit` members a table of positions is kept as well, so a payload of thousands of
/// names is never searched name by name.
public struct JSONFields: Sendable {
    /// One member: its name and value.
    public struct Member: Sendable, Equatable {
        public let name: String
        public internal(set) var value: JSONValue
        /// Whether `name` is all ASCII (`sameName`), worked out once as the member is read.
        public let nameIsASCII: Bool
    }

    /// The most members searched by comparing names; beyond it a table answers. A sensor
    /// payload has about a dozen; past 16 a scan would compare more names than a table hashes.
    static let scanLimit = 16

    public private(set) var members: [Member] = []
    /// Positions by name, once there are more than `scanLimit` members.
    private var positions: [String: Int]?

    public init() {}

    /// Empty, with room for `capacity` members before the array grows.
    public init(capacity: Int) { members.reserveCapacity(capacity) }

    /// The table's members, by name in ascending order (a table has no order of its own).
    public init(_ table: [String: JSONValue]) {
        members.reserveCapacity(table.count)
        for name in table.keys.sorted() { append(name, table[name]!, isASCII: Self.isASCII(name)) }
    }

    public var count: Int { members.count }
    public var isEmpty: Bool { members.isEmpty }
    /// The members' names, in order.
    public var keys: [String] { members.map(\.name) }

    /// The value of the member called `name`, if there is one.
    public subscript(name: String) -> JSONValue? {
        guard let position = position(of: name) else { return nil }
        return members[position].value
    }

    /// Sets the member called `name`: replaced where it is, or added at the end.
    public mutating func set(_ name: String, _ value: JSONValue) {
        // Whether the name is ASCII is worked out once, for the search and the new member.
        let isASCII = Self.isASCII(name)
        if let position = position(of: name, isASCII: isASCII) {
            members[position].value = value
        } else {
            append(name, value, isASCII: isASCII)
        }
    }

    /// The members as a table (for code that keeps or merges them by name).
    public var table: [String: JSONValue] {
        var table: [String: JSONValue] = Dictionary(minimumCapacity: members.count)
        for member in members { table[member.name] = member.value }
        return table
    }

    private func position(of name: String) -> Int? { position(of: name, isASCII: Self.isASCII(name)) }

    private func position(of name: String, isASCII: Bool) -> Int? {
        if let positions { return positions[name] }
        // Lengths first: most names differ in length, and telling two unequal strings apart
        // otherwise goes through the standard library's general comparison.
        return members.firstIndex { Self.sameName($0.name, $0.nameIsASCII, name, isASCII) }
    }

    /// Whether `a` and `b` are the same name as `==` (and a table) take it. Two ASCII names of
    /// different lengths differ, told at once; any other pair goes through `==`, which takes
    /// canonically equivalent spellings of different lengths ("é" and "e\u{301}", "K" and the
    /// Kelvin sign) as one name.
    public static func sameName(_ a: String, _ aIsASCII: Bool, _ b: String, _ bIsASCII: Bool) -> Bool {
        if aIsASCII && bIsASCII && a.utf8.count != b.utf8.count { return false }
        return a == b
    }

    /// Whether `name` is all ASCII: eight bytes at a time, as a lookup asks it of its name.
    public static func isASCII(_ name: String) -> Bool {
        name.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
            let raw = UnsafeRawBufferPointer(bytes)
            var offset = 0
            while offset + 8 <= raw.count {
                if raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { return false }
                offset += 8
            }
            while offset < raw.count {
                if raw[offset] >= 0x80 { return false }
                offset += 1
            }
            return true
        } ?? name.utf8.allSatisfy { $0 < 0x80 }
    }

    /// Only the members whose names `isKept` accepts, in order, in storage just big enough:
    /// a parsed payload has room for a dozen (~0.5 KB), and a restart's warm-up at 100,000
    /// devices held 173,517 of them (89 MB, heaptrack) for the one or two fields rules read.
    public func keeping(_ isKept: (String) -> Bool) -> JSONFields {
        var kept = JSONFields(capacity: members.count { isKept($0.name) })
        for member in members where isKept(member.name) { kept.append(member.name, member.value, isASCII: member.nameIsASCII) }
        return kept
    }

    private mutating func append(_ name: String, _ value: JSONValue, isASCII: Bool) {
        members.append(Member(name: name, value: value, nameIsASCII: isASCII))
        if positions != nil {
            positions?[name] = members.count - 1
        } else if members.count > Self.scanLimit {
            var table: [String: Int] = Dictionary(minimumCapacity: members.count * 2)
            for (position, member) in members.enumerated() { table[member.name] = position }
            positions = table
        }
    }
}

extension JSONFields: Sequence {
    /// The members in order, as a table's `(key, value)` pairs.
    public struct Iterator: IteratorProtocol {
        var base: IndexingIterator<[Member]>

        public mutating func next() -> (key: String, value: JSONValue)? {
            base.next().map { (key: $0.name, value: $0.value) }
        }
    }

    public func makeIterator() -> Iterator { Iterator(base: members.makeIterator()) }

    public var underestimatedCount: Int { members.count }
}

extension JSONFields: ExpressibleByDictionaryLiteral {
    /// In the order written; a repeated name keeps its last value.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        for (name, value) in elements { set(name, value) }
    }
}

/// Equal when they hold the same names with equal values, in whatever order (as tables are).
extension JSONFields: Equatable {
    public static func == (lhs: JSONFields, rhs: JSONFields) -> Bool {
        lhs.count == rhs.count && lhs.members.allSatisfy { rhs[$0.name] == $0.value }
    }
}
