import Devices

/// The static type of an expression, as the checker infers it from the device type's fields
/// and the declared attributes. Durations are kept apart from numbers so that `rate(x, 600)`
/// (seconds? minutes?) is an error instead of a guess.
public enum RuleType: Sendable, Hashable, CustomStringConvertible {
    case bool
    case number
    case duration
    case string
    /// A field whose values are listed by its device type (door.event); it behaves as a
    /// string, and a literal compared with it must be one of the values.
    case enumeration(RuleEnumeration)

    /// The type a payload field of this kind has in expressions.
    public init(_ kind: DeviceType.ValueKind, field: String, typeName: String, values: [String]) {
        switch kind {
        case .number, .integer: self = .number
        case .bool: self = .bool
        case .string: self = .string
        case .enum: self = .enumeration(RuleEnumeration(typeName: typeName, field: field, values: values))
        }
    }

    /// Numbers and durations have an order and arithmetic; the other types only equality.
    public var isNumeric: Bool { self == .number || self == .duration }
    /// Strings and enums are compared as text.
    public var isText: Bool {
        switch self {
        case .string, .enumeration: true
        default: false
        }
    }

    /// How values of this type are carried at run time: truths, `Double`s or strings.
    var shape: RuleProgram.Shape {
        switch self {
        case .bool: .truth
        case .number, .duration: .number
        case .string, .enumeration: .text
        }
    }

    /// The type with its article, for messages ("this is a bool", "an enum door.event").
    public var phrase: String {
        if case .enumeration = self { return "an \(self)" }
        return "a \(self)"
    }

    public var description: String {
        switch self {
        case .bool: "bool"
        case .number: "number"
        case .duration: "duration"
        case .string: "string"
        case let .enumeration(enumeration): "enum \(enumeration.qualifiedName)"
        }
    }
}

/// The values an enum field allows, and where it is declared (for the error message).
public struct RuleEnumeration: Sendable, Hashable {
    public var typeName: String
    public var field: String
    public var values: [String]

    public init(typeName: String, field: String, values: [String]) {
        self.typeName = typeName
        self.field = field
        self.values = values
    }

    /// `door.event`.
    public var qualifiedName: String { "\(typeName).\(field)" }
}
