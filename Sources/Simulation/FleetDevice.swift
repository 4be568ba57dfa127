import Foundation

/// One device of the simulated fleet, as the inventory knows it.
///
/// `type` is one of the docs/design.md §1.4 type names: `door`, `smoke`, `water_meter`, `wristband`.
/// Ids are unique within a community (the generator's ids repeat across communities).
public struct FleetDevice: Sendable, Hashable, Codable {
    public var id: String
    public var type: String
    public var community: String
    public var building: String
    public var unit: String
    /// The grid (网格) the unit belongs to; empty if none.
    public var grid: String
    /// The unit's position (WGS-84 degrees), both or neither.
    public var latitude: Double?
    public var longitude: Double?

    public init(id: String, type: String, community: String, building: String, unit: String, grid: String = "",
                latitude: Double? = nil, longitude: Double? = nil) {
        self.id = id
        self.type = type
        self.community = community
        self.building = building
        self.unit = unit
        self.grid = grid
        self.latitude = latitude
        self.longitude = longitude
    }

    /// The MQTT telemetry topic this device publishes on (docs/design.md §1.3 default pattern).
    public var telemetryTopic: String {
        "gridwatch/\(community)/\(type)/\(id)/telemetry"
    }

    /// The retained availability topic (`online` / `offline`) for this device.
    public var statusTopic: String {
        "gridwatch/\(community)/\(type)/\(id)/status"
    }
}

/// The device types the simulator knows how to play, with their reporting habits.
///
/// Intervals and jitter follow what such devices do in the field: battery-powered meters
/// and detectors report rarely, wristbands every minute.
enum DeviceKind: UInt8, Sendable, CaseIterable {
    case door
    case smoke
    case waterMeter
    case wristband
    /// A type the simulator has no model for (a new device type file, say): it still sends
    /// heartbeats with the fields every type shares, so absence rules can be exercised.
    case generic

    init(typeName: String) {
        switch typeName {
        case "door": self = .door
        case "smoke": self = .smoke
        case "water_meter": self = .waterMeter
        case "wristband": self = .wristband
        default: self = .generic
        }
    }

    /// The docs/design.md §1.4 type name, used in topics and inventories.
    var typeName: String {
        switch self {
        case .door: "door"
        case .smoke: "smoke"
        case .waterMeter: "water_meter"
        case .wristband: "wristband"
        case .generic: "generic"
        }
    }

    /// The short prefix of generated device ids (`wm-b01-0101`).
    var idPrefix: String {
        switch self {
        case .door: "door"
        case .smoke: "smoke"
        case .waterMeter: "wm"
        case .wristband: "wb"
        case .generic: "dev"
        }
    }

    /// The nominal heartbeat interval in milliseconds.
    var intervalMs: Int64 {
        switch self {
        case .door: 10 * 60_000
        case .smoke: 30 * 60_000
        case .waterMeter: 15 * 60_000
        case .wristband: 60_000
        case .generic: 5 * 60_000
        }
    }

    /// The largest deviation from the nominal schedule, in milliseconds.
    ///
    /// Kept well below half the interval so a device's reports never swap order.
    var jitterMs: Int64 {
        switch self {
        case .door: 20_000
        case .smoke: 60_000
        case .waterMeter: 30_000
        case .wristband: 2_000
        case .generic: 10_000
        }
    }

    /// Battery drain in percent per hour, as a range the per-device rate is drawn from.
    ///
    /// Mains-less sensors lose a few points a week (so a forecast has something to fit within a
    /// simulated month); wristbands need charging every few days.
    var drainPerHour: ClosedRange<Double> {
        switch self {
        case .door: 0.012...0.03
        case .smoke: 0.006...0.018
        case .waterMeter: 0.004...0.012
        case .wristband: 0.12...0.45
        case .generic: 0.006...0.02
        }
    }
}
