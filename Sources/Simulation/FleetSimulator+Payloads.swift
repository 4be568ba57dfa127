import Formats
import Foundation

/// A way of spoiling a payload that still leaves it a JSON object.
enum Garble: Sendable {
    case none
    /// `ts` left out, as buggy firmware after a clock reset does.
    case missingTimestamp
    /// The type's main reading sent as a string (`"hr_bpm":"high"`).
    case wrongType
}

extension FleetSimulator {
    /// The JSON payload for device `i` at `now`: the shared fields, then the type's own.
    mutating func payload(
        _ i: Int, now: Int64, local: LocalTime, flags: AnomalyFlags,
        reason: Reason, doorStep: DoorStep?, garble: Garble
    ) -> [UInt8] {
        var json = JSONBuffer()
        if garble != .missingTimestamp {
            writeTimestamp(i, now: now, local: local, into: &json)
        }
        json.int("seq", runtimes[i].seq)
        json.int("battery", batteryLevel(i, at: now))
        let wrongType = garble == .wrongType
        switch runtimes[i].kind {
        case .door:
            writeDoor(i, flags: flags, reason: reason, step: doorStep, wrongType: wrongType, into: &json)
        case .smoke:
            writeSmoke(i, now: now, local: local, flags: flags, reason: reason, wrongType: wrongType, into: &json)
        case .waterMeter:
            writeMeter(i, now: now, local: local, flags: flags, wrongType: wrongType, into: &json)
        case .wristband:
            writeBand(i, now: now, local: local, flags: flags, wrongType: wrongType, into: &json)
        case .generic:
            if wrongType { json.string("battery_v", "n/a") }
        }
        return json.finish()
    }

    /// The device's own idea of the time: sent a little before the gateway receives it,
    /// on a clock that may be off, in the device's firmware's format.
    private mutating func writeTimestamp(_ i: Int, now: Int64, local: LocalTime, into json: inout JSONBuffer) {
        let latency = runtimes[i].rng.int(15...350)
        let deviceMs = now - latency + runtimes[i].clockSkewMs
        switch runtimes[i].timestampStyle {
        case .epochMilliseconds:
            json.int("ts", deviceMs)
        case .epochSeconds:
            json.int("ts", CaptureTime.floorDiv(deviceMs, 1000))
        case .rfc3339Local:
            json.timestamp("ts", ms: deviceMs, offsetSeconds: local.offsetSeconds)
        case .rfc3339UTC:
            json.timestamp("ts", ms: deviceMs, offsetSeconds: 0)
        }
    }
}

/// The kinds of garbage real fleets send, mixed so a gateway meets all of them.
enum GarbageStyle: UInt8, Sendable, CaseIterable {
    /// A JSON object cut short (a frame split by a flaky radio link).
    case truncated
    /// Bytes that are not UTF-8 (memory corruption, a binary debug frame).
    case invalidUTF8
    /// A valid object with a reading of the wrong type (`"hr_bpm":"high"`).
    case wrongType
    /// A valid object without `ts`.
    case missingTimestamp
    /// Something that is not a JSON object at all: plain text, an array, `null`, nothing.
    case notAnObject
}

extension FleetSimulator {
    /// A garbled payload for device `i`, and whether it is still a valid JSON object.
    mutating func garbagePayload(
        _ i: Int, now: Int64, local: LocalTime, flags: AnomalyFlags,
        reason: Reason, doorStep: DoorStep?
    ) -> (payload: [UInt8], isJSONObject: Bool) {
        let styles = GarbageStyle.allCases
        let style = styles[Int(runtimes[i].rng.next() % UInt64(styles.count))]
        switch style {
        case .wrongType:
            let bytes = payload(i, now: now, local: local, flags: flags, reason: reason, doorStep: doorStep, garble: .wrongType)
            return (bytes, true)
        case .missingTimestamp:
            let bytes = payload(
                i, now: now, local: local, flags: flags, reason: reason, doorStep: doorStep, garble: .missingTimestamp)
            return (bytes, true)
        case .truncated:
            let bytes = payload(i, now: now, local: local, flags: flags, reason: reason, doorStep: doorStep, garble: .none)
            // Any strict prefix of a flat object lacks its closing brace, so it is never valid.
            let keep = Int(runtimes[i].rng.int(1...Int64(Swift.max(1, bytes.count - 1))))
            return (Array(bytes.prefix(keep)), false)
        case .invalidUTF8:
            return (invalidUTF8(i, now: now, local: local, flags: flags, reason: reason, doorStep: doorStep), false)
        case .notAnObject:
            return (Self.notAnObject(&runtimes[i].rng), false)
        }
    }

    private mutating func invalidUTF8(
        _ i: Int, now: Int64, local: LocalTime, flags: AnomalyFlags,
        reason: Reason, doorStep: DoorStep?
    ) -> [UInt8] {
        if runtimes[i].rng.chance(0.5) {
            // A binary frame: a vendor header, then noise; 0xFF can never occur in UTF-8.
            var frame: [UInt8] = [0xAA, 0x55, 0xFF, 0x01]
            let length = runtimes[i].rng.int(6...40)
            for _ in 0..<length {
                frame.append(UInt8(truncatingIfNeeded: runtimes[i].rng.next()))
            }
            return frame
        }
        // A JSON-looking payload with corrupted bytes inside: a lone continuation byte and an
        // overlong encoding, both rejected by any UTF-8 decoder.
        var bytes = payload(i, now: now, local: local, flags: flags, reason: reason, doorStep: doorStep, garble: .none)
        let position = Int(runtimes[i].rng.int(1...Int64(Swift.max(1, bytes.count - 1))))
        bytes.insert(contentsOf: [0x80, 0xC0, 0xAF, 0xFE], at: position)
        return bytes
    }

    private static func notAnObject(_ rng: inout SplitMix64) -> [UInt8] {
        let samples: [String] = [
            "ERR 0x1F sensor fault",
            "[23.5,1,true]",
            "null",
            "\"ok\"",
            "",
            "{\"ts\":",
            "hello from fw 1.0.3-beta",
            "{'battery': 80}",
        ]
        return Array(samples[Int(rng.next() % UInt64(samples.count))].utf8)
    }
}
