import Devices
import Foundation
import GridDispatch
import Storage
import Testing

/// Live staff positions in both stores: stored with their ingest batch (a redelivery is a
/// duplicate), read back as the newest per person and as a trajectory, and deleted after the
/// personal period by the retention round, not before.
@Suite struct StaffPositionStoreTests {
    typealias F = RetentionFixture

    static func report(_ staff: String, at: Int64, lat: Double = 32.06, lon: Double = 118.78, receivedAt: Int64? = nil) throws -> StaffPositionReport {
        let point = try #require(GeoPoint(latitude: lat, longitude: lon))
        return StaffPositionReport(staffID: staff, community: "demo", position: StaffPosition(point: point, atMs: at), receivedAtMs: receivedAt ?? at + 200)
    }

    @Test(arguments: StoreKind.allCases) func positionsAreStoredWithTheirBatchAndReadBack(kind: StoreKind) throws {
        let test = try TestStore(kind, name: "staff-positions")
        defer { test.remove() }
        let store = test.store
        var batch = IngestBatch(journalPosition: 7)
        batch.staffPositions = [
            try Self.report("S01", at: F.t0, lat: 32.0601), try Self.report("S01", at: F.t0 + 30_000, lat: 32.0602),
            try Self.report("S02", at: F.t0 + 10_000, lon: 118.7811),
            try Self.report("S01", at: F.t0 + 60_000, lat: 32.0603),
        ]
        let first = try store.store(batch)
        #expect(first.staffPositions == 4 && first.stored == 0, "positions are not readings")
        #expect(try store.ingestTotals().journalPosition == 7, "the cursor moved in the same commit")

        // A QoS 1 redelivery: same person, same device time.
        var again = IngestBatch(journalPosition: 8)
        again.staffPositions = [try Self.report("S01", at: F.t0 + 30_000, lat: 32.0602), try Self.report("S02", at: F.t0 + 20_000)]
        let second = try store.store(again)
        #expect(second.staffPositions == 1, "the redelivery is skipped")

        let latest = try test.reopen().latestStaffPositions()
        #expect(latest.keys.sorted() == ["S01", "S02"])
        #expect(latest["S01"]?.atMs == F.t0 + 60_000 && latest["S01"]?.point.latitude == 32.0603)
        #expect(latest["S02"]?.atMs == F.t0 + 20_000 && latest["S02"]?.point.longitude == 118.78)

        let trajectory = try store.staffPositions(staffID: "S01", fromMs: F.t0 + 1, toMs: F.t0 + 60_000, limit: 10)
        #expect(trajectory.map(\.atMs) == [F.t0 + 30_000], "from inclusive, to exclusive")
        #expect(try store.staffPositions(staffID: "S01", fromMs: 0, toMs: .max, limit: 2).map(\.point.latitude) == [32.0601, 32.0602],
                "oldest first, limited")
        #expect(try store.staffPositions(staffID: "S09", fromMs: 0, toMs: .max, limit: 10).isEmpty)
    }

    @Test(arguments: StoreKind.allCases) func positionsAreDeletedAfterThePersonalPeriod(kind: StoreKind) throws {
        let fixture = try F(kind)
        defer { fixture.remove() }
        var batch = IngestBatch(journalPosition: 1)
        // One position an hour for five days.
        batch.staffPositions = try (0..<(5 * 24)).map { try Self.report("S01", at: F.t0 + Int64($0) * F.hour) }
        _ = try fixture.database.store(batch)
        let now = F.t0 + 5 * F.day
        let summary = try fixture.round(F.plan(personal: 3 * F.day, stepRows: 7), at: now)
        #expect(summary.staffPositionsPruned == 2 * 24, "two days older than the three-day period")
        let kept = try fixture.database.staffPositions(staffID: "S01", fromMs: 0, toMs: .max, limit: 1000)
        #expect(kept.count == 3 * 24)
        #expect(kept.allSatisfy { $0.atMs + 200 >= now - 3 * F.day }, "nothing within the period was deleted")
        #expect(try fixture.round(F.plan(personal: 3 * F.day), at: now).staffPositionsPruned == 0, "a second round finds nothing")
    }
}
