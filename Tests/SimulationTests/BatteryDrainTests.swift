import Foundation
import Testing
import Simulation

/// Batteries in `simulate` (issue 14): mains-less sensors lose a few points a week, the gauge
/// reads a point off now and then, and a caretaker swaps a low battery for a full one.
@Suite("Simulated battery drain")
struct BatteryDrainTests {
    /// Each device's reported battery over `days` of doors and smoke detectors only (no bands:
    /// a minute's reports for months would be most of the run).
    static func batteries(days: Double) -> [String: [(at: Date, percent: Int)]] {
        let fleet = Fixture.fleet.filter { $0.type == "smoke" || $0.type == "door" }
        var simulator = FleetSimulator(devices: fleet, start: Fixture.start, seed: 3, anomalies: [], malformedFraction: 0,
                                       timeZone: Fixture.shanghai)
        let end = Fixture.start.addingTimeInterval(days * 86_400)
        var series: [String: [(at: Date, percent: Int)]] = [:]
        while let message = simulator.next(), message.at < end {
            guard let object = Fixture.object(message), let battery = object["battery"] as? Int else { continue }
            series[message.topic.split(separator: "/")[3].description, default: []].append((message.at, battery))
        }
        return series
    }

    @Test func aFewPointsAWeekWithNoiseAndSwaps() {
        let series = Self.batteries(days: 150)
        #expect(series.count >= 20, "\(series.count) devices")
        var swaps = 0
        var weeklyDrops: [Double] = []
        for (_, readings) in series {
            for (before, after) in zip(readings, readings.dropFirst()) where after.percent - before.percent >= 15 { swaps += 1 }
            // The first week's drop (before any swap can have happened for most devices).
            let week = readings.prefix { $0.at < Fixture.start.addingTimeInterval(7 * 86_400) }
            if let first = week.first, let last = week.last, last.percent <= first.percent { weeklyDrops.append(Double(first.percent - last.percent)) }
        }
        let typical = weeklyDrops.sorted()[weeklyDrops.count / 2]
        #expect(typical >= 0.5 && typical <= 6, "median weekly drop \(typical) points")
        #expect(swaps >= 3, "\(swaps) battery swaps in 150 days")
        // Noise: a device's reading goes up by a point now and then without a swap.
        let jitters = series.values.reduce(0) { count, readings in
            count + zip(readings, readings.dropFirst()).filter { $1.percent - $0.percent > 0 && $1.percent - $0.percent < 15 }.count
        }
        #expect(jitters > 0)
    }
}
