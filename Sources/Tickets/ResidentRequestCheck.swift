import Devices
import Formats
import Foundation

/// Validates a resident's request `{"ts", "request_id", "building", "unit", "item", "text"}`
/// before it may open a ticket: a usable request id, an item of the catalogue and a unit of the
/// inventory. MQTT and the HTTP API share it, so both refuse the same things for the same reason.
public struct ResidentRequestCheck: Sendable {
    public var catalogue: DemandCatalogue
    public var units: UnitDirectory
    public var maxPayloadBytes: Int

    /// Long enough for a UUID or an app's own order number, short enough for a topic segment.
    public static let maxRequestIDLength = 100
    public static let maxTextLength = 2000

    public init(catalogue: DemandCatalogue, units: UnitDirectory, maxPayloadBytes: Int = 16_384) {
        self.catalogue = catalogue
        self.units = units
        self.maxPayloadBytes = maxPayloadBytes
    }

    /// Checks the raw payload of a request for `community` on channel `source`.
    public func check(community: String, source: String, payload: [UInt8], receivedAtMs: Int64) -> Result<ResidentRequest, ResidentRequestRejection> {
        guard payload.count <= maxPayloadBytes else {
            return .failure(ResidentRequestRejection(.payloadTooLarge, field: nil, "payload of \(payload.count) bytes exceeds the limit of \(maxPayloadBytes)"))
        }
        let root: JSONValue
        do {
            root = try JSONParser.parse(payload)
        } catch {
            let reason: RejectionReason = if case .invalidUTF8 = error { .invalidUTF8 } else { .notJSON }
            return .failure(ResidentRequestRejection(reason, field: nil, "not a JSON request: \(error)"))
        }
        guard case let .object(values) = root else {
            return .failure(ResidentRequestRejection(.notObject, field: nil, "payload is a JSON \(root.kindName), expected an object"))
        }
        return check(community: community, source: source, values: values, receivedAtMs: receivedAtMs)
    }

    /// Checks an already-decoded request (the API's body).
    public func check(community: String, source: String, values: [String: JSONValue], receivedAtMs: Int64) -> Result<ResidentRequest, ResidentRequestRejection> {
        do {
            guard !community.isEmpty else { throw ResidentRequestRejection(.missingField, field: "community", "the request names no community") }
            try Self.checkSegment(source, field: "source")
            let requestID = try Self.text(values, "request_id", required: true, limit: Self.maxRequestIDLength)
            try Self.checkSegment(requestID, field: "request_id")
            let building = try Self.text(values, "building", required: true, limit: 100)
            let unit = try Self.text(values, "unit", required: true, limit: 100)
            let itemID = try Self.text(values, "item", required: true, limit: 100)
            guard let item = catalogue[itemID] else {
                throw ResidentRequestRejection(.unknownItem, field: "item", "unknown item '\(itemID)': not in the demand catalogue")
            }
            guard units.contains(community: community, building: building, unit: unit) else {
                throw ResidentRequestRejection(.unknownUnit, field: "unit",
                                               "unknown unit '\(unit)' of building '\(building)' in community '\(community)': not in the inventory")
            }
            var text = try Self.text(values, "text", required: false, limit: Self.maxTextLength)
            // A one-tap button says nothing beyond the item: its title is what was asked.
            if text.isEmpty { text = item.title.zh.isEmpty ? item.title.en : item.title.zh }
            var askedAtMs = receivedAtMs
            if let ts = values["ts"], ts != .null {
                guard let ms = PayloadDecoder.epochMilliseconds(ts) else {
                    throw ResidentRequestRejection(.invalidTimestamp, field: "ts", "'ts' must be epoch seconds or milliseconds, or RFC 3339 text")
                }
                askedAtMs = ms
            }
            return .success(ResidentRequest(community: community, requestID: requestID, source: source, building: building, unit: unit,
                                            item: item.id, text: text, askedAtMs: askedAtMs, receivedAtMs: receivedAtMs))
        } catch let rejection as ResidentRequestRejection {
            return .failure(rejection)
        } catch {
            return .failure(ResidentRequestRejection(.invalidField, field: nil, "\(error)"))
        }
    }

    /// A string member, trimmed; empty when optional and absent.
    private static func text(_ values: [String: JSONValue], _ field: String, required: Bool, limit: Int) throws -> String {
        guard let value = values[field], value != .null else {
            if required { throw ResidentRequestRejection(.missingField, field: field, "the request has no '\(field)'") }
            return ""
        }
        guard case let .string(raw) = value else {
            throw ResidentRequestRejection(.invalidField, field: field, "'\(field)' must be a string, not a \(value.kindName)")
        }
        let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if required, text.isEmpty { throw ResidentRequestRejection(.missingField, field: field, "'\(field)' is empty") }
        guard text.count <= limit else { throw ResidentRequestRejection(.invalidField, field: field, "'\(field)' is longer than \(limit) characters") }
        return text
    }

    /// A value that becomes a segment of the status topic: no level separator, no wildcard.
    private static func checkSegment(_ value: String, field: String) throws {
        guard !value.isEmpty else { throw ResidentRequestRejection(.missingField, field: field, "'\(field)' is empty") }
        guard !value.contains(where: { "/+#".contains($0) || $0.isNewline || $0 == "\0" }) else {
            throw ResidentRequestRejection(.invalidField, field: field, "'\(field)' may not contain '/', '+', '#' or control characters")
        }
    }
}
