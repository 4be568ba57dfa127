import Formats
import Foundation
import Testing
import Simulation

/// Shared fixtures: a small community starting at local midnight in Shanghai.
enum Fixture {
    static let start = CaptureTime.date(from: "2026-11-22T00:00:00+08:00")!
    static let shanghai = TimeZone(identifier: "Asia/Shanghai")!
    static let fleet = FleetGenerator.community(devices: 120, community: "demo", seed: 7)

    static func simulator(
        seed: UInt64 = 1, anomalies: [Anomaly] = [], malformedFraction: Double = 0
    ) -> FleetSimulator {
        FleetSimulator(
            devices: fleet, start: start, seed: seed, anomalies: anomalies,
            malformedFraction: malformedFraction, timeZone: shanghai)
    }

    /// Messages up to `hours` of simulated time.
    static func run(_ sim: inout FleetSimulator, hours: Double) -> [SimulatedMessage] {
        let end = start.addingTimeInterval(hours * 3600)
        var out: [SimulatedMessage] = []
        while let m = sim.next(), m.at < end { out.append(m) }
        return out
    }

    static func object(_ m: SimulatedMessage) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(m.payload))) as? [String: Any]
    }

    static func type(of m: SimulatedMessage) -> String {
        m.topic.split(separator: "/")[2].description
    }

    static func localHour(_ date: Date) -> Int {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = shanghai
        return calendar.component(.hour, from: date)
    }
}

/// The message stream itself: determinism, order, sequence numbers, payload fields.
@Suite("Fleet simulator")
struct FleetSimulatorTests {
    @Test func sameSeedGivesSameMessages() {
        var a = Fixture.simulator(seed: 42)
        var b = Fixture.simulator(seed: 42)
        for _ in 0..<20_000 {
            #expect(a.next() == b.next())
        }
    }

    @Test func differentSeedsDiffer() {
        var a = Fixture.simulator(seed: 1)
        var b = Fixture.simulator(seed: 2)
        let first = (0..<200).compactMap { _ in a.next()?.payload }
        let second = (0..<200).compactMap { _ in b.next()?.payload }
        #expect(first != second)
    }

    @Test func messagesComeOutInTimeOrder() {
        var sim = Fixture.simulator()
        var last = Date.distantPast
        for _ in 0..<50_000 {
            guard let m = sim.next() else { Issue.record("fleet ended"); return }
            #expect(m.at >= last)
            last = m.at
        }
        #expect(sim.messageCount == 50_000)
    }

    @Test func seqStartsAtOneAndIncrementsPerDevice() {
        var sim = Fixture.simulator()
        var lastSeq: [String: Int] = [:]
        for m in Fixture.run(&sim, hours: 6) {
            let device = m.deviceID ?? "?"
            let seq = Fixture.object(m)?["seq"] as? Int
            #expect(seq == (lastSeq[device] ?? 0) + 1, "device \(device)")
            lastSeq[device] = seq
        }
        #expect(lastSeq.count == Fixture.fleet.count, "every device reported within six hours")
    }

    @Test func topicsFollowTheDefaultPattern() {
        var sim = Fixture.simulator()
        let known = Set(Fixture.fleet.map(\.id))
        for _ in 0..<2_000 {
            guard let m = sim.next() else { return }
            let parts = m.topic.split(separator: "/").map(String.init)
            #expect(parts.count == 5 && parts[0] == "gridwatch" && parts[1] == "demo" && parts[4] == "telemetry")
            #expect(known.contains(parts[3]))
            #expect(["door", "smoke", "water_meter", "wristband"].contains(parts[2]))
        }
    }

