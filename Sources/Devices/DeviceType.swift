import Formats

/// A kind of device (door sensor, smoke detector, ...) as declared by a file in `devices/`:
/// its payload fields, how often it reports, and which of its fields are personal data.
/// A class of constants: every message is validated against one, and a struct would be
/// copied (its field table retained and released) per message.
public final class DeviceType: Sendable {
    /// The value a payload field carries.
    public enum ValueKind: String, Sendable, Hashable, CaseIterable {
        case number, integer, bool, string, `enum`
    }

    /// One declared payload field.
    public struct Field: Sendable, Hashable {
        public var name: String
        public var kind: ValueKind
        public var unit: String?
        /// Plausible range: a value outside is stored but flagged `out_of_range`.
        public var range: ClosedRange<Double>?
        /// Allowed values of an `enum` field.
        public var values: [String]
        public var description: String?
        /// Personal data (a resident's heart rate, location): hidden from viewers, kept shorter.
        public var personal: Bool

        public init(name: String, kind: ValueKind, unit: String? = nil, range: ClosedRange<Double>? = nil,
                    values: [String] = [], description: String? = nil, personal: Bool = false) {
            self.name = name
            self.kind = kind
            self.unit = unit
            self.range = range
            self.values = values
            self.description = description
            self.personal = personal
        }
    }

    public let name: String
    public let description: String
    /// Expected time between two reports, in seconds.
    public let reportingInterval: Double
    /// Longest silence that is still healthy, in seconds (the device's keep-alive).
    public let heartbeat: Double
    public let fields: [String: Field]
    /// `fields` as validation reads them, per message and field: a `Field` copied out of the
    /// table retained and released its four strings and arrays each time.
    let checks: [String: FieldCheck]
    /// `checks` in `checkedFields`' order, searched by name (`check(named:)`).
    private let checkList: [(name: String, isASCII: Bool, check: FieldCheck)]
    /// The fields `checks` point into, for an enum's values and the wording of a rejection.
    let checkedFields: [Field]
    /// Longest time between two self-tests (`test: true` readings), in seconds; past it the
    /// device is due for an inspection. Nil: the type does not test itself.
    public let selfTestInterval: Double?
    /// `battery: rechargeable`: the resident charges it (a wristband), so a falling level is a
    /// charge to come, not a battery to replace; no run-out forecast, no replacement counted.
    public let rechargeable: Bool

    public init(name: String, description: String, reportingInterval: Double, heartbeat: Double, fields: [Field],
                selfTestInterval: Double? = nil, rechargeable: Bool = false) {
        self.name = name
        self.selfTestInterval = selfTestInterval
        self.rechargeable = rechargeable
        self.description = description
        self.reportingInterval = reportingInterval
        self.heartbeat = heartbeat
        var table = Self.commonFields
        for field in fields { table[field.name] = field }
        self.fields = table
        checkedFields = Array(table.values)
        let checkList = checkedFields.enumerated().map { index, field in
            (name: field.name, isASCII: JSONFields.isASCII(field.name), check: FieldCheck(kind: field.kind, range: field.range, fieldIndex: index))
        }
        self.checkList = checkList
        checks = Dictionary(uniqueKeysWithValues: checkList.map { ($0.name, $0.check) })
    }

    /// How the field called `name` is checked, nil when the type does not declare it; the
    /// same answer as `checks[name]`. Each member of every message asks: a type declares a
    /// dozen fields or so (the three common ones included), and comparing short names costs
    /// less than hashing the member's name; past 24, a scan would compare more than the table.
    /// `isASCII`: what the caller knows of `name` already (a parsed member's `nameIsASCII`).
    func check(named name: String, isASCII: Bool? = nil) -> FieldCheck? {
        guard checkList.count <= 24 else { return checks[name] }
        let isASCII = isASCII ?? JSONFields.isASCII(name)
        for entry in checkList where JSONFields.sameName(entry.name, entry.isASCII, name, isASCII) { return entry.check }
        return nil
    }

    /// A declared field's kind and range, with nothing to retain when copied.
    struct FieldCheck: Sendable {
        let kind: ValueKind
        let range: ClosedRange<Double>?
        /// Its `Field` in `checkedFields`.
        let fieldIndex: Int
    }

    /// Fields every type carries (docs/design.md §1.4): device time, per-device counter, battery.
    public static let commonFields: [String: Field] = [
        "ts": Field(name: "ts", kind: .string, description: "device time: epoch ms, epoch s or RFC 3339"),
        "seq": Field(name: "seq", kind: .integer, range: 0...Double(UInt32.max) * 65536, description: "per-device counter"),
        "battery": Field(name: "battery", kind: .number, unit: "%", range: 0...100, description: "battery level"),
    ]

    /// Names of fields that hold personal data.
    public var personalFields: Set<String> { Set(fields.values.filter(\.personal).map(\.name)) }
}
