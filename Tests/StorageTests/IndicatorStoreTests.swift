import Devices
import Foundation
import Indicators
import Storage
import Testing
import Tickets

/// The indicators read from both stores: daily device-health samples kept per day and
/// community, and a report whose tickets and health come from the store, community by community.
@Suite struct IndicatorStoreTests {
    typealias L = TicketLedgerTests
    static let day: Int64 = 86_400_000
    static let zone = TimeZone(identifier: "Asia/Shanghai") ?? .gmt

    @Test(arguments: StoreKind.allCases) func healthSamplesAreKeptPerDayAndCommunity(kind: StoreKind) throws {
        let test = try TestStore(kind, name: "health-samples")
        let database = test.store
        defer { test.remove() }
        let first = L.t0 - L.t0 % Self.day
        try database.recordDeviceHealthSamples([DeviceHealthSample(dayMs: first, community: "maple", healthy: 8, total: 10),
                                                DeviceHealthSample(dayMs: first, community: "birch", healthy: 1, total: 2),
                                                DeviceHealthSample(dayMs: first + Self.day, community: "maple", healthy: 9, total: 10)])
        // The same day sampled again replaces its figures.
        try database.recordDeviceHealthSamples([DeviceHealthSample(dayMs: first + Self.day, community: "maple", healthy: 10, total: 10)])
        let maple = try database.deviceHealthSamples(fromMs: first, toMs: first + 2 * Self.day, community: "maple")
        #expect(maple.map(\.healthy) == [8, 10])
        #expect(DeviceHealthSample.rate(maple) == 0.9)
        let all = try database.deviceHealthSamples(fromMs: first, toMs: first + Self.day, community: nil)
        #expect(all.map(\.community) == ["birch", "maple"])
        #expect(try database.deviceHealthSamples(fromMs: first + 2 * Self.day, toMs: first + 3 * Self.day, community: nil).isEmpty)
    }

    /// The hourly sample counts, per community, the devices heard from within their expected
    /// interval (a boundary report counts, one never heard from does not), one device at a
    /// time: the same figures as `live` over every device's status.
    @Test(arguments: StoreKind.allCases) func theHealthSampleCountsEachCommunitysDevicesOnTime(kind: StoreKind) throws {
        let test = try TestStore(kind, name: "health-sample")
        let database = test.store
        defer { test.remove() }
        let catalog = DeviceTypeCatalog([])
        let intervalMs = GatewayDatabase.expectedIntervalMs("door", catalog: catalog)
        let now: Int64 = 1_800_000_000_000
        try database.upsertDevices([Device(id: "door-1", type: "door", community: "maple"), Device(id: "door-2", type: "door", community: "maple"),
                                    Device(id: "smoke-3", type: "smoke", community: "maple"), Device(id: "door-4", type: "door", community: "birch")],
                                   source: "inventory", nowMs: 1)
        _ = try database.store(ReplayOnceTests.batch(position: 10, [GatewayDatabaseTests.reading("door-1", seq: 1, at: now - 3_600_000),
                                                                    GatewayDatabaseTests.reading("door-2", seq: 1, at: now - intervalMs - 1),
                                                                    GatewayDatabaseTests.reading("door-4", seq: 1, at: now - intervalMs)]))
        let samples = try database.sampleDeviceHealth(catalog: catalog, zone: Self.zone, nowMs: now)
        #expect(samples.map(\.community) == ["birch", "maple"])
        #expect(samples.map(\.healthy) == [1, 1])
        #expect(samples.map(\.total) == [1, 3])
        for sample in samples {
            let live = DeviceHealthSample.live(devices: try database.deviceReportingStatuses(catalog: catalog, community: sample.community),
                                               community: sample.community, nowMs: now, zone: Self.zone)
            #expect(sample == live)
        }
        #expect(try database.deviceHealthSamples(fromMs: samples[0].dayMs, toMs: samples[0].dayMs + Self.day, community: nil) == samples)
    }

    @Test(arguments: StoreKind.allCases) func aCommunitysReportReadsOnlyItsTicketsAndDevices(kind: StoreKind) throws {
        let test = try TestStore(kind, name: "indicator-report")
        let database = test.store
        defer { test.remove() }
        let maple = Device(id: "smoke-m", type: "smoke", community: "maple", building: "1", unit: "101")
        let birch = Device(id: "smoke-b", type: "smoke", community: "birch", building: "1", unit: "101")
        _ = try database.upsertDevices([maple, birch], source: "test", nowMs: L.t0)
        let desk = L.desk()
        for device in [maple, birch] {
            let alert = TicketDesk.Alert(rule: "smoke_alarm", device: device, severity: "emergency", category: "fire", title: "Smoke",
                                         lifeSafety: true, autoResolvable: false)
            _ = try database.updateTickets { ledger in try desk.alertFired(alert, at: L.t0, in: &ledger) }
        }
        // maple's is answered in 5 minutes, birch's after 50.
        _ = try database.updateTickets { ledger in try desk.handle(.acknowledge, ticketID: "T-000001", at: L.t0 + 5 * 60_000, by: "wang", in: &ledger) }
        _ = try database.updateTickets { ledger in try desk.handle(.acknowledge, ticketID: "T-000002", at: L.t0 + 50 * 60_000, by: "li", in: &ledger) }
        let period = ReportPeriod.containing(L.t0, kind: .month, zone: Self.zone)
        let catalog = DeviceTypeCatalog([])
        let now = L.t0 + Self.day
        func emergency(_ community: String?) throws -> IndicatorReport.Row? {
            try database.indicatorReport(set: .standard, period: period, community: community, zone: Self.zone, nowMs: now, catalog: catalog)
                .indicators.first { $0.id == "emergency_response" }
        }
        #expect(try emergency("maple")?.value == 1)
        #expect(try emergency("birch")?.value == 0)
        #expect(try emergency(nil)?.value == 0.5)
        // Over all communities, each community's own index, best first, with what it missed.
        let all = try database.indicatorReport(set: .standard, period: period, community: nil, zone: Self.zone, nowMs: now, catalog: catalog)
        #expect(all.communities.map(\.community) == ["maple", "birch"])
        #expect(all.communities.last?.belowTarget.contains("emergency_response") == true)
        #expect(all.communities.first?.belowTarget.contains("emergency_response") == false)
        #expect((all.communities.first?.index ?? 0) > (all.communities.last?.index ?? 0))
        #expect(try database.indicatorReport(set: .standard, period: period, community: "maple", zone: Self.zone, nowMs: now, catalog: catalog)
            .communities.isEmpty)
        // No stored sample: the running month's health is today's, as the devices stand (never heard from).
        let report = try database.indicatorReport(set: .standard, period: period, community: "maple", zone: Self.zone, nowMs: now, catalog: catalog)
        #expect(report.indicators.first { $0.id == "device_health" }?.value == 0)
        #expect(report.indicators.first { $0.id == "device_health" }?.trend.dropLast().allSatisfy { $0.value == nil } == true)
        let samples = try database.sampleDeviceHealth(catalog: catalog, zone: Self.zone, nowMs: now)
        #expect(samples.map(\.community) == ["birch", "maple"])
        #expect(samples.map(\.total) == [1, 1])
    }
}
