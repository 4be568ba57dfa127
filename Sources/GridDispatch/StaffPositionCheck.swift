import Devices
import Formats
import Foundation

/// Why a live staff position was refused: the reasons of `rejected`, so positions and device
/// readings read alike there (the staff-only ones are `unknown_staff`, `missing_position`,
/// `out_of_range` and `clock_skew`).
public typealias StaffPositionRejectionReason = RejectionReason

/// A refused position with its reason and a sentence for people.
public struct StaffPositionRejection: Sendable, Hashable, CustomStringConvertible {
    public var staffID: String
    public var reason: StaffPositionRejectionReason
    public var detail: String

    public init(staffID: String, reason: StaffPositionRejectionReason, detail: String) {
        self.staffID = staffID
        self.reason = reason
        self.detail = detail
    }

    public var description: String { "\(reason.rawValue): \(detail)" }
}

/// Validates a live position message `{"ts", "lat", "lon"}` from
/// `gridwatch/{community}/staff/{id}/location` before it may place anyone: a known staff
/// id, a position in range, and a clock within `clockSkewToleranceMs` of `nowMs`.
public struct StaffPositionCheck: Sendable {
    public var roster: StaffRoster
    public var clockSkewToleranceMs: Int64
    public var maxPayloadBytes: Int

    /// Outcome of one message.
    public enum Outcome: Sendable, Hashable {
        case accepted(StaffPosition)
        case rejected(StaffPositionRejection)
    }

    /// Defaults as `PayloadDecoder`'s, so a phone and a wristband are held to the same clock.
    public init(roster: StaffRoster, clockSkewToleranceMs: Int64 = 300_000, maxPayloadBytes: Int = 16_384) {
        self.roster = roster
        self.clockSkewToleranceMs = clockSkewToleranceMs
        self.maxPayloadBytes = maxPayloadBytes
    }

    /// Checks the raw payload of `staffID`'s message received at `nowMs`.
    public func check(staffID: String, payload: [UInt8], nowMs: Int64) -> Outcome {
        func reject(_ reason: StaffPositionRejectionReason, _ detail: String) -> Outcome {
            .rejected(StaffPositionRejection(staffID: staffID, reason: reason, detail: detail))
        }
        guard payload.count <= maxPayloadBytes else {
            return reject(.payloadTooLarge, "payload of \(payload.count) bytes exceeds the limit of \(maxPayloadBytes)")
        }
        guard roster[staffID] != nil else { return reject(.unknownStaff, "staff '\(staffID)' is not in the roster") }
        let root: JSONValue
        do {
            root = try JSONParser.parse(payload)
        } catch {
            switch error {
            case let .invalidUTF8(offset): return reject(.invalidUTF8, "invalid UTF-8 in the string starting at byte \(offset)")
            case let .syntax(offset, what): return reject(.notJSON, "not JSON: \(what) at byte \(offset)")
            case .tooDeep: return reject(.notJSON, "not JSON: nested too deeply")
            }
        }
        guard case let .object(values) = root else {
            return reject(.notObject, "payload is a JSON \(root.kindName), expected an object")
        }
        return check(staffID: staffID, values: values, nowMs: nowMs)
    }

    /// Checks an already-decoded message of `staffID` received at `nowMs`.
    public func check(staffID: String, values: [String: JSONValue], nowMs: Int64) -> Outcome {
        func reject(_ reason: StaffPositionRejectionReason, _ detail: String) -> Outcome {
            .rejected(StaffPositionRejection(staffID: staffID, reason: reason, detail: detail))
        }
        guard roster[staffID] != nil else { return reject(.unknownStaff, "staff '\(staffID)' is not in the roster") }
        guard let tsValue = values["ts"], tsValue != .null else {
            return reject(.missingTimestamp, "payload has no 'ts' (device time)")
        }
        guard let atMs = PayloadDecoder.epochMilliseconds(tsValue) else {
            return reject(.invalidTimestamp, "'ts' must be epoch seconds or milliseconds, or RFC 3339 text")
        }
        var coordinates: [Double] = []
        for name in ["lat", "lon"] {
            guard let value = values[name], value != .null else { return reject(.missingPosition, "payload has no '\(name)'") }
            guard let number = value.number else {
                return reject(.wrongType, "field '\(name)' must be a number, got \(value.kindName)")
            }
            coordinates.append(number)
        }
        guard let point = GeoPoint(latitude: coordinates[0], longitude: coordinates[1]) else {
            let problem = GeoPoint.problem(latitude: coordinates[0], longitude: coordinates[1]) ?? "position out of range"
            return reject(.outOfRange, problem)
        }
        let skewMs = atMs - nowMs
        guard abs(skewMs) <= clockSkewToleranceMs else {
            let direction = skewMs > 0 ? "ahead of" : "behind"
            return reject(.clockSkew, "position time is \(abs(skewMs) / 1000) s \(direction) the gateway's clock "
                + "(tolerance \(clockSkewToleranceMs / 1000) s)")
        }
        return .accepted(StaffPosition(point: point, atMs: atMs))
    }
}
