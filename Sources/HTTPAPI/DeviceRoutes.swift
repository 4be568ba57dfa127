import Devices
import Formats
import Foundation
import Hummingbird
import Maintenance
import Storage
import Tickets

/// `/api/v1/devices`: every device with its health (heard from in time, battery), the open
/// tickets it has, and the health rate per type against the standard's 85 %.
struct DeviceRoutes {
    /// Below this battery percentage a device is listed as low (the shipped rules' `battery_low`).
    static let lowBatteryPercent = 20.0

    let environment: APIEnvironment

    func add(to group: RouterGroup<APIRequestContext>) {
        group.get("devices") { request, context in try await environment.blocking { try list(request, context) } }
        group.get("devices/:id") { _, context in try await environment.blocking { try show(context) } }
    }

    func list(_ request: Request, _ context: APIRequestContext) throws -> Response {
        let caller = try context.require(.viewer)
        let health = APIResponse.query(request, "health")
        if let health, !["ok", "offline", "never_seen", "low_battery"].contains(health) {
            throw APIError(.badRequest, "unknown health '\(health)' (ok, offline, never_seen, low_battery)")
        }
        let all = try rows(caller: caller)
        var byType: [String: (devices: Int, healthy: Int)] = [:]
        for row in all {
            byType[row.type, default: (0, 0)].devices += 1
            if row.health == "ok" { byType[row.type, default: (0, 0)].healthy += 1 }
        }
        let shown = all.filter { row in
            (APIResponse.query(request, "type").map { $0 == row.type } ?? true)
                && (APIResponse.query(request, "community").map { $0 == row.community } ?? true)
                && (APIResponse.query(request, "building").map { $0 == row.building } ?? true)
                && (APIResponse.query(request, "grid").map { $0 == row.grid } ?? true)
                && (health.map { $0 == "low_battery" ? row.lowBattery : $0 == row.health } ?? true)
        }
        let rates: [JSONValue] = byType.keys.sorted().map { type in
            let counts = byType[type]!
            return .object(["type": .string(type), "devices": .int(Int64(counts.devices)), "healthy": .int(Int64(counts.healthy)),
                            "rate": .double(Double(counts.healthy) / Double(max(1, counts.devices))), "target": .double(SLAReport.deviceHealthTarget)])
        }
        return APIResponse.json(.object(["now": environment.time(environment.nowMs()), "devices": .array(shown.map(\.json)), "health_by_type": .array(rates)]))
    }

    func show(_ context: APIRequestContext) throws -> Response {
        let caller = try context.require(.viewer)
        let id = try context.parameters.require("id")
        guard var row = try rows(caller: caller, only: id).first, case var .object(object) = row.json else {
            throw APIError(.notFound, "no device \(id)")
        }
        if let reading = row.latest, case let .object(values)? = try? JSONParser.parse(Array(reading.payload.utf8)) {
            var shown = values
            if !caller.seesPersonalData {
                let filtered = PersonalDataFilter(catalog: environment.catalog).values(values, type: row.type)
                shown = filtered.values
                if filtered.redacted { object["redacted"] = .bool(true) }
            }
            object["latest"] = .object(["at": environment.time(reading.receivedAtMs), "values": .object(shown)])
        }
        let view = try TicketView(environment: environment, caller: caller, devices: [id])
        let tickets = try environment.database.tickets(TicketFilter(states: Set(Ticket.State.allCases.filter(\.isActive)), device: id))
        object["tickets"] = .array(tickets.map { view.json($0) })
        row.latest = nil
        return APIResponse.json(.object(object))
    }

    /// One device's line in the list.
    struct Row {
        var type: String
        var community: String
        var building: String
        var grid: String
        var health: String
        var lowBattery: Bool
        var latest: StoredReading?
        var json: JSONValue
    }

    /// The maintenance round's latest forecast (`battery_forecast`): numbers rounded for reading.
    func forecastJSON(_ forecast: BatteryForecast) -> JSONValue {
        func rounded(_ value: Double?, _ places: Double) -> JSONValue { value.map { .double(($0 * places).rounded() / places) } ?? .null }
        return .object([
            "state": .string(forecast.state.rawValue), "computed_at": environment.time(forecast.computedAtMs),
            "level": rounded(forecast.levelPercent, 10), "drain_per_day": rounded(forecast.drainPerDay, 100),
            "run_out_at": forecast.runOutAtMs.map(environment.time) ?? .null, "samples": .int(Int64(forecast.samples)),
            "replaced_at": forecast.replacedAtMs.map(environment.time) ?? .null, "failure_level": .double(forecast.failurePercent),
        ])
    }

    func rows(caller: APICaller, only id: String? = nil) throws -> [Row] {
        let database = environment.database
        let now = environment.nowMs()
        let open = try database.activeTicketsByDevice()
        let latest = try database.latestReadings(device: id, nowMs: now)
        let forecasts = try database.batteryForecasts(device: id)
        let devices = try id.map { try database.device(id: $0).map { [$0] } ?? [] } ?? database.devices()
        return devices.map { stored in
            let device = stored.device
            let status = DeviceReportingStatus(id: device.id, type: device.type, lastSeenMs: stored.lastSeenAtMs,
                                               expectedIntervalMs: GatewayDatabase.expectedIntervalMs(device.type, catalog: environment.catalog))
            let health = stored.lastSeenAtMs == nil ? "never_seen" : status.isHealthy(at: now) ? "ok" : "offline"
            let reading = latest[device.id]
            var battery: Double?
            if let reading, case let .object(values)? = try? JSONParser.parse(Array(reading.payload.utf8)) { battery = values["battery"]?.number }
            let low = battery.map { $0 < Self.lowBatteryPercent } ?? false
            var object: [String: JSONValue] = [
                "id": .string(device.id), "type": .string(device.type), "community": .string(device.community),
                "building": .string(device.building), "unit": .string(device.unit), "grid": .string(device.grid),
                "lat": device.latitude.map { .double($0) } ?? .null, "lon": device.longitude.map { .double($0) } ?? .null,
                "last_seen_at": stored.lastSeenAtMs.map(environment.time) ?? .null, "health": .string(health),
                "battery": battery.map { .double($0) } ?? .null, "low_battery": .bool(low),
                "availability": stored.availability.map { .string($0) } ?? .null, "open_tickets": .int(Int64(open[device.id] ?? 0)),
                "battery_forecast": forecasts[device.id].map(forecastJSON) ?? .null,
            ]
            if caller.seesPersonalData, !device.resident.isEmpty { object["resident"] = .string(device.resident) }
            return Row(type: device.type, community: device.community, building: device.building, grid: device.grid, health: health, lowBattery: low,
                       latest: reading, json: .object(object))
        }
    }
}
