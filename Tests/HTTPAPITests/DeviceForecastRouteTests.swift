import Foundation
import Hummingbird
import HummingbirdTesting
@testable import HTTPAPI
import Maintenance
import Storage
import Testing

/// The maintenance round's battery forecast in the device list and on the device: null until
/// one is stored, then its fields with times in the API's zone.
@Suite struct DeviceForecastRouteTests {
    @Test func theForecastShowsInTheListAndOnTheDevice() async throws {
        let (router, viewer, _, store) = try APIRouteTests.router()
        let app = Application(router: router)
        let auth: HTTPFields = [.authorization: "Bearer \(viewer)"]
        try await app.test(.router) { client in
            try await client.execute(uri: "/api/v1/devices", method: .get, headers: auth) { response in
                let devices = APIRouteTests.json(response.body)["devices"] as? [[String: Any]] ?? []
                #expect(devices.count == 1 && devices.first?["battery_forecast"] is NSNull, "\(devices)")
            }
            let forecast = BatteryForecast(state: .forecast, computedAtMs: APIRouteTests.nowMs, samples: 240, levelPercent: 31.26, drainPerDay: 1.234,
                                           runOutAtMs: APIRouteTests.nowMs + 22 * 86_400_000, replacedAtMs: nil, failurePercent: 5)
            try store.saveBatteryForecasts(["door-b01-0101": forecast])
            for uri in ["/api/v1/devices", "/api/v1/devices/door-b01-0101"] {
                try await client.execute(uri: uri, method: .get, headers: auth) { response in
                    let body = APIRouteTests.json(response.body)
                    let device = (body["devices"] as? [[String: Any]])?.first ?? body
                    let shown = device["battery_forecast"] as? [String: Any] ?? [:]
                    #expect(shown["state"] as? String == "forecast" && shown["level"] as? Double == 31.3 && shown["drain_per_day"] as? Double == 1.23,
                            "\(shown)")
                    #expect(shown["run_out_at"] as? String == "2026-03-24T10:00:00+08:00" && shown["samples"] as? Int == 240
                            && shown["replaced_at"] is NSNull, "\(shown)")
                }
            }
        }
    }
}
