import Devices
import Formats

/// What the engine remembers of one device: its latest and previous reading, short numeric
/// histories of the fields some rule windows over, and when it was last heard from.
struct DeviceTrack: Sendable {
    /// What changes only on registration or reload, behind one reference so that a track
    /// is cheap to copy into an evaluation context.
    var profile: DeviceProfile
    var device: Device { profile.device }
    var reportingInterval: Double { profile.reportingInterval }
    var attributes: [String: RuleSet.AttributeValue] { profile.attributes }
    var windowSeconds: [String: Double] { profile.windowSeconds }
    var deltaFields: [String] { profile.deltaFields }
    /// The latest reading's values of the fields some rule reads (`profile.readFields`, same
    /// order; nil where the reading lacked the field). Not the reading's whole table: at
    /// 100,000 devices those tables were ~70 MB of the heap (heaptrack), this ~13 MB.
    private(set) var current: [JSONValue?] = []
    /// Per field, its value in the latest earlier reading that carried it (for `delta`): a
    /// heartbeat without `total_m3` must not hide the jump in the next reading.
    var previous: [String: JSONValue] = [:]
    /// Per field, the latest value seen (the next reading's `previous`).
    var latest: [String: JSONValue] = [:]
    var currentAtMs: Int64?
    var lastSeenMs: Int64?
    /// Per windowed field, samples oldest first; trimmed to `windowSeconds[field]`.
    var series: [String: SampleWindow] = [:]
    /// Bit i set: the engine's `instances` may hold rule i's instance for this device (rule
    /// i of the rule set, i < 64). Clear: it holds none, so a reading need not look. Most
    /// readings find most of their rules with no instance, and those lookups (building the
    /// key, hashing the device id) were ~7 % of the ingest thread (perf). Kept by
    /// `RuleEngine.setInstance`, rebuilt by `RuleEngine.rebuildLiveRules`.
    var liveRules: UInt64 = 0

    /// Whether `instances` may hold rule `index`'s instance for this device: always true past
    /// the mask's 64 bits, so a larger rule set is looked up as before, never skipped.
    func mayHoldInstance(ofRule index: Int) -> Bool {
        index >= UInt64.bitWidth || liveRules & (1 << UInt64(index)) != 0
    }

    init(profile: DeviceProfile) { self.profile = profile }

    mutating func record(_ reading: RuleReading) {
        for field in deltaFields {
            guard let value = reading.values[field] else { continue }
            // One hash of the name per table (this runs for every reading).
            if let slot = latest.index(forKey: field) {
                previous[field] = latest.values[slot]
                latest.values[slot] = value
            } else {
                latest[field] = value
            }
        }
        let readFields = profile.readFields
        if current.count != readFields.count { current = Array(repeating: nil, count: readFields.count) }
        for index in readFields.indices { current[index] = reading.values[readFields[index]] }
        currentAtMs = reading.atMs
        lastSeenMs = max(lastSeenMs ?? reading.atMs, reading.atMs)
        for (field, window) in windowSeconds {
            guard let value = reading.values[field], let number = Self.number(value) else { continue }
            let sample = RuleSample(atMs: reading.atMs, value: number)
            guard let slot = series.index(forKey: field) else {
                series[field] = SampleWindow(sample)
                continue
            }
            series.values[slot].append(sample, trimmingBeforeMs: reading.atMs - Int64(window * 1000))
        }
    }

    /// The latest reading's value of `field`, if a rule reads it and the reading had it. A
    /// scan, not a lookup: a type's rules read a handful of fields, and comparing short names
    /// costs less than hashing one.
    func currentValue(_ field: String) -> JSONValue? {
        let readFields = profile.readFields
        for index in readFields.indices where readFields[index] == field {
            return index < current.count ? current[index] : nil
        }
        return nil
    }

    /// The latest reading's kept values by name (for a reload, whose rules may read others).
    var currentByName: [String: JSONValue] {
        var values: [String: JSONValue] = [:]
        for (index, field) in profile.readFields.enumerated() where index < current.count {
            if let value = current[index] { values[field] = value }
        }
        return values
    }

    /// Keeps `values` (a track's `currentByName`) for the fields this profile's rules read.
    mutating func restoreCurrent(_ values: [String: JSONValue]) {
        current = profile.readFields.map { values[$0] }
    }

    /// A new profile (re-registration, reload): the kept values follow the fields it reads.
    mutating func replaceProfile(_ newProfile: DeviceProfile) {
        let values = currentByName
        let sameFields = newProfile.readFields == profile.readFields
        profile = newProfile
        if !sameFields && !current.isEmpty { restoreCurrent(values) }
    }

    static func number(_ value: JSONValue) -> Double? {
        switch value {
        case let .int(number): Double(number)
        case let .double(number): number
        case let .bool(flag): flag ? 1 : 0
        // Enum values only need a stable code: `changes` compares them for equality.
        case let .string(text): Double(text.utf8.reduce(UInt32(2_166_136_261)) { ($0 ^ UInt32($1)) &* 16_777_619 })
        default: nil
        }
    }
}

/// A registered device as the rules see it: identity, reporting interval, resolved
/// attributes, and which fields need history.
final class DeviceProfile: Sendable {
    let device: Device
    let reportingInterval: Double
    let attributes: [String: RuleSet.AttributeValue]
    let windowSeconds: [String: Double]
    /// Fields some rule takes `delta` of: only these keep a previous value.
    let deltaFields: [String]
    /// Fields some rule reads: only these are kept of the latest reading.
    let readFields: [String]
    /// The rules that apply to this device, as indices into the rule set: its type's
    /// (`rulesByType`), less those whose match leaves it out. Kept here so a reading needs
    /// no lookup by type name and no match of each rule.
    let ruleIndices: [Int]

    init(device: Device, reportingInterval: Double, attributes: [String: RuleSet.AttributeValue], windowSeconds: [String: Double],
         deltaFields: [String], readFields: [String], ruleIndices: [Int]) {
        self.readFields = readFields
        self.ruleIndices = ruleIndices
        self.device = device
        self.reportingInterval = reportingInterval
        self.attributes = attributes
        self.windowSeconds = windowSeconds
        self.deltaFields = deltaFields
    }
}