    @Test func everyPayloadHasItsTypesFields() throws {
        var sim = Fixture.simulator()
        var seenTypes = Set<String>()
        var timestampKinds = Set<String>()
        var doorEvents = Set<String>()
        for m in Fixture.run(&sim, hours: 26) {
            let object = try #require(Fixture.object(m), "valid JSON object")
            let type = Fixture.type(of: m)
            seenTypes.insert(type)
            switch object["ts"] {
            case let s as String:
                #expect(CaptureTime.date(from: s) != nil)
                timestampKinds.insert("rfc3339")
            case let n as Int:
                timestampKinds.insert(n > 100_000_000_000 ? "ms" : "s")
            default:
                Issue.record("ts missing or wrong type in \(object)")
            }
            #expect(object["seq"] is Int)
            let battery = try #require(object["battery"] as? Int)
            #expect((0...100).contains(battery))
            switch type {
            case "door":
                #expect(object["open"] is Bool && object["locked"] is Bool)
                if let event = object["event"] as? String { doorEvents.insert(event) }
            case "smoke":
                for key in ["alarm", "test", "tamper"] { #expect(object[key] is Bool) }
                #expect(object["smoke"] is NSNumber && object["temp_c"] is NSNumber)
                #expect(object["alarm"] as? Bool == false)
            case "water_meter":
                for key in ["total_m3", "flow_lph", "pressure_kpa"] { #expect(object[key] is NSNumber) }
                #expect(object["valve"] as? String == "open")
                #expect(object["leak"] as? Bool == false)
            case "wristband":
                for key in ["fall", "sos", "worn"] { #expect(object[key] is Bool) }
                for key in ["steps", "lat", "lon", "skin_temp_c"] { #expect(object[key] is NSNumber) }
                if object["worn"] as? Bool == true {
                    let hr = try #require(object["hr_bpm"] as? Int)
                    #expect((40...130).contains(hr))
                    #expect((90...100).contains(object["spo2"] as? Int ?? 0))
                }
            default:
                Issue.record("unexpected type \(type)")
            }
        }
        #expect(seenTypes == ["door", "smoke", "water_meter", "wristband"])
        #expect(timestampKinds == ["ms", "s", "rfc3339"])
        #expect(doorEvents.isSuperset(of: ["unlock"]))
        #expect(doorEvents.isSubset(of: ["unlock", "unlock_failed", "forced_open", "tamper", "doorbell"]))
    }

    @Test func reportsFollowEachTypesInterval() {
        var sim = Fixture.simulator()
        var times: [String: [Date]] = [:]
        var typeOf: [String: String] = [:]
        for m in Fixture.run(&sim, hours: 4) {
            let id = m.deviceID ?? "?"
            times[id, default: []].append(m.at)
            typeOf[id] = Fixture.type(of: m)
        }
        for (id, list) in times {
            let gaps = zip(list.dropFirst(), list).map { $0.timeIntervalSince($1) }
            guard let longest = gaps.max() else { continue }
            switch typeOf[id] {
            case "wristband": #expect(longest <= 65, "\(id)")
            case "water_meter": #expect(longest <= 16 * 60, "\(id)")
            case "smoke": #expect(longest <= 32 * 60, "\(id)")
            case "door": #expect(longest <= 11 * 60, "\(id)")
            default: break
            }
        }
        // First reports are spread over the first interval, not all at the start.
        let firsts = Set(times.values.compactMap { $0.first?.timeIntervalSince(Fixture.start) })
        #expect(firsts.count > Fixture.fleet.count / 2)
    }

    @Test func localTimeFollowsDaylightSavingTransitions() throws {
        // New York leaves daylight saving time at 02:00 local on 2026-11-01.
        let start = try #require(CaptureTime.date(from: "2026-11-01T00:00:00-04:00"))
        let zone = try #require(TimeZone(identifier: "America/New_York"))
        let fleet = FleetGenerator.community(devices: 20, community: "ny", seed: 2)
        var sim = FleetSimulator(devices: fleet, start: start, timeZone: zone)
        var offsets = Set<String>()
        while let m = sim.next(), m.at < start.addingTimeInterval(4 * 3600) {
            let line = CaptureLine.encode(m)
            let at = try CaptureLine.decode(line).at
            #expect(at == m.at)
            offsets.insert(String(line.dropFirst(7).prefix(29).suffix(6)))
        }
        #expect(offsets == ["-04:00", "-05:00"])
    }
}
