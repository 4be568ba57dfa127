import Foundation
import Testing
import Simulation

/// Prints how fast the simulator generates; informative only.
@Suite("Generation speed")
struct GenerationSpeedTests {
    /// Prints the generation rate for a 5,000-device community; no assertion on timing, as
    /// test machines vary (run `swift test -c release` for representative numbers).
    @Test func reportsGenerationRate() {
        let fleet = FleetGenerator.community(devices: 5_000, community: "speed")
        var sim = FleetSimulator(devices: fleet, start: Fixture.start, seed: 3)
        let count = 300_000
        var bytes = 0
        var capture: [UInt8] = []
        capture.reserveCapacity(1 << 20)
        let clock = ContinuousClock()
        let generation = clock.measure {
            for _ in 0..<count {
                bytes &+= sim.next()?.payload.count ?? 0
            }
        }
        let encoding = clock.measure {
            for _ in 0..<count / 3 {
                if let m = sim.next() { CaptureLine.appendLine(m, to: &capture) }
                if capture.count > 1 << 20 { capture.removeAll(keepingCapacity: true) }
            }
        }
        let seconds = Double(generation.components.seconds) + Double(generation.components.attoseconds) * 1e-18
        let encodeSeconds = Double(encoding.components.seconds) + Double(encoding.components.attoseconds) * 1e-18
        print("generation: \(Int(Double(count) / seconds)) messages/s (\(bytes / count) bytes each);",
              "with capture lines: \(Int(Double(count / 3) / encodeSeconds)) lines/s")
        #expect(sim.messageCount == count + count / 3)
    }
}
