import Devices
import Foundation
import Storage
import Testing

/// Roll-ups computed step by step (with late readings, duplicates and a restart half-way)
/// equal a brute-force computation over every reading.
@Suite struct RollupTests {
    /// The reference: every bucket computed at once from the readings, in id order.
    struct Bucket {
        var count = 0, sum = 0.0, min = Double.infinity, max = -Double.infinity, last = 0.0, lastMs = Int64.min
    }

    static func bruteForce(_ readings: [Reading], fields: [String: [String]]) -> [String: Bucket] {
        var buckets: [String: Bucket] = [:]
        for reading in readings {
            for field in fields[reading.deviceType] ?? [] {
                let value: Double
                switch reading.values[field] {
                case let .double(number)?: value = number
                case let .int(number)?: value = Double(number)
                case let .bool(flag)?: value = flag ? 1 : 0
                default: continue
                }
                for width in RetentionPlan.widthsSeconds {
                    let start = GatewayDatabase.bucketStart(reading.deviceTimeMs, widthSeconds: width)
                    let key = "\(reading.deviceID)|\(field)|\(width)|\(start)"
                    var bucket = buckets[key] ?? Bucket()
                    bucket.count += 1
                    bucket.sum += value
                    bucket.min = min(bucket.min, value)
                    bucket.max = max(bucket.max, value)
                    if reading.deviceTimeMs >= bucket.lastMs { (bucket.last, bucket.lastMs) = (value, reading.deviceTimeMs) }
                    buckets[key] = bucket
                }
            }
        }
        return buckets
    }

    @Test(arguments: StoreKind.allCases) func incrementalRollupsWithLateReadingsAndARestartEqualBruteForce(kind: StoreKind) throws {
        var fixture = try RetentionFixture(kind)
        defer { fixture.remove() }
        let plan = RetentionFixture.plan(stepRows: 137)
        var random = SystemRandomNumberGenerator()
        var stored: [Reading] = []
        var seen = Set<String>()
        var database = fixture.database
        for batch in 0..<12 {
            var readings: [Reading] = []
            for index in 0..<300 {
                let receivedAt = RetentionFixture.t0 + Int64(batch * 300 + index) * 7_000
                // One in five is late: its device time falls in buckets rolled up batches ago.
                let late = Int.random(in: 0..<5, using: &random) == 0
                let deviceTime = late ? receivedAt - Int64.random(in: 0...(3 * RetentionFixture.hour), using: &random) : receivedAt
                let hr = Double(Int.random(in: 40...180, using: &random))
                switch index % 3 {
                case 0:
                    readings.append(RetentionFixture.reading("band-1", type: "wristband", receivedAt: receivedAt, deviceTime: deviceTime,
                                                             values: ["hr_bpm": .double(hr), "steps": .int(Int64(index)), "fall": .bool(hr > 170)]))
                case 1:
                    readings.append(RetentionFixture.reading("door-1", type: "door", receivedAt: receivedAt, deviceTime: deviceTime,
                                                             values: ["open": .bool(hr > 100), "event": .string("unlock")]))
                default:
                    readings.append(RetentionFixture.reading("water-1", type: "water_meter", receivedAt: receivedAt, deviceTime: deviceTime,
                                                             values: ["flow_lph": .double(hr / 3)]))
                }
            }
            try fixture.store(readings)
            // A redelivered batch is dropped by the dedup key and must not count twice.
            if batch == 3 { try fixture.store(readings) }
            // So is a drawn reading equal to an earlier one (same device, device time and
            // payload: a late door reading can land on another's time and state, about once in
            // a hundred runs): the store keeps the first, and so does the count.
            stored += readings.filter { seen.insert("\($0.deviceID)|\($0.deviceTimeMs)|\($0.contentHash)").inserted }
            // A few steps after each batch, not always catching up; half-way, a restart.
            for _ in 0..<Int.random(in: 1...3, using: &random) { _ = try database.rollUpStep(plan, nowMs: RetentionFixture.t0) }
            if batch == 6 { database = try fixture.test.reopen() }
        }
        while try !database.rollUpStep(plan, nowMs: RetentionFixture.t0).caughtUp {}
        let expected = Self.bruteForce(stored, fields: plan.rollupFieldsByType)
        var actual: [String: RollupBucket] = [:]
        for device in ["band-1", "door-1", "water-1"] {
            for bucket in try database.rollups(device: device) {
                actual["\(bucket.deviceID)|\(bucket.field)|\(bucket.widthSeconds)|\(bucket.bucketStartMs)"] = bucket
            }
        }
        #expect(expected.count > 100 && Set(actual.keys) == Set(expected.keys))
        #expect(!actual.keys.contains { $0.contains("|event|") || $0.contains("|ts|") }, "enums and the time are not rolled up")
        for (key, want) in expected {
            guard let got = actual[key] else { continue }
            #expect(got.count == want.count && got.min == want.min && got.max == want.max && got.lastMs == want.lastMs, "\(key)")
            #expect(abs(got.sum - want.sum) < 1e-6, "\(key)")
            // On equal device times the later reading wins in both; values may differ only then.
            #expect(got.last == want.last, "\(key)")
        }
        // SQLite numbers the rows 1...n; PostgreSQL's sequence also spends numbers on skipped
        // redeliveries, so there the cursor reaches at least the newest reading's id.
        let newestID = try stored.map(\.deviceID).reduce(into: Set<String>()) { $0.insert($1) }
            .flatMap { try database.readings(device: $0, limit: 100_000) }.map(\.id).max() ?? 0
        let rolledUp = try database.rolledUpReadingID()
        #expect(newestID >= Int64(stored.count) && rolledUp >= newestID)
        if kind == .sqlite { #expect(try database.rolledUpReadingID() == Int64(stored.count)) }
    }
}
