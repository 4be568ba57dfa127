import Devices
import Foundation
@testable import Gateway
import Logging
import Storage
import Testing

/// The service's catching up: whole steps while a step's worth waits, a short step only when
/// asked (after its quiet ticks), nothing when too little waits.
@Suite struct ReadingRunServiceTests {
    @Test func catchUpTakesWholeStepsAndAShortOneOnlyWhenAsked() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gw-reading-runs-\(UUID().uuidString).db").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let database = try GatewayDatabase(path: path)
        for position in 1...10 {
            var batch = IngestBatch(journalPosition: UInt64(position))
            batch.readings = (0..<1_000).map { i in
                let n = Int64(position * 1_000 + i)
                let text = "{\"seq\":\(n)}"
                return Reading(deviceID: "door-\(n % 300)", deviceType: "door", community: "demo", receivedAtMs: n, deviceTimeMs: n,
                               deviceTimeTrusted: true, seq: n, values: [:], payloadText: text, flags: [], contentHash: n)
            }
            _ = try database.store(batch)
        }
        let service = ReadingRunService(database: database, stepRows: 4_000, logger: Logger(label: "test"))
        #expect(try await service.catchUp(minRows: 4_000) == 8_000, "two whole steps; 2,000 are left for the quiet tick")
        #expect(try await service.catchUp(minRows: 4_000) == 0)
        #expect(try database.readingsBehindRuns() == 2_000)
        #expect(try await service.catchUp(minRows: 1) == 2_000)
        #expect(try await service.catchUp(minRows: 1) == 0)
        #expect(try database.readingCount(device: "door-7") == 33)
        #expect(try database.readings(device: "door-7", limit: 2).map(\.seq) == [10_507, 10_807])
        #expect(try database.foldReadingRuns(maxRows: 1) == ReadingRunStep(folded: 0, behind: 0))
    }
}
