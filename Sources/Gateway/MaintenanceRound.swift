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

    /// How far back a forecast looks: a battery's drain over four months says what it needs to,
    /// and the read (one range scan of the hourly roll-ups for the fleet) stays bounded.
    static let historyMs: Int64 = 120 * 86_400_000

    func findings(nowMs: Int64) throws -> Findings {
        var found = Findings()
        let settings = config.batterySettings
        let histories = try database.batteryHistories(fromMs: nowMs - Self.historyMs, toMs: nowMs + 1)
        // Twice the longest self-test interval: a test before that is overdue whenever it was.
        let selfTestLookBackMs = Int64((catalog.types.values.compactMap(\.selfTestInterval).max() ?? 0) * 2000)
        let selfTests = selfTestLookBackMs > 0 ? try database.lastSelfTests(fromMs: nowMs - selfTestLookBackMs, toMs: nowMs + 1) : [:]
        for stored in try database.devices() {
            let device = stored.device
            // A rechargeable battery (a wristband) falls to its next charge, not to a replacement.
            if let history = histories[device.id], catalog[device.type]?.rechargeable != true {
                let forecast = BatteryForecast(history: history, nowMs: nowMs, settings: settings)
                found.forecasts[device.id] = forecast
                if forecast.isDue(nowMs: nowMs, leadMs: config.leadMs) { found.due.append(batteryFinding(device, forecast, nowMs: nowMs)) }
            }
            guard let interval = catalog[device.type]?.selfTestInterval else { continue }
            let check = SelfTestCheck(lastTestAtMs: selfTests[device.id], registeredAtMs: stored.registeredAtMs, intervalMs: Int64(interval * 1000))
            if check.isOverdue(nowMs: nowMs) {
                found.selfTestsOverdue += 1
                found.due.append(selfTestFinding(device, check, interval: interval, lookBackMs: selfTestLookBackMs, nowMs: nowMs))
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
    func selfTestFinding(_ device: Device, _ check: SelfTestCheck, interval: Double, lookBackMs: Int64, nowMs: Int64) -> TicketDesk.Alert {
        let last = check.lastTestAtMs.map { RFC3339.format(milliseconds: $0, timeZone: timeZone) }
        let lookedBack = DurationText.format(Double(lookBackMs) / 1000)
        let values: [String: JSONValue] = ["reason": .string("self_test_overdue"), "last_self_test_at": last.map { .string($0) } ?? .null,
                                           "looked_back": .string(lookedBack),
                                           "due_at": .string(RFC3339.format(milliseconds: check.dueAtMs, timeZone: timeZone)),
                                           "self_test_interval": .string(DurationText.format(interval))]
        var finding = TicketDesk.Alert(rule: Self.selfTestRule, device: device, severity: "general", category: "safety",
                                       title: "Self-test of \(device.id) overdue (\(last.map { "last \($0.prefix(10))" } ?? "none in \(lookedBack)")): inspect it",
                                       lifeSafety: false, autoResolvable: false, evidence: TicketEvidence(atMs: nowMs, values: values))
        finding.item = config.selfTestItem
        finding.titleZh = "\(device.id) 自检逾期，请上门检查"
        return finding
    }
}
