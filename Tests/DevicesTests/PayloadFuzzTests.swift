import Devices
import Formats
import Foundation
import Simulation
import Testing


/// 100,000 payloads mutated from the golden fixtures (bytes flipped, inserted, deleted,
/// chunks duplicated and spliced, numbers blown up, nesting deepened, topics bent) through
/// the decoder: every one ends as a reading, an availability change or a rejection with a
/// reason, and none crashes.
@Suite struct PayloadFuzzTests {
    static func seeds() throws -> [(topic: String, payload: [UInt8])] {
        var seeds: [(String, [UInt8])] = []
        for folder in ["door", "smoke", "water_meter", "wristband", "malformed"] {
            let input = try String(contentsOf: PayloadGoldenTests.fixtures.appendingPathComponent(folder).appendingPathComponent("input.jsonl"), encoding: .utf8)
            for line in input.split(separator: "\n") {
                guard case let .object(item) = try JSONParser.parse(Array(line.utf8)), case let .string(topic)? = item["topic"] else { continue }
                if case let .string(encoded)? = item["payload_b64"] {
                    seeds.append((topic, [UInt8](Data(base64Encoded: encoded) ?? Data())))
                } else if let object = item["payload"] {
                    seeds.append((topic, Array(object.jsonText.utf8)))
                }
            }
        }
        return seeds
    }

    static func mutate(_ bytes: [UInt8], other: [UInt8], random: inout SplitMix64) -> [UInt8] {
        var bytes = bytes
        for _ in 0...random.below(4) {
            let position = random.below(bytes.count + 1)
            switch random.below(8) {
            case 0 where !bytes.isEmpty: bytes[min(position, bytes.count - 1)] = UInt8(truncatingIfNeeded: random.next())
            case 1: bytes.insert(UInt8(truncatingIfNeeded: random.next()), at: position)
            case 2 where !bytes.isEmpty:
                let end = min(bytes.count, position + random.below(16) + 1)
                bytes.removeSubrange(min(position, end)..<end)
            case 3:
                let start = random.below(bytes.count + 1)
                let end = min(bytes.count, start + random.below(32))
                bytes.insert(contentsOf: bytes[start..<end], at: min(position, bytes.count))
            case 4: bytes = Array(bytes.prefix(position)) + Array(other.suffix(max(other.count - random.below(other.count + 1), 0)))
            case 5: bytes.insert(contentsOf: Array(["1e999", "-0", "99999999999999999999999", "NaN", "\"\\ud800\"", "null", "1.5e-400"][random.below(7)].utf8),
                                 at: position)
            case 6: bytes.insert(contentsOf: [UInt8](repeating: UInt8(ascii: "["), count: random.below(2000)), at: position)
            default: bytes = Array(bytes.prefix(position))
            }
        }
        return bytes
    }

    @Test func hundredThousandMutatedPayloadsNeverCrashTheDecoder() throws {
        let (decoder, registry) = try PayloadGoldenTests.decoder()
        let seeds = try Self.seeds()
        try #require(seeds.count > 20)
        var random = SplitMix64(seed: 20_261_122)
        var outcomes: [String: Int] = [:]
        for _ in 0..<100_000 {
            let seed = seeds[random.below(seeds.count)]
            let other = seeds[random.below(seeds.count)].payload
            let payload = Self.mutate(seed.payload, other: other, random: &random)
            var topic = seed.topic
            if random.below(20) == 0 { topic = String(decoding: Self.mutate(Array(topic.utf8), other: [], random: &random), as: UTF8.self) }
            let outcome = decoder.decode(topic: topic, payload: payload, receivedAtMs: PayloadGoldenTests.receivedAtMs, registry: registry)
            switch outcome {
            case .reading: outcomes["reading", default: 0] += 1
            case .availability: outcomes["availability", default: 0] += 1
            case let .rejected(rejection):
                #expect(!rejection.detail.isEmpty)
                outcomes["rejected:" + rejection.reason.rawValue, default: 0] += 1
            }
        }
        print("payload fuzz: 100000 cases, outcomes \(outcomes.sorted { $0.key < $1.key })")
        // Mutations keep some payloads valid and break most: both must show up.
        #expect((outcomes["reading"] ?? 0) > 1000)
        #expect(outcomes.keys.filter { $0.hasPrefix("rejected:") }.count >= 4)
    }
}
