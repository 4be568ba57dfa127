import Devices
import Formats

/// A change of an alert's state, as replay prints it and tickets consume it.
public struct AlertEvent: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        case pending = "alert_pending"
        case firing = "alert_firing"
        case resolved = "alert_resolved"
    }

    public var atMs: Int64
    public var kind: Kind
    public var ruleID: String
    public var deviceID: String
    public var severity: String
    public var community: String
    public var building: String
    /// The firing rule whose alert holds this one back (`inhibit:`), if any.
    public var inhibitedBy: String?
    /// The reading that caused the change (values as received), when one did.
    public var evidence: [String: JSONValue]?
    /// The rule's title for this device (its template filled in).
    public var title: String = ""

    public init(atMs: Int64, kind: Kind, ruleID: String, deviceID: String, severity: String, community: String, building: String,
                inhibitedBy: String? = nil, evidence: [String: JSONValue]? = nil) {
        self.atMs = atMs
        self.kind = kind
        self.ruleID = ruleID
        self.deviceID = deviceID
        self.severity = severity
        self.community = community
        self.building = building
        self.inhibitedBy = inhibitedBy
        self.evidence = evidence
    }
}

/// A reading as the rules engine sees it: the device, the trusted receive time, the values.
public struct RuleReading: Sendable {
    public var deviceID: String
    public var atMs: Int64
    public var values: JSONFields

    public init(deviceID: String, atMs: Int64, values: JSONFields) {
        self.deviceID = deviceID
        self.atMs = atMs
        self.values = values
    }
}
