import Devices
import Formats
import Foundation
import Maintenance
import Storage
import Tickets

/// One maintenance pass over the inventory at `nowMs`: every battery device's forecast from its
/// hourly battery history (stored for the device list and page), a ticket for each battery due
/// within `forecast_days`, and an inspection ticket for each self-test overdue. Time is an
/// argument: the service passes the wall clock, the tests a virtual one.
struct MaintenanceRound {
    /// The reasons a maintenance ticket is opened for; with the device they are its alert key.
    static let batteryRule = "maintenance.battery"
    static let selfTestRule = "maintenance.self_test"

    let database: any GatewayStore
    let catalog: DeviceTypeCatalog
    let config: MaintenanceConfig
    let timeZone: TimeZone

    /// What a pass found.
    struct Findings {
        var forecasts: [String: BatteryForecast] = [:]
        var due: [TicketDesk.Alert] = []
        var selfTestsOverdue = 0
    }

    func findings(nowMs: Int64) throws -> Findings {
        var found = Findings()
        let settings = config.batterySettings
        for stored in try database.devices() {
            let device = stored.device
            let history = try database.batteryHistory(device: device.id)
            if !history.isEmpty {
                let forecast = BatteryForecast(history: history, nowMs: nowMs, settings: settings)
                found.forecasts[device.id] = forecast
                if forecast.isDue(nowMs: nowMs, leadMs: config.leadMs) { found.due.append(batteryFinding(device, forecast, nowMs: nowMs)) }
            }
            guard let interval = catalog[device.type]?.selfTestInterval else { continue }
            let check = SelfTestCheck(lastTestAtMs: try database.lastSelfTestMs(device: device.id), registeredAtMs: stored.registeredAtMs,
                                      intervalMs: Int64(interval * 1000))
            if check.isOverdue(nowMs: nowMs) {
                found.selfTestsOverdue += 1
                found.due.append(selfTestFinding(device, check, interval: interval, nowMs: nowMs))
            }
        }
        return found
    }

    /// A battery due for replacement, the forecast as the evidence.
    func batteryFinding(_ device: Device, _ forecast: BatteryForecast, nowMs: Int64) -> TicketDesk.Alert {
        let runOut = forecast.runOutAtMs.map { RFC3339.format(milliseconds: $0, timeZone: timeZone) } ?? ""
        let day = String(runOut.prefix(10))
        var values: [String: JSONValue] = ["reason": .string("battery_forecast"), "run_out_at": .string(runOut),
                                           "drain_per_day": .double(((forecast.drainPerDay ?? 0) * 100).rounded() / 100),
                                           "samples": .int(Int64(forecast.samples)), "failure_level": .double(forecast.failurePercent)]
        if let level = forecast.levelPercent { values["battery"] = .double((level * 10).rounded() / 10) }
        if let replaced = forecast.replacedAtMs { values["replaced_at"] = .string(RFC3339.format(milliseconds: replaced, timeZone: timeZone)) }
        var finding = TicketDesk.Alert(rule: Self.batteryRule, device: device, severity: "general", category: "repairs",
                                       title: "Battery of \(device.id) runs out around \(day): replace it", lifeSafety: false,
                                       autoResolvable: false, evidence: TicketEvidence(atMs: nowMs, values: values))
        finding.item = config.batteryItem
        finding.titleZh = "\(device.id) 电池预计 \(day) 耗尽，请更换"
        return finding
    }

    /// A self-test overdue: an inspection, with when the last test was seen as the evidence.
    func selfTestFinding(_ device: Device, _ check: SelfTestCheck, interval: Double, nowMs: Int64) -> TicketDesk.Alert {
        let last = check.lastTestAtMs.map { RFC3339.format(milliseconds: $0, timeZone: timeZone) }
        let values: [String: JSONValue] = ["reason": .string("self_test_overdue"), "last_self_test_at": last.map { .string($0) } ?? .null,
                                           "due_at": .string(RFC3339.format(milliseconds: check.dueAtMs, timeZone: timeZone)),
                                           "self_test_interval": .string(DurationText.format(interval))]
        var finding = TicketDesk.Alert(rule: Self.selfTestRule, device: device, severity: "general", category: "safety",
                                       title: "Self-test of \(device.id) overdue (\(last.map { "last \($0.prefix(10))" } ?? "never seen")): inspect it",
                                       lifeSafety: false, autoResolvable: false, evidence: TicketEvidence(atMs: nowMs, values: values))
        finding.item = config.selfTestItem
        finding.titleZh = "\(device.id) 自检逾期，请上门检查"
        return finding
    }
}
