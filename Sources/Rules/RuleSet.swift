import Devices
import Foundation

/// Everything loaded from the rule files: rules, attribute defaults and overrides,
/// inhibitions and defaults. Loaded whole or not at all, so a bad edit never half-applies.
public struct RuleSet: Sendable {
    /// An attribute value (`hr_high: 120`, `door_open_max: 10m`, `label: "x"`).
    public enum AttributeValue: Sendable, Hashable {
        case number(Double)
        case duration(Double)
        case string(String)
        case bool(Bool)

        /// The value seen by expressions: durations are seconds.
        public var number: Double? {
            switch self {
            case let .number(value), let .duration(value): value
            case .string, .bool: nil
            }
        }
    }

    public var rules: [Rule] = []
    public var attributes: [String: AttributeValue] = [:]
    /// Overrides by level: defaults < community < building < device.
    public var communityAttributes: [String: [String: AttributeValue]] = [:]
    public var buildingAttributes: [String: [String: AttributeValue]] = [:]
    public var deviceAttributes: [String: [String: AttributeValue]] = [:]
    public var inhibitions: [InhibitRule] = []
    public var timeZone: TimeZone = TimeZone(identifier: "Asia/Shanghai") ?? .gmt
    /// A gap shorter than this many reporting intervals does not break a `for` hold.
    public var gapIntervals: Double = 2
    public var files: [String] = []

    public init() {}

    /// The attributes a device sees, most specific level winning.
    public func attributes(for device: Device) -> [String: AttributeValue] {
        guard hasOverrides(for: device) else { return attributes }
        var merged = attributes
        for (level, key) in [(communityAttributes, device.community), (buildingAttributes, device.building), (deviceAttributes, device.id)] {
            if let overrides = level[key] { merged.merge(overrides) { _, specific in specific } }
        }
        return merged
    }

    /// Whether some community, building or device level sets attributes for `device`; most
    /// devices see only the rule files' top-level attributes.
    public func hasOverrides(for device: Device) -> Bool {
        communityAttributes[device.community] != nil || buildingAttributes[device.building] != nil || deviceAttributes[device.id] != nil
    }

    public func rule(id: String) -> Rule? { rules.first { $0.id == id } }

    /// Rules by id, for lookups on hot paths.
    public var rulesByID: [String: Rule] { Dictionary(rules.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first }) }
}
