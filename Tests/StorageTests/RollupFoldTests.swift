import Foundation
@testable import Storage
import Testing

/// A roll-up step is read and folded outside the write transaction, so the cursor may move
/// between the two halves (`gridwatch retention run-once` beside a running gateway): the
/// stale half writes nothing, and no reading is counted twice or skipped.
@Suite struct RollupFoldTests {
    @Test func aFoldWhoseCursorMovedMeanwhileWritesNothingAndTheRoundStillAddsUp() throws {
        var fixture = try RetentionFixture(.sqlite)
        defer { fixture.remove() }
        let sqlite = try #require(fixture.database as? GatewayDatabase)
        let plan = RetentionFixture.plan(stepRows: 50)
        try fixture.storeSpan(from: RetentionFixture.t0, span: 2 * RetentionFixture.hour, every: 60_000)

        let stale = try sqlite.foldRollupStep(plan, nowMs: RetentionFixture.t0)
        #expect(stale.fromID == 0 && stale.readings > 0 && stale.lastID == Int64(stale.readings))
        // Another roll-up (the other process) takes the same readings first.
        let other = try sqlite.rollUpStep(plan, nowMs: RetentionFixture.t0)
        #expect(other.readings == stale.readings && !other.caughtUp)
        let afterOther = try sqlite.rollups(device: "band-1")

        let result = try sqlite.writeRollupStep(stale, writeRows: plan.writeRows)
        #expect(result.readings == 0 && result.buckets == 0 && !result.caughtUp, "the round reads again from the moved cursor")
        #expect(try sqlite.rolledUpReadingID() == stale.lastID)
        #expect(try sqlite.rollups(device: "band-1") == afterOther, "nothing of the stale fold was added")

        while try !sqlite.rollUpStep(plan, nowMs: RetentionFixture.t0).caughtUp {}
        let stored = try ["band-1", "door-1", "water-1"].flatMap { try sqlite.readings(device: $0, limit: 100_000) }
        #expect(try sqlite.rolledUpReadingID() == Int64(stored.count))
        // Each reading counted once: the hourly heart-rate buckets add up to the band's readings.
        let hourly = try sqlite.rollups(device: "band-1", field: "hr_bpm", widthSeconds: 3600)
        #expect(hourly.map(\.count).reduce(0, +) == stored.filter { $0.deviceID == "band-1" }.count)
    }
}
