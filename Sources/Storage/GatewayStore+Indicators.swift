import Devices
import Foundation
import Indicators
import Tickets

/// The indicators' inputs read from a store: each period's tickets and device-health samples,
/// and the daily sample itself.
extension GatewayStore {
    /// The assessment of `period` and its six predecessors for `community` (nil: all).
    /// `batteryReplacedBeforeFailure` gives that share for a community and period, when the
    /// gateway tracks replacements.
    public func indicatorReport(set: IndicatorSet, period: ReportPeriod, community: String?, zone: TimeZone, nowMs: Int64,
                                catalog: DeviceTypeCatalog, complaintItems: Set<String> = [],
                                batteryReplacedBeforeFailure: ((String?, Int64, Int64) throws -> Double?)? = nil) throws -> IndicatorReport {
        let periods = period.withPrevious(6)
        let fromMs = periods[0].bounds(in: zone).fromMs
        let toMs = period.bounds(in: zone).toMs
        var filter = TicketFilter(openedFromMs: fromMs, openedBeforeMs: toMs, limit: Int.max)
        filter.community = community
        let tickets = try self.tickets(filter, withTimeline: true)
        let devices = try deviceReportingStatuses(catalog: catalog, community: community)
        let samples = try deviceHealthSamples(fromMs: fromMs, toMs: toMs, community: community)
        let today = DeviceHealthSample.live(devices: devices, community: community ?? "", nowMs: nowMs, zone: zone)
        let figures = try periods.map { period in
            let (from, to) = period.bounds(in: zone)
            var inPeriod = samples.filter { $0.dayMs >= from && $0.dayMs < to }
            // The period still running: today counts as it stands now, unless sampled already.
            if (from..<to).contains(nowMs), !inPeriod.contains(where: { $0.dayMs == today.dayMs && (community == nil || $0.community == community) }) {
                inPeriod = inPeriod.filter { $0.dayMs != today.dayMs } + [today]
            }
            let sla = SLAReport(tickets: tickets, devices: devices, fromMs: from, toMs: to, nowMs: nowMs, complaintItems: complaintItems)
            return PeriodFigures(period: period, sla: sla, deviceHealth: DeviceHealthSample.rate(inPeriod),
                                 batteryReplacedBeforeFailure: try batteryReplacedBeforeFailure?(community, from, to))
        }
        return IndicatorReport(set: set, figures: figures, community: community, zone: zone, nowMs: nowMs)
    }

    /// Today's health per community, stored: the gateway calls it on its report schedule so
    /// past periods keep their health after the devices' state has moved on.
    @discardableResult
    public func sampleDeviceHealth(catalog: DeviceTypeCatalog, zone: TimeZone, nowMs: Int64) throws -> [DeviceHealthSample] {
        let byCommunity = Dictionary(grouping: try devices(), by: \.device.community)
        let samples = byCommunity.keys.sorted().map { community in
            DeviceHealthSample.live(devices: (byCommunity[community] ?? []).map { Self.reportingStatus($0, catalog: catalog) },
                                    community: community, nowMs: nowMs, zone: zone)
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
    /// The health of `devices` at `nowMs`, as the sample of the day that holds it.
    public static func live(devices: [DeviceReportingStatus], community: String, nowMs: Int64, zone: TimeZone) -> DeviceHealthSample {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let day = calendar.startOfDay(for: Date(timeIntervalSince1970: Double(nowMs) / 1000))
        return DeviceHealthSample(dayMs: Int64((day.timeIntervalSince1970 * 1000).rounded()), community: community,
                                  healthy: devices.count { $0.isHealthy(at: nowMs) }, total: devices.count)
    }
}
