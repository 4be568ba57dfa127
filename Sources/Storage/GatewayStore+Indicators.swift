import Devices
import Foundation
import Indicators
import Maintenance
import Tickets

/// The indicators' inputs read from a store: each period's tickets and device-health samples,
/// and the daily sample itself.
extension GatewayStore {
    /// The assessment of `period` and its six predecessors for `community` (nil: all).
    /// `batterySettings`: the failure level that decides whether a battery was replaced in time
    /// (`maintenance.failure_level`).
    public func indicatorReport(set: IndicatorSet, period: ReportPeriod, community: String?, zone: TimeZone, nowMs: Int64,
                                catalog: DeviceTypeCatalog, complaintItems: Set<String> = [],
                                batterySettings: BatterySettings = BatterySettings()) throws -> IndicatorReport {
        let periods = period.withPrevious(6)
        let fromMs = periods[0].bounds(in: zone).fromMs
        let toMs = period.bounds(in: zone).toMs
        var filter = TicketFilter(openedFromMs: fromMs, openedBeforeMs: toMs, limit: Int.max)
        filter.community = community
        let tickets = try self.tickets(filter, withTimeline: true)
        let stored = try self.devices()
        let members = stored.filter { community == nil || $0.device.community == community }
        let devices = members.map { Self.reportingStatus($0, catalog: catalog) }
        // One read of the fleet's hourly battery history serves every period and community. It
        // covers the periods that start within `batteryWindowMs` of the end (seven months or
        // quarters, one year): hourly points for seven years would be tens of millions of rows.
        let batteryFromMs = max(fromMs, toMs - Self.batteryWindowMs)
        let histories = try batteryHistories(fromMs: batteryFromMs - Self.replacementLookBackMs, toMs: toMs)
        let samples = try deviceHealthSamples(fromMs: fromMs, toMs: toMs, community: community)
        let today = DeviceHealthSample.live(devices: devices, community: community ?? "", nowMs: nowMs, zone: zone)
        let figures = try periods.map { period in
            let (from, to) = period.bounds(in: zone)
            let sla = SLAReport(tickets: tickets, devices: devices, fromMs: from, toMs: to, nowMs: nowMs, complaintItems: complaintItems)
            let batteries = from >= batteryFromMs
                ? Self.replacementTally(devices: members, histories: histories, fromMs: from, toMs: to, catalog: catalog, settings: batterySettings).share
                : nil
            return PeriodFigures(period: period, sla: sla, deviceHealth: DeviceHealthSample.rate(samples, from: from, to: to, today: today),
                                 batteryReplacedBeforeFailure: batteries)
        }
        var report = IndicatorReport(set: set, figures: figures, community: community, zone: zone, nowMs: nowMs)
        if community == nil {
            report.communities = communityRows(set: set, period: period, tickets: tickets, devices: stored, samples: samples, histories: histories,
                                               zone: zone, nowMs: nowMs, catalog: catalog, complaintItems: complaintItems, batterySettings: batterySettings)
        }
        return report
    }

    /// How far back from a report's end the battery indicator is computed (about 25 months).
    public static var batteryWindowMs: Int64 { 760 * 86_400_000 }

    /// Each community's index in `period`, highest first (no index last), from the tickets,
    /// devices and samples already read for the whole report.
    private func communityRows(set: IndicatorSet, period: ReportPeriod, tickets: [Ticket], devices: [StoredDevice], samples: [DeviceHealthSample],
                               histories: [String: [BatterySample]], zone: TimeZone, nowMs: Int64, catalog: DeviceTypeCatalog,
                               complaintItems: Set<String>, batterySettings: BatterySettings) -> [IndicatorReport.CommunityRow] {
        let (from, to) = period.bounds(in: zone)
        let names = Set(devices.map(\.device.community)).union(tickets.filter { $0.openedAt >= from && $0.openedAt < to }.map(\.community))
        let rows = names.sorted().map { name in
            let inCommunity = devices.filter { $0.device.community == name }
            let members = inCommunity.map { Self.reportingStatus($0, catalog: catalog) }
            let today = DeviceHealthSample.live(devices: members, community: name, nowMs: nowMs, zone: zone)
            let health = DeviceHealthSample.rate(samples.filter { $0.community == name }, from: from, to: to, today: today)
            let sla = SLAReport(tickets: tickets.filter { $0.community == name }, devices: members, fromMs: from, toMs: to, nowMs: nowMs,
                                complaintItems: complaintItems)
            let batteries = Self.replacementTally(devices: inCommunity, histories: histories, fromMs: from, toMs: to, catalog: catalog,
                                                  settings: batterySettings)
            let figures = PeriodFigures(period: period, sla: sla, deviceHealth: health, batteryReplacedBeforeFailure: batteries.share)
            return IndicatorReport.CommunityRow(community: name, set: set, figures: figures)
        }
        return rows.sorted { ($0.index ?? -1, $1.community) > ($1.index ?? -1, $0.community) }
    }

