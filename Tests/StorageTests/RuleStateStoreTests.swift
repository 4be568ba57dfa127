import Foundation
@testable import Rules
import Storage
import Testing

/// The rules' saved state on both engines: a snapshot written in many chunks (SQLite writes
/// them into the row's blob in place) reads back whole, and a smaller one replaces it.
@Suite struct RuleStateStoreTests {
    static func snapshot(devices: Int, savedAtMs: Int64) -> RuleEngine.Snapshot {
        var instances: [String: AlertInstance] = [:]
        var lastSeenMs: [String: Int64] = [:]
        for index in 0..<devices {
            var instance = AlertInstance()
            instance.phase = index % 2 == 0 ? .pending : .firing
            instance.pendingSinceMs = savedAtMs - Int64(index)
            instance.occurrencesMs = Array(repeating: Int64(index), count: index % 3)
            // Ids of several UTF-8 bytes a character: the blob's offsets count bytes.
            let device = index % 4 == 0 ? "门-\(index)" : "door-\(index)"
            instances["door_open|\(device)"] = instance
            lastSeenMs[device] = savedAtMs - Int64(index) * 7
        }
        return RuleEngine.Snapshot(savedAtMs: savedAtMs, instances: instances, lastSeenMs: lastSeenMs, fingerprints: ["door_open": "f1"])
    }

    @Test(arguments: StoreKind.allCases) func aSnapshotInManyChunksReadsBackWholeAndASmallerOneReplacesIt(kind: StoreKind) throws {
        let test = try TestStore(kind)
        defer { test.remove() }
        #expect(try test.store.loadRuleState() == nil)
        let large = Self.snapshot(devices: 500, savedAtMs: 1_000_000)
        let encoded = large.encoded(chunkBytes: 256)
        try #require(encoded.chunks.count > 50)
        try test.store.saveRuleState(encoded)
        let read = try #require(try test.reopen().loadRuleState())
        #expect(read.savedAtMs == large.savedAtMs && read.instances == large.instances)
        #expect(read.lastSeenMs == large.lastSeenMs && read.fingerprints == large.fingerprints)

        let small = Self.snapshot(devices: 3, savedAtMs: 2_000_000)
        try test.store.saveRuleState(small.encoded())
        let replaced = try #require(try test.store.loadRuleState())
        #expect(replaced.savedAtMs == small.savedAtMs && replaced.instances == small.instances && replaced.lastSeenMs == small.lastSeenMs)
    }
}
