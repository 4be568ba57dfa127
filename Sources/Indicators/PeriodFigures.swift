import Foundation
import Tickets

/// What one period gives the indicators: the service figures of the tickets opened in it, the
/// device health averaged over its daily samples, and the battery replacements made in it.
public struct PeriodFigures: Sendable {
    public var period: ReportPeriod
    public var sla: SLAReport
    /// The mean of the period's daily health samples (healthy devices over all), nil without any.
    public var deviceHealth: Double?
    /// Replacements made before the battery ran flat, of all replacements; nil without any.
    public var batteryReplacedBeforeFailure: Double?

    public init(period: ReportPeriod, sla: SLAReport, deviceHealth: Double? = nil, batteryReplacedBeforeFailure: Double? = nil) {
        self.period = period
        self.sla = sla
        self.deviceHealth = deviceHealth
        self.batteryReplacedBeforeFailure = batteryReplacedBeforeFailure
    }
}

/// One day's device health for one community, as the gateway samples it: kept so that a past
/// month's health can be read after the devices' state has moved on.
public struct DeviceHealthSample: Sendable, Hashable, Codable {
    /// Midnight of the day, in the calendar's zone.
    public var dayMs: Int64
    public var community: String
    public var healthy: Int
    public var total: Int

    public init(dayMs: Int64, community: String, healthy: Int, total: Int) {
        self.dayMs = dayMs
        self.community = community
        self.healthy = healthy
        self.total = total
    }

    /// Healthy devices over all devices of `samples`: a day with more devices weighs more.
    public static func rate(_ samples: [DeviceHealthSample]) -> Double? {
        let total = samples.reduce(0) { $0 + $1.total }
        return total > 0 ? Double(samples.reduce(0) { $0 + $1.healthy }) / Double(total) : nil
    }
}