    /// Today's health per community, stored: the gateway calls it on its report schedule so
    /// past periods keep their health after the devices' state has moved on.
    @discardableResult
    public func sampleDeviceHealth(catalog: DeviceTypeCatalog, zone: TimeZone, nowMs: Int64) throws -> [DeviceHealthSample] {
        var counts: [String: (healthy: Int, total: Int)] = [:]
        var intervalsMs: [String: Int64] = [:]
        try forEachDeviceLastSeen { community, type, lastSeenMs in
            let intervalMs = intervalsMs[type] ?? GatewayDatabase.expectedIntervalMs(type, catalog: catalog)
            intervalsMs[type] = intervalMs
            let status = DeviceReportingStatus(id: "", type: type, lastSeenMs: lastSeenMs, expectedIntervalMs: intervalMs)
            counts[community, default: (0, 0)].total += 1
            if status.isHealthy(at: nowMs) { counts[community, default: (0, 0)].healthy += 1 }
        }
        let dayMs = DeviceHealthSample.dayMs(holding: nowMs, zone: zone)
        let samples = counts.keys.sorted().map { community in
            DeviceHealthSample(dayMs: dayMs, community: community, healthy: counts[community]?.healthy ?? 0, total: counts[community]?.total ?? 0)
        }
        try recordDeviceHealthSamples(samples)
        return samples
    }

    /// The health inputs of the devices of `community` (nil: all).
    public func deviceReportingStatuses(catalog: DeviceTypeCatalog, community: String?) throws -> [DeviceReportingStatus] {
        try devices(type: nil, community: community).map { Self.reportingStatus($0, catalog: catalog) }
    }

    static func reportingStatus(_ stored: StoredDevice, catalog: DeviceTypeCatalog) -> DeviceReportingStatus {
        DeviceReportingStatus(id: stored.device.id, type: stored.device.type, building: stored.device.building,
                              lastSeenMs: stored.lastSeenAtMs, expectedIntervalMs: GatewayDatabase.expectedIntervalMs(stored.device.type, catalog: catalog))
    }
}

extension DeviceHealthSample {
    /// The health over `[from, to)`: the stored samples of those days, and in the period still
    /// running today as it stands (`today`, taken at the report's moment) unless today was sampled.
    static func rate(_ samples: [DeviceHealthSample], from: Int64, to: Int64, today: DeviceHealthSample) -> Double? {
        var inPeriod = samples.filter { $0.dayMs >= from && $0.dayMs < to }
        if (from..<to).contains(today.dayMs), !inPeriod.contains(where: { $0.dayMs == today.dayMs }) { inPeriod.append(today) }
        return rate(inPeriod)
    }

    /// The health of `devices` at `nowMs`, as the sample of the day that holds it.
    public static func live(devices: [DeviceReportingStatus], community: String, nowMs: Int64, zone: TimeZone) -> DeviceHealthSample {
        DeviceHealthSample(dayMs: dayMs(holding: nowMs, zone: zone), community: community,
                           healthy: devices.count { $0.isHealthy(at: nowMs) }, total: devices.count)
    }

    /// The start of the day in `zone` that holds `nowMs` (a sample's day).
    static func dayMs(holding nowMs: Int64, zone: TimeZone) -> Int64 {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let day = calendar.startOfDay(for: Date(timeIntervalSince1970: Double(nowMs) / 1000))
        return Int64((day.timeIntervalSince1970 * 1000).rounded())
    }
}
