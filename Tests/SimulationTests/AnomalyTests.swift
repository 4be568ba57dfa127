import Foundation
import Testing
import Simulation

/// Each staged anomaly shows on a fitting device at its time, and only then.
@Suite("Staged anomalies")
struct AnomalyTests {
    /// Runs a simulator with one anomaly and returns it (placed) and the chosen device's messages.
    func stage(_ spec: String, hours: Double = 3) throws -> (Anomaly, [SimulatedMessage]) {
        let anomaly = try AnomalyParser.parse(spec, start: Fixture.start)
        var sim = Fixture.simulator(anomalies: [anomaly])
        let placed = try #require(sim.anomalies.first)
        let device = try #require(placed.deviceID)
        let messages = Fixture.run(&sim, hours: hours).filter { $0.deviceID == device }
        return (placed, messages)
    }

    func during(_ anomaly: Anomaly, _ messages: [SimulatedMessage]) -> [SimulatedMessage] {
        messages.filter { $0.at >= anomaly.at && $0.at < anomaly.end }
    }

    @Test func smokeAlarmStartsOnTimeRepeatsAndClears() throws {
        let (anomaly, messages) = try stage("smoke@10m+5m")
        #expect(anomaly.deviceID?.hasPrefix("smoke-") == true)
        let window = during(anomaly, messages)
        let first = try #require(window.first)
        #expect(first.at == anomaly.at, "pushed at once")
        #expect(window.count >= 9, "repeats about every 30 s")
        for m in window {
            let object = try #require(Fixture.object(m))
            #expect(object["alarm"] as? Bool == true)
            #expect((object["smoke"] as? Double ?? 0) > 5)
        }
        let after = try #require(messages.first { $0.at >= anomaly.end })
        #expect(after.at == anomaly.end, "the clear is pushed too")
        #expect(Fixture.object(after)?["alarm"] as? Bool == false)
    }

    @Test(arguments: ["fall", "sos"])
    func wristbandFlagsShowAtTheirTime(kind: String) throws {
        let (anomaly, messages) = try stage("\(kind)@37m")
        #expect(anomaly.deviceID?.hasPrefix("wb-") == true)
        let first = try #require(during(anomaly, messages).first)
        #expect(first.at == anomaly.at)
        let object = try #require(Fixture.object(first))
        #expect(object[kind] as? Bool == true)
        #expect(object["worn"] as? Bool == true)
        let before = messages.filter { $0.at < anomaly.at }.compactMap(Fixture.object)
        #expect(before.allSatisfy { $0[kind] as? Bool == false })
    }

    @Test func heartRateStaysAbove130() throws {
        let (anomaly, messages) = try stage("heart_rate@1h+20m")
        let window = during(anomaly, messages)
        #expect(window.count >= 18)
        for m in window {
            let hr = try #require(Fixture.object(m)?["hr_bpm"] as? Int)
            #expect(hr > 130)
        }
    }

    @Test func leakRaisesFlagAndSustainedFlow() throws {
        let (anomaly, messages) = try stage("leak@30m+2h", hours: 4)
        let window = during(anomaly, messages).compactMap(Fixture.object)
        #expect(window.count >= 8)
        for object in window {
            #expect(object["leak"] as? Bool == true)
            #expect((object["flow_lph"] as? Double ?? 0) >= 30)
        }
        let totals = window.compactMap { $0["total_m3"] as? Double }
        #expect(zip(totals.dropFirst(), totals).allSatisfy { $0 > $1 }, "the register keeps running")
    }

    @Test func forcedDoorReportsForcedOpen() throws {
        let (anomaly, messages) = try stage("forced_door@2h")
        let first = try #require(during(anomaly, messages).first)
        #expect(first.at == anomaly.at)
        let object = try #require(Fixture.object(first))
        #expect(object["event"] as? String == "forced_open")
        #expect(object["open"] as? Bool == true)
    }

    @Test func lowBatteryReportsBelow15() throws {
        let (anomaly, messages) = try stage("low_battery@20m+1h")
        let window = during(anomaly, messages)
        #expect(!window.isEmpty)
        for m in window {
            #expect((Fixture.object(m)?["battery"] as? Int ?? 100) < 15)
        }
    }

    @Test func silenceProducesNothingInItsWindow() throws {
        let (anomaly, messages) = try stage("silence@1h+1h", hours: 4)
        #expect(during(anomaly, messages).isEmpty)
        #expect(messages.contains { $0.at < anomaly.at })
        #expect(messages.contains { $0.at >= anomaly.end })
    }

    @Test func malformedMixesKindsOfGarbage() throws {
        let (anomaly, messages) = try stage("malformed:wb-b01-0101@10m+1h")
        #expect(anomaly.deviceID == "wb-b01-0101")
        var notObject = 0, invalidUTF8 = 0, wrongType = 0, missingTS = 0
        for m in during(anomaly, messages) {
            if String(validating: m.payload, as: UTF8.self) == nil { invalidUTF8 += 1 }
            guard let object = Fixture.object(m) else { notObject += 1; continue }
            if object["ts"] == nil { missingTS += 1 }
            if object["hr_bpm"] is String { wrongType += 1 }
            #expect(object["ts"] == nil || object["hr_bpm"] is String, "no clean message in the window")
        }
        #expect(notObject > 0 && invalidUTF8 > 0 && wrongType > 0 && missingTS > 0)
        let clean = messages.filter { $0.at < anomaly.at }
        #expect(clean.allSatisfy { Fixture.object($0)?["ts"] != nil })
    }

    @Test func malformedFractionSpoilsThatShare() {
        var sim = Fixture.simulator(malformedFraction: 0.1)
        let messages = (0..<20_000).compactMap { _ in sim.next() }
        let garbage = messages.filter { m in
            guard let object = Fixture.object(m) else { return true }
            return object["ts"] == nil || object.values.contains { $0 as? String == "high" || $0 as? String == "n/a" }
                || object["temp_c"] is String || object["open"] is String
        }
        let share = Double(garbage.count) / Double(messages.count)
        #expect(share > 0.08 && share < 0.12, "share \(share)")
    }

    @Test func unfitAnomaliesAreIgnored() {
        let sim = Fixture.simulator(anomalies: [
            Anomaly(kind: .fall, deviceID: "door-b01-0101", at: Fixture.start),
            Anomaly(kind: .silence, deviceID: "no-such-device", at: Fixture.start),
            Anomaly(kind: .silence, deviceID: "door-b01-0101", at: Fixture.start),
        ])
        #expect(sim.ignoredAnomalies.count == 2)
        #expect(sim.anomalies.map(\.deviceID) == ["door-b01-0101"])
    }

    @Test func unnamedAnomaliesLandOnDistinctFittingDevicesBySeed() {
        let specs = (0..<3).map { Anomaly(kind: .fall, at: Fixture.start.addingTimeInterval(Double($0) * 60)) }
        let a = Fixture.simulator(seed: 5, anomalies: specs).anomalies.compactMap(\.deviceID)
        let b = Fixture.simulator(seed: 5, anomalies: specs).anomalies.compactMap(\.deviceID)
        #expect(a == b)
        #expect(Set(a).count == 3)
        #expect(a.allSatisfy { $0.hasPrefix("wb-") })
    }
}
