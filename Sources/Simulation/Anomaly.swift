import Foundation

/// The kinds of trouble the digital twin can stage, each on devices of a fitting type.
public enum AnomalyKind: String, Sendable, CaseIterable, Codable {
    /// Smoke detector alarm: `alarm` true, high `smoke`, rising `temp_c`, reports every 30 s.
    case smoke
    /// Wristband fall detection: `fall` true.
    case fall
    /// Wristband emergency button: `sos` true.
    case sos
    /// Water meter leak: `leak` true and a sustained `flow_lph`.
    case leak
    /// Door opened without unlocking: event `forced_open`, door stays open for the duration.
    case forcedDoor = "forced_door"
    /// The device stops reporting for the duration (flat battery, lost radio link).
    case silence
    /// Battery reported below 15 %.
    case lowBattery = "low_battery"
    /// The device sends garbage: not JSON, invalid UTF-8, wrong field types, no `ts`.
    case malformed
    /// Wristband `hr_bpm` above 130 for the duration.
    case heartRate = "heart_rate"

    /// Device types this kind can happen on; nil means any type.
    public var fittingTypes: Set<String>? {
        switch self {
        case .smoke: ["smoke"]
        case .fall, .sos, .heartRate: ["wristband"]
        case .leak: ["water_meter"]
        case .forcedDoor: ["door"]
        case .silence, .lowBattery, .malformed: nil
        }
    }

    /// Whether a device of the given type can show this anomaly.
    public func fits(type: String) -> Bool {
        fittingTypes?.contains(type) ?? true
    }

    /// How long the anomaly lasts when the spec gives no duration.
    ///
    /// Long enough for typical `for:` clauses in rules to fire, short enough that a
    /// demo run shows the alert resolving too.
    public var defaultDuration: TimeInterval {
        switch self {
        case .smoke: 10 * 60
        case .fall: 5 * 60
        case .sos: 2 * 60
        case .leak: 2 * 3600
        case .forcedDoor: 5 * 60
        case .silence: 3600
        case .lowBattery: 6 * 3600
        case .malformed: 10 * 60
        case .heartRate: 15 * 60
        }
    }

    /// Kinds the device announces the moment they start (and again when they clear), rather
    /// than at its next scheduled report: alarms are pushed, not polled.
    var isPushed: Bool {
        switch self {
        case .smoke, .fall, .sos, .leak, .forcedDoor: true
        case .silence, .lowBattery, .malformed, .heartRate: false
        }
    }

    var bit: UInt16 {
        switch self {
        case .smoke: 1 << 0
        case .fall: 1 << 1
        case .sos: 1 << 2
        case .leak: 1 << 3
        case .forcedDoor: 1 << 4
        case .silence: 1 << 5
        case .lowBattery: 1 << 6
        case .malformed: 1 << 7
        case .heartRate: 1 << 8
        }
    }
}

/// One staged anomaly: what, on which device, from when, for how long.
public struct Anomaly: Sendable, Hashable, Codable {
    public var kind: AnomalyKind
    /// The device it happens on; nil lets the simulator pick a fitting device by seed.
    public var deviceID: String?
    public var at: Date
    /// Seconds; 0 makes a pushed kind a single message with no lasting state.
    public var duration: TimeInterval

    /// Without a duration, the kind's `defaultDuration` applies.
    public init(kind: AnomalyKind, deviceID: String? = nil, at: Date, duration: TimeInterval? = nil) {
        self.kind = kind
        self.deviceID = deviceID
        self.at = at
        self.duration = max(0, duration ?? kind.defaultDuration)
    }

    /// When the anomaly is over (its last instant is just before this).
    public var end: Date {
        at.addingTimeInterval(duration)
    }
}

/// A set of anomaly kinds active on one device at one instant.
struct AnomalyFlags: Sendable, Equatable {
    var bits: UInt16 = 0

    static let none = AnomalyFlags()

    @inline(__always)
    func contains(_ kind: AnomalyKind) -> Bool {
        bits & kind.bit != 0
    }

    @inline(__always)
    mutating func insert(_ kind: AnomalyKind) {
        bits |= kind.bit
    }

    @inline(__always)
    mutating func remove(_ kind: AnomalyKind) {
        bits &= ~kind.bit
    }
}
