import Foundation
import Testing
import Simulation

/// The fleet follows the local clock: nights are quiet, mornings and evenings busy.
@Suite("Daily rhythm")
struct RealismTests {
    /// Two simulated days of the fixture fleet, parsed.
    nonisolated(unsafe) static let day: [(at: Date, id: String, type: String, object: [String: Any])] = {
        var sim = Fixture.simulator(seed: 11)
        return Fixture.run(&sim, hours: 48).compactMap { m in
            Fixture.object(m).map { (m.at, m.deviceID ?? "", Fixture.type(of: m), $0) }
        }
    }()

    func mean(_ type: String, _ key: String, hours: ClosedRange<Int>) -> Double {
        let values = Self.day.filter { $0.type == type && hours.contains(Fixture.localHour($0.at)) }
            .compactMap { ($0.object[key] as? NSNumber)?.doubleValue }
        return values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count)
    }

    @Test func heartRateIsLowerAtNight() {
        let night = mean("wristband", "hr_bpm", hours: 1...4)
        let day = mean("wristband", "hr_bpm", hours: 7...10)
        #expect(night + 10 < day, "night \(night), day \(day)")
    }

    @Test func waterFlowsAtMealtimesNotAtNight() {
        let night = mean("water_meter", "flow_lph", hours: 1...4)
        let morning = mean("water_meter", "flow_lph", hours: 6...8)
        let evening = mean("water_meter", "flow_lph", hours: 18...21)
        #expect(morning > 4 * night && evening > 4 * night, "night \(night), morning \(morning), evening \(evening)")
    }

    @Test func doorsAreBusyAtCommutingHours() {
        let events = Self.day.filter { $0.type == "door" && $0.object["event"] as? String == "unlock" }
        let rush = events.filter { (7...8).contains(Fixture.localHour($0.at)) || (17...18).contains(Fixture.localHour($0.at)) }
        let night = events.filter { (1...4).contains(Fixture.localHour($0.at)) }
        #expect(rush.count > 5 * max(1, night.count), "rush \(rush.count), night \(night.count)")
    }

    @Test func stepsRiseByDayAndResetAtMidnight() {
        var eveningMax = 0
        var resets = 0
        var last: [String: (at: Date, steps: Int)] = [:]
        for entry in Self.day where entry.type == "wristband" {
            guard let steps = entry.object["steps"] as? Int else { continue }
            if let previous = last[entry.id] {
                if Fixture.localHour(previous.at) == 23, Fixture.localHour(entry.at) == 0 {
                    if steps < previous.steps || steps == 0 { resets += 1 }
                } else {
                    #expect(steps >= previous.steps, "steps only rise during the day")
                }
            }
            if Fixture.localHour(entry.at) == 21 { eveningMax = max(eveningMax, steps) }
            last[entry.id] = (entry.at, steps)
        }
        #expect(eveningMax > 2_000, "a day's steps add up")
        #expect(resets > 0)
    }

    @Test func someBandsComeOffAtNight() {
        let night = Self.day.filter { $0.type == "wristband" && (1...4).contains(Fixture.localHour($0.at)) }
        let off = night.filter { $0.object["worn"] as? Bool == false }
        #expect(off.count > 0 && off.count < night.count / 2)
        #expect(off.allSatisfy { $0.object["hr_bpm"] == nil })
    }

    @Test func smokeDetectorsStayQuietAndTemperaturesArePlausible() {
        let smoke = Self.day.filter { $0.type == "smoke" }
        #expect(smoke.allSatisfy { $0.object["alarm"] as? Bool == false })
        let temperatures = smoke.compactMap { $0.object["temp_c"] as? Double }
        #expect(temperatures.allSatisfy { (14...30).contains($0) })
        let skin = Self.day.filter { $0.type == "wristband" }.compactMap { $0.object["skin_temp_c"] as? Double }
        #expect(skin.allSatisfy { (18...37).contains($0) })
    }
}
