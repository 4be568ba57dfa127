import Devices
import Foundation
import Gateway
import Logging
import Maintenance
import Storage
import Testing
import Tickets

/// Maintenance before failure against both stores: forecasts kept per device, the replacement
/// tally over the hourly roll-ups, and the maintenance service over a stored history in
/// virtual time (the ticket opens `forecast_days` before the run-out, once).
@Suite struct MaintenanceStoreTests {
    static let hour: Int64 = 3_600_000
    static let day: Int64 = 86_400_000
    static let t0 = RetentionFixture.t0
    static let catalog = DeviceTypeCatalog([
        DeviceType(name: "smoke", description: "", reportingInterval: 1800, heartbeat: 5400,
                   fields: [.init(name: "alarm", kind: .bool), .init(name: "test", kind: .bool)], selfTestInterval: 10 * 86_400),
        DeviceType(name: "door", description: "", reportingInterval: 600, heartbeat: 1800, fields: [.init(name: "open", kind: .bool)]),
    ])

    @Test(arguments: StoreKind.allCases) func forecastsAreKeptOnePerDevice(kind: StoreKind) throws {
        let test = try TestStore(kind, name: "forecasts")
        defer { test.remove() }
        let store = test.store
        let draining = BatteryForecast(state: .forecast, computedAtMs: Self.t0, samples: 120, levelPercent: 41.5, drainPerDay: 1.25,
                                       runOutAtMs: Self.t0 + 29 * Self.day, replacedAtMs: Self.t0 - 5 * Self.day, failurePercent: 5)
        let unknown = BatteryForecast(state: .notEnoughData, computedAtMs: Self.t0, samples: 3, failurePercent: 5)
        try store.saveBatteryForecasts(["smoke-1": draining, "smoke-2": unknown])
        #expect(try store.batteryForecasts(device: nil) == ["smoke-1": draining, "smoke-2": unknown])
        var later = draining
        later.computedAtMs += Self.hour
        later.state = .noRunOut
        later.runOutAtMs = nil
        try store.saveBatteryForecasts(["smoke-1": later])
        #expect(try store.batteryForecasts(device: "smoke-1") == ["smoke-1": later])
        #expect(try store.batteryForecasts(device: "door-9").isEmpty)
    }

    /// smoke-1: 40 % losing 2 points a day, one self-test on day 0. smoke-2: swapped at 20 % on
    /// day 8. door-1: no battery field at all.
    static func storeHistory(_ store: any GatewayStore) throws {
        try store.upsertDevices([Device(id: "smoke-1", type: "smoke", community: "demo", building: "1", unit: "101"),
                                 Device(id: "smoke-2", type: "smoke", community: "demo", building: "1", unit: "102"),
                                 Device(id: "door-1", type: "door", community: "demo")], source: "inventory", nowMs: t0)
        var readings: [Reading] = []
        for hourIndex in 0..<(20 * 24) {
            let at = t0 + Int64(hourIndex) * hour
            let days = Double(hourIndex) / 24
            readings.append(RetentionFixture.reading("smoke-1", type: "smoke", receivedAt: at,
                                                     values: ["battery": .double(40 - 2 * days), "test": .bool(hourIndex == 3)]))
            let second = days < 8 ? 36 - 2 * days : 100 - 2 * (days - 8)
            readings.append(RetentionFixture.reading("smoke-2", type: "smoke", receivedAt: at, values: ["battery": .double(second)]))
            readings.append(RetentionFixture.reading("door-1", type: "door", receivedAt: at, values: ["open": .bool(false)]))
        }
        var batch = IngestBatch(journalPosition: 1)
        batch.readings = readings
        _ = try store.store(batch)
        let plan = RetentionPlan(catalog: catalog, rawRetentionMs: 400 * day, rawRetentionMsByType: [:], personalRetentionMs: 30 * day,
                                 rollupRetentionMsByWidth: [300: 400 * day, 3600: 1825 * day], stepRows: 5000)
        var round = RetentionRound(database: store, plan: plan, nowMs: t0 + 20 * day)
        _ = try round.runToEnd()
    }

    @Test(arguments: StoreKind.allCases) func replacementsAreTalliedFromTheRollups(kind: StoreKind) throws {
        let test = try TestStore(kind, name: "replacements")
        defer { test.remove() }
        try Self.storeHistory(test.store)
        let histories = try test.store.batteryHistories(fromMs: Self.t0, toMs: Self.t0 + 20 * Self.day)
        #expect(Set(histories.keys) == ["smoke-1", "smoke-2"] && histories["smoke-1"]?.count == 20 * 24)
        #expect(histories["smoke-1"]?.first == BatterySample(atMs: Self.t0, percent: 40))
        #expect(try test.store.batteryHistories(fromMs: Self.t0 + 19 * Self.day, toMs: Self.t0 + 20 * Self.day)["smoke-2"]?.count == 24)
        #expect(try test.store.lastSelfTests(fromMs: Self.t0, toMs: Self.t0 + 20 * Self.day) == ["smoke-1": Self.t0 + 3 * Self.hour])
        #expect(try test.store.lastSelfTests(fromMs: Self.t0 + 4 * Self.hour, toMs: Self.t0 + 20 * Self.day).isEmpty)
        let all = try test.store.batteryReplacementTally(community: "demo", fromMs: Self.t0, toMs: Self.t0 + 20 * Self.day, catalog: Self.catalog)
        #expect(all == ReplacementTally(replacements: 1, beforeFailure: 1))
        #expect(try test.store.batteryReplacementTally(community: "demo", fromMs: Self.t0 + 9 * Self.day, toMs: Self.t0 + 20 * Self.day,
                                                       catalog: Self.catalog) == ReplacementTally())
        #expect(try test.store.batteryReplacementTally(community: "elm", fromMs: Self.t0, toMs: Self.t0 + 20 * Self.day,
                                                       catalog: Self.catalog) == ReplacementTally())
        // Were smoke detectors charged by the resident, every rise would be a charge: none counted.
        let charged = DeviceTypeCatalog([DeviceType(name: "smoke", description: "", reportingInterval: 1800, heartbeat: 5400,
                                                    fields: [.init(name: "test", kind: .bool)], rechargeable: true)])
        #expect(try test.store.batteryReplacementTally(community: "demo", fromMs: Self.t0, toMs: Self.t0 + 20 * Self.day,
                                                       catalog: charged) == ReplacementTally())
    }
}
