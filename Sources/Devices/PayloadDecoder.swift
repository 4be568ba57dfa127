import Formats
import Foundation

/// Turns one raw MQTT message into a validated reading, an availability change, or a
/// rejection with its reason. Pure: the receive time is an argument, never the wall clock.
public struct PayloadDecoder: Sendable {
    /// What became of one message.
    public enum Outcome: Sendable {
        case reading(Reading, newDevice: Device?)
        case availability(AvailabilityChange)
        case rejected(Rejection)
    }

    public var telemetry: TopicLayout
    public var status: TopicLayout?
    public var catalog: DeviceTypeCatalog
    public var maxPayloadBytes: Int
    /// A device clock further off than this (ms) is flagged and not trusted.
    public var clockSkewToleranceMs: Int64

    public init(telemetry: TopicLayout, status: TopicLayout?, catalog: DeviceTypeCatalog,
                maxPayloadBytes: Int = 16_384, clockSkewToleranceMs: Int64 = 300_000) {
        self.telemetry = telemetry
        self.status = status
        self.catalog = catalog
        self.maxPayloadBytes = maxPayloadBytes
        self.clockSkewToleranceMs = clockSkewToleranceMs
    }

    public func decode(topic: String, payload: [UInt8], receivedAtMs: Int64, registry: DeviceRegistry) -> Outcome {
        func reject(_ reason: RejectionReason, _ detail: String, device: String? = nil) -> Outcome {
            .rejected(Rejection(topic: topic, reason: reason, detail: detail, receivedAtMs: receivedAtMs, deviceID: device,
                                payloadPrefix: Array(payload.prefix(Rejection.keptBytes)), payloadSize: payload.count))
        }
        guard payload.count <= maxPayloadBytes else {
            return reject(.payloadTooLarge, "payload of \(payload.count) bytes exceeds the limit of \(maxPayloadBytes)")
        }
        var isStatus = false
        var parts = telemetry.parts(of: topic)
        if parts == nil, let status, let statusParts = status.parts(of: topic) {
            parts = statusParts
            isStatus = true
        }
        guard let parts else {
            return reject(.topicMismatch, "topic matches no configured pattern (\(telemetry.pattern))")
        }
        let deviceID = parts.device
        let topicType = parts.type
        var newDevice: Device?
        let device: Device
        if let known = registry[deviceID] {
            device = known
            if let topicType, topicType != known.type {
                return reject(.typeMismatch, "topic says type '\(topicType)' but the inventory has '\(known.type)'", device: deviceID)
            }
        } else if registry.autoRegister, let topicType, catalog[topicType] != nil {
            device = Device(id: deviceID, type: topicType, community: parts.community ?? "", building: parts.building ?? "")
            newDevice = device
        } else {
            return reject(.unknownDevice, "device '\(deviceID)' is not in the inventory", device: deviceID)
        }
        if isStatus { return decodeAvailability(payload, device: deviceID, receivedAtMs: receivedAtMs, reject: reject) }
        guard let type = catalog[device.type] else {
            return reject(.unknownType, "device type '\(device.type)' has no definition in devices/", device: deviceID)
        }
        let root: JSONParser.TopLevel
        do {
            root = try payload.withUnsafeBufferPointer { bytes throws(JSONParser.Failure) in try JSONParser.parseTopLevel(bytes) }
        } catch {
            switch error {
            case let .invalidUTF8(offset): return reject(.invalidUTF8, "invalid UTF-8 in the string starting at byte \(offset)", device: deviceID)
            case let .syntax(offset, what): return reject(.notJSON, "not JSON: \(what) at byte \(offset)", device: deviceID)
            case .tooDeep: return reject(.notJSON, "not JSON: nested too deeply", device: deviceID)
            }
        }
        let values: JSONFields
        switch root {
        case let .object(fields): values = fields
        case let .other(value): return reject(.notObject, "payload is a JSON \(value.kindName), expected an object", device: deviceID)
        }
        return validate(values, payload: payload, device: device, type: type, receivedAtMs: receivedAtMs, newDevice: newDevice, reject: reject)
    }

    private func decodeAvailability(_ payload: [UInt8], device: String, receivedAtMs: Int64,
                                    reject: (RejectionReason, String, String?) -> Outcome) -> Outcome {
        var text = String(decoding: payload, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        if text.hasPrefix("\"") && text.hasSuffix("\"") && text.count >= 2 { text = String(text.dropFirst().dropLast()) }
        switch text {
        case "online": return .availability(AvailabilityChange(deviceID: device, online: true, receivedAtMs: receivedAtMs))
        case "offline": return .availability(AvailabilityChange(deviceID: device, online: false, receivedAtMs: receivedAtMs))
        default: return reject(.invalidStatus, "availability must be 'online' or 'offline'", device)
        }
    }
}
