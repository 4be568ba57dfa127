import Devices
import Foundation
import Rules
import Storage
import Testing

/// Pruning in virtual time: each type keeps its own period, nothing un-rolled-up goes, the
/// newest row stays, alerts and tickets are never deleted, and roll-ups age out by width.
@Suite struct RetentionPruningTests {
    typealias F = RetentionFixture

    @Test(arguments: StoreKind.allCases) func rawReadingsGoAfterTheirTypesPeriodAndRollupsStay(kind: StoreKind) throws {
        var fixture = try F(kind)
        defer { fixture.remove() }
        // 20 days of readings every 10 minutes; water meters keep 15 days, the rest 5.
        try fixture.storeSpan(from: F.t0, span: 20 * F.day, every: 10 * F.minute)
        try fixture.database.storeAlertEvents([AlertEvent(atMs: F.t0, kind: .firing, ruleID: "fall", deviceID: "band-1", severity: "emergency",
                                                          community: "demo", building: "b1", evidence: ["fall": .bool(true)])])
        try fixture.storeClosedTicket(id: "T-000001", updatedAt: F.t0)
        let plan = F.plan(raw: 5 * F.day, types: ["water_meter": 15 * F.day], personal: 2 * F.day, stepRows: 300)
        let now = F.t0 + 20 * F.day
        let summary = try fixture.round(plan, at: now)
        #expect(summary.readingsPruned > 0 && summary.steps > 10, "small steps: \(summary.steps)")
        for (device, keptDays) in [("band-1", 5), ("door-1", 5), ("water-1", 15)] {
            let oldest = try #require(try fixture.database.readings(device: device, limit: 1_000_000).first)
            #expect(oldest.receivedAtMs >= now - Int64(keptDays) * F.day, "\(device)")
            #expect(oldest.receivedAtMs < now - Int64(keptDays) * F.day + 10 * F.minute, "\(device) kept everything younger")
        }
        // Roll-ups cover the pruned days (their own periods are 20 and 60 days).
        let hourly = try fixture.database.rollups(device: "door-1", field: "open", widthSeconds: 3600)
        #expect(hourly.first?.bucketStartMs == F.t0 && hourly.count == 20 * 24)
        #expect(try fixture.database.alertEvents().count == 1)
        #expect(try fixture.database.tickets().count == 1)
        // A second round at the same time finds nothing more to do.
        let again = try fixture.round(plan, at: now)
        #expect(again.readingsPruned == 0 && again.rollupsPruned == 0 && again.payloadsScrubbed == 0)
    }

    @Test(arguments: StoreKind.allCases) func readingsNotRolledUpAreNeverPrunedAndTheNewestRowStays(kind: StoreKind) throws {
        var fixture = try F(kind)
        defer { fixture.remove() }
        try fixture.storeSpan(from: F.t0, span: 2 * F.day, every: 5 * F.minute)
        let plan = F.plan(raw: F.day, stepRows: 200)
        // Roll up only part: pruning must stop at the cursor even though all is old enough.
        _ = try fixture.database.rollUpStep(plan, nowMs: RetentionFixture.t0)
        let rolledUp = try fixture.database.rolledUpReadingID()
        for group in 0..<1 {
            while try !fixture.database.pruneReadingsStep(plan, group: group, nowMs: F.t0 + 100 * F.day).finished {}
        }
        let status = try fixture.database.retentionStatus()
        #expect(status.readingsNotRolledUp == status.readings, "every rolled-up reading went, no other")
        #expect(rolledUp > 0 && rolledUp < Int64(status.readings + Int(rolledUp)), "one step rolled up part of it")
        // Everything rolled up and ancient: on SQLite all go but the newest row (ids must keep
        // rising: SQLite hands out the next id after the largest left); PostgreSQL's sequence
        // never reuses an id, so there every row goes.
        _ = try fixture.round(plan, at: F.t0 + 100 * F.day)
        #expect(try fixture.database.readingCount() == (kind == .sqlite ? 1 : 0))
        try fixture.store([F.band(F.t0 + 101 * F.day)])
        _ = try fixture.round(plan, at: F.t0 + 101 * F.day)
        #expect(try fixture.database.rollups(device: "band-1", field: "hr_bpm", widthSeconds: 3600).last?.lastMs == F.t0 + 101 * F.day,
                "the reading after a full prune got a fresh id and was rolled up")
    }

    @Test(arguments: StoreKind.allCases) func rollupsAgeOutByWidth(kind: StoreKind) throws {
        var fixture = try F(kind)
        defer { fixture.remove() }
        try fixture.storeSpan(from: F.t0, span: 30 * F.day, every: 30 * F.minute)
        let plan = F.plan(raw: 90 * F.day, personal: 90 * F.day, stepRows: 250)
        let now = F.t0 + 30 * F.day
        let summary = try fixture.round(plan, at: now)
        let fiveMinute = try fixture.database.rollups(device: "water-1", field: "flow_lph", widthSeconds: 300)
        let hourly = try fixture.database.rollups(device: "water-1", field: "flow_lph", widthSeconds: 3600)
        // 5-minute buckets are kept 20 days, hourly 60: all 30 days of hourly remain.
        #expect(summary.rollupsPruned > 0)
        #expect(try #require(fiveMinute.first).bucketStartMs >= now - 20 * F.day - 300_000)
        #expect(hourly.count == 30 * 24)
    }
}
