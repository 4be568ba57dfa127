import Devices

/// What a retention round keeps and for how long, in milliseconds, with the fields each
/// device type rolls up and treats as personal: built from the `retention:` settings and the
/// device types, so the database code needs neither the configuration nor YAML.
public struct RetentionPlan: Sendable {
    /// The roll-up widths: 5 minutes for recent trends, an hour for the long view.
    public static let widthsSeconds: [Int64] = [300, 3600]
    public static let dayMs: Int64 = 86_400_000

    /// Raw readings of a type without an override are kept this long after they are received.
    public var rawRetentionMs: Int64
    public var rawRetentionMsByType: [String: Int64]
    /// Personal fields are removed from stored payloads this long after receipt.
    public var personalRetentionMs: Int64
    /// Roll-ups by width in seconds; a width missing from the table is kept forever.
    public var rollupRetentionMsByWidth: [Int64: Int64]
    /// Most rows one transaction reads, rewrites or deletes: bounds how long ingest waits.
    public var stepRows: Int
    /// Readings one roll-up step reads and folds; their buckets are written at most `writeRows`
    /// (and about 0.25 ms) a transaction. A step upserts each bucket its readings feed once, so the fewer the steps the
    /// fewer the upserts: at 16,800 msg/s a round of 5,000-reading steps upserted about
    /// 120,000 buckets, most of them the same 5-minute and hourly buckets again.
    public var foldRows: Int
    /// Most roll-up buckets one transaction writes (a reading feeds up to ten).
    public var writeRows: Int
    /// Number, integer and bool fields of each type (bools roll up as 0/1), sorted.
    public var rollupFieldsByType: [String: [String]]
    /// Personal fields of each type that has any, sorted.
    public var personalFieldsByType: [String: [String]]

    public init(catalog: DeviceTypeCatalog, rawRetentionMs: Int64 = 90 * dayMs, rawRetentionMsByType: [String: Int64] = [:],
                personalRetentionMs: Int64 = 30 * dayMs, rollupRetentionMsByWidth: [Int64: Int64] = [300: 400 * dayMs, 3600: 1825 * dayMs],
                stepRows: Int = 5000, writeRows: Int = 1000, foldRows: Int? = nil) {
        self.rawRetentionMs = rawRetentionMs
        self.rawRetentionMsByType = rawRetentionMsByType
        self.personalRetentionMs = personalRetentionMs
        self.rollupRetentionMsByWidth = rollupRetentionMsByWidth
        self.stepRows = max(1, stepRows)
        self.writeRows = max(1, writeRows)
        // Unset (tests, and plans made before the setting): a roll-up step is a step's rows.
        self.foldRows = max(1, foldRows ?? stepRows)
        var rollupFields: [String: [String]] = [:]
        var personalFields: [String: [String]] = [:]
        for (name, type) in catalog.types {
            // `seq` is a counter, not a measurement; `ts` is the time itself.
            rollupFields[name] = type.fields.values
                .filter { $0.name != "seq" && [.number, .integer, .bool].contains($0.kind) }
                .map(\.name).sorted()
            let personal = type.personalFields.sorted()
            if !personal.isEmpty { personalFields[name] = personal }
        }
        rollupFieldsByType = rollupFields
        personalFieldsByType = personalFields
    }

    /// How long raw readings of `type` are kept.
    public func rawRetentionMs(type: String) -> Int64 { rawRetentionMsByType[type] ?? rawRetentionMs }

    /// The raw periods, each with the types it covers: the default period's group is given as
    /// the types it excludes (every type without an override, known or not).
    var rawGroups: [(name: String, retentionMs: Int64, types: [String], excluding: Bool)] {
        var groups = [(name: "*", retentionMs: rawRetentionMs, types: rawRetentionMsByType.keys.sorted(), excluding: true)]
        for type in rawRetentionMsByType.keys.sorted() {
            groups.append((name: type, retentionMs: rawRetentionMsByType[type] ?? rawRetentionMs, types: [type], excluding: false))
        }
        return groups
    }
}
