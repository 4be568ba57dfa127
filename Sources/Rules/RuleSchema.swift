import Devices
import Formats

/// What an expression may refer to: the payload fields of the rule's device type (only the
/// common `ts`/`seq`/`battery` for `type: any`) and the attributes the rules file declares.
public struct RuleSchema: Sendable {
    /// The declared type of an attribute (`attributes:` in a rules file).
    public enum AttributeKind: String, Sendable, Hashable, CaseIterable {
        case number, duration, string, bool

        /// The kind a YAML scalar value suggests: `45` number, `10m` duration, `true` bool,
        /// anything else string. For loaders that infer the kind from the default value.
        public static func inferred(from text: String) -> AttributeKind {
            if text == "true" || text == "false" { return .bool }
            if let number = Double(text), number.isFinite { return .number }  // not "nan", "inf"
            if let first = text.unicodeScalars.first, first.properties.numericType != nil, DurationText.seconds(text) != nil {
                return .duration
            }
            return .string
        }

        var type: RuleType {
            switch self {
            case .number: .number
            case .duration: .duration
            case .string: .string
            case .bool: .bool
            }
        }
    }

    /// `wristband`, or `any` for rules that match every type.
    public var typeName: String
    public var fields: [String: DeviceType.Field]
    public var attributes: [String: AttributeKind]

    public init(typeName: String, fields: [String: DeviceType.Field], attributes: [String: AttributeKind]) {
        self.typeName = typeName
        self.fields = fields
        self.attributes = attributes
    }

    /// The schema of a rule matching one device type (its fields include the common ones).
    public init(deviceType: DeviceType, attributes: [String: AttributeKind] = [:]) {
        self.init(typeName: deviceType.name, fields: deviceType.fields, attributes: attributes)
    }

    /// The schema of a `type: any` rule: only the fields every type carries.
    public static func anyType(attributes: [String: AttributeKind] = [:]) -> RuleSchema {
        RuleSchema(typeName: "any", fields: DeviceType.commonFields, attributes: attributes)
    }

    /// The expression type of a payload field, or nil when the type has no such field.
    public func fieldType(_ name: String) -> RuleType? {
        guard let field = fields[name] else { return nil }
        return RuleType(field.kind, field: name, typeName: typeName, values: field.values)
    }

    public func attributeType(_ name: String) -> RuleType? { attributes[name]?.type }

    /// The field name closest to a misspelt one, for "did you mean" hints.
    func suggestField(for name: String) -> String? { Self.nearest(to: name, among: fields.keys) }
    func suggestAttribute(for name: String) -> String? { Self.nearest(to: name, among: attributes.keys) }

    /// The candidate with the smallest edit distance, if it is close enough to be a typo:
    /// one edit for short names, two for longer ones. Ties go to the alphabetically first,
    /// so the hint is the same on every run.
    static func nearest(to name: String, among candidates: some Sequence<String>) -> String? {
        let limit = name.count <= 4 ? 1 : 2
        var best: (distance: Int, name: String)?
        for candidate in candidates {
            let distance = editDistance(name, candidate)
            guard distance <= limit else { continue }
            if let current = best, (current.distance, current.name) <= (distance, candidate) { continue }
            best = (distance, candidate)
        }
        return best?.name
    }

    /// Optimal string alignment distance: insertions, deletions, substitutions and swaps of
    /// two neighbours, each costing one, so `hr_bmp` is one edit away from `hr_bpm`.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a.unicodeScalars), b = Array(b.unicodeScalars)
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var before = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    value = min(value, before[j - 2] + 1)
                }
                current[j] = value
            }
            (before, previous, current) = (previous, current, before)
        }
        return previous[b.count]
    }
}
