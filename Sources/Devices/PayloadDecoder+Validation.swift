import Formats
import Foundation

extension PayloadDecoder {
    /// Checks each declared field's type (a wrong type rejects the message) and plausible
    /// range (out of range is stored, flagged); undeclared fields are kept as they are.
    func validate(_ values: JSONFields, payload: [UInt8], device: Device, type: DeviceType,
                  receivedAtMs: Int64, newDevice: Device?,
                  reject: (RejectionReason, String, String?) -> Outcome) -> Outcome {
        guard let tsValue = values["ts"], tsValue != .null else {
            return reject(.missingTimestamp, "payload has no 'ts' (device time)", device.id)
        }
        guard let deviceTimeMs = Self.epochMilliseconds(tsValue) else {
            return reject(.invalidTimestamp, "'ts' must be epoch seconds or milliseconds, or RFC 3339 text", device.id)
        }
        var seq: Int64?
        if let seqValue = values["seq"], seqValue != .null {
            guard case let .int(number) = seqValue, number >= 0 else {
                return reject(.wrongType, "'seq' must be a non-negative integer, got \(seqValue.kindName)", device.id)
            }
            seq = number
        }
        var flags: [String] = []
        for member in values.members where member.name != "ts" && member.name != "seq" {
            let (name, value) = (member.name, member.value)
            guard let field = type.check(named: name, isASCII: member.nameIsASCII), value != .null else { continue }
            switch (field.kind, value) {
            case (.bool, .bool), (.string, .string): break
            case (.number, .int), (.number, .double):
                if let range = field.range, let number = value.number, !range.contains(number) { flags.append("out_of_range:\(name)") }
            case (.integer, .int), (.integer, .double):
                guard let number = value.number, number == number.rounded() else {
                    return reject(.wrongType, "field '\(name)' must be a whole number", device.id)
                }
                if let range = field.range, !range.contains(number) { flags.append("out_of_range:\(name)") }
            case let (.enum, .string(text)):
                if !type.checkedFields[field.fieldIndex].values.contains(text) { flags.append("unknown_value:\(name)") }
            default:
                let values = type.checkedFields[field.fieldIndex].values
                let expected = field.kind == .enum ? "one of \(values.joined(separator: "/"))" : "a \(field.kind.rawValue)"
                return reject(.wrongType, "field '\(name)' must be \(expected), got \(value.kindName)", device.id)
            }
        }
        let trusted = abs(deviceTimeMs - receivedAtMs) <= clockSkewToleranceMs
        if !trusted { flags.append("clock_skew") }
        let reading = Reading(deviceID: device.id, deviceType: type.name, community: device.community,
                              receivedAtMs: receivedAtMs, deviceTimeMs: deviceTimeMs, deviceTimeTrusted: trusted, seq: seq,
                              values: values, payload: payload, flags: flags.sorted(),
                              contentHash: payload.withUnsafeBufferPointer(Self.contentHash))
        return .reading(reading, newDevice: newDevice)
    }

    /// Epoch milliseconds from a number in seconds, milliseconds or microseconds (told apart by
    /// magnitude: 1e11 s is the year 5138, 1e11 ms is 1973), or from RFC 3339 text.
    public static func epochMilliseconds(_ value: JSONValue) -> Int64? {
        switch value {
        case .int, .double:
            guard let number = value.number, number > 0 else { return nil }
            if number < 1e11 { return Int64((number * 1000).rounded()) }
            if number < 1e14 { return Int64(number.rounded()) }
            if number < 1e17 { return Int64((number / 1000).rounded()) }
            return nil
        case let .string(text):
            return RFC3339.parseMilliseconds(text)
        default:
            return nil
        }
    }

    /// FNV-1a over the payload bytes: cheap, and equal bytes give equal keys.
    public static func contentHash(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return Int64(bitPattern: hash)
    }
}
