import Foundation
import Testing

/// The map in a real headless Chromium against a running gateway fed by the simulator: the site
/// plan shows the demo community's buildings, an injected smoke alarm appears as a marker that
/// a keyboard selects, the detail shows the gateway's own dispatch reason, the responder's
/// positions draw the trajectory up to arrival, the heat layer tints buildings, and the page
/// switches to Chinese with the selection kept. Screenshots are kept as test artifacts.
extension DashboardBrowserTests {
    @Test func aDutyOfficerSeesWhoWasSentOnTheMap() throws {
        let directory = try TestPaths.temporaryDirectory("dashboard-map")
        let broker = try TestBroker(directory: directory)
        defer { broker.stop() }
        let config = try Self.mapConfig(in: directory)
        let gateway = TestGateway(broker: broker, directory: directory, configPath: config)
        let token = try createToken(name: "duty-li", role: "responder", config: config, directory: directory)
        try gateway.start()
        defer { _ = gateway.terminate() }
        let simulator = try startSimulator(broker: broker, count: 200_000, rate: 100, clientID: "sim-map", directory: directory)
        defer { simulator.stop(SIGKILL) }

        let browser = try HeadlessBrowser()
        defer { browser.close() }
        func failure(_ what: String) -> Comment { "\(what)\nconsole: \(browser.consoleMessages)\nchromium: \(browser.log.suffix(2000))" }
        try logIn(browser, port: gateway.httpPort, token: token, name: "duty-li")
        let api = APIClient(port: gateway.httpPort)
        let site = api.object("GET", "/api/v1/site?community=demo", token: token).object
        let placed = (site["buildings"] as? [[String: Any]] ?? []).filter { $0["lat"] is Double }.count
        #expect(placed >= 2, "the demo site has \(placed) placed buildings: \(site)")
        try browser.navigate("http://127.0.0.1:\(gateway.httpPort)/#/map")
        #expect(try browser.waitUntil("document.querySelectorAll('#site-plan .building').length === \(placed)", timeoutSeconds: 10),
                failure("the plan does not show the \(placed) buildings of the site"))
        #expect(try browser.waitUntil("document.querySelectorAll('#site-plan .grid').length >= 1"), failure("no grid areas"))
        #expect(try browser.waitUntil("document.querySelectorAll('#site-plan [data-staff-id]').length >= 1"), failure("no staff on the plan"))
        #expect(try projectionKeepsDistances(browser), failure("the plan's scale disagrees with great-circle distances"))

        #expect(try publishSmokeAlarm(broker: broker, directory: directory))
        let marker = "#site-plan .tk-marker.sev-emergency"
        #expect(try browser.waitUntil("document.querySelector('\(marker)') !== null", timeoutSeconds: 10), failure("no marker for the smoke alarm"))
        let ticketID = try #require(try browser.evaluate("document.querySelector('\(marker)').dataset.ticketId") as? String)
        let ticket = api.object("GET", "/api/v1/tickets/\(ticketID)", token: token).object
        let dispatch = try #require(ticket["dispatch"] as? [String: Any], "the ticket has no dispatch: \(ticket)")
        let reason = try #require(dispatch["reason"] as? String)

        // Selected with the keyboard, as an officer tabbing through the plan does.
        try browser.press("Enter", on: "#site-plan [data-ticket-id='\(ticketID)']")
        #expect(try browser.waitUntil("document.querySelector('#map-detail .dispatch-reason')?.textContent === \(javaScriptLiteral(reason))"),
                failure("the detail does not show the dispatch reason '\(reason)'"))
        #expect(try browser.evaluate("document.querySelector(\"#site-plan [data-ticket-id='\(ticketID)']\").getAttribute('aria-pressed')") as? String == "true")
        #expect(try browser.evaluate("document.querySelector(\"#map-list [data-ticket-id='\(ticketID)'] button\").getAttribute('aria-pressed')") as? String == "true",
                failure("the list beside the plan does not mirror the selection"))
        #expect(try browser.evaluate("document.activeElement?.dataset?.ticketId") as? String == ticketID, failure("selecting moved the focus"))
        let resources = (dispatch["resources"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
        for resource in resources {
            #expect(try browser.evaluate("document.querySelector('#map-detail').textContent.includes(\(javaScriptLiteral(resource)))") as? Bool == true,
                    failure("resource \(resource) is not listed"))
        }

        // The responder walks over: the trajectory is drawn, and arrival is shown when the event comes.
        if let assignee = dispatch["assignee"] as? String, let location = ticket["location"] as? [String: Any],
           let lat = location["latitude"] as? Double, let lon = location["longitude"] as? Double {
            #expect(try publishStaffLocation(broker: broker, staff: assignee, lat: lat + 0.0008, lon: lon, directory: directory))
            #expect(try publishStaffLocation(broker: broker, staff: assignee, lat: lat, lon: lon + 0.00005, directory: directory))
            #expect(try browser.waitUntil("document.querySelector('#site-plan .traj-end') !== null", timeoutSeconds: 15),
                    failure("no trajectory up to arrival"))
        } else {
            Issue.record("nobody was dispatched to \(ticketID): \(dispatch)")
        }

        try browser.click("[data-heat='7']")
        #expect(try browser.waitUntil("document.querySelectorAll('#site-plan .heat-disc').length >= 1", timeoutSeconds: 10), failure("no heat on the plan"))

        // The responder's live position (on the ticket) replaces their base on the plan.
        #expect(try browser.waitUntil("document.querySelector('#site-plan .staff.assigned.live') !== null", timeoutSeconds: 10),
                failure("the assignee is not shown at their live position"))

        try browser.click("#lang")
        #expect(try browser.waitUntil("document.querySelector('#map-h')?.textContent.startsWith('社区地图')"), failure("the map did not switch to Chinese"))
        // Tall enough for the whole plan, its legend and the detail beside it.
        try browser.setViewport(width: 1280, height: 1250)
        #expect(try browser.evaluate("document.querySelector('#map-detail .dispatch-reason')?.textContent") as? String == reason, failure("the selection was lost"))
        try browser.screenshot(to: Self.artifact("dashboard-map.png", fallback: directory))
        try browser.send("Emulation.setEmulatedMedia", ["features": [["name": "prefers-color-scheme", "value": "dark"]]])
        try browser.click("#lang")
        #expect(try browser.waitUntil("document.querySelector('#map-h')?.textContent.startsWith('Site map')"))
        try browser.screenshot(to: Self.artifact("dashboard-map-dark.png", fallback: directory))
        // The detail's link opens the ticket page, which shows the same decision.
        try browser.click("#map-detail .map-ticket-link")
        #expect(try browser.waitUntil("document.querySelector('#view-ticket .dispatch-reason')?.textContent === \(javaScriptLiteral(reason))", timeoutSeconds: 10),
                failure("the ticket page does not show the dispatch reason"))
        let errors = browser.consoleMessages.filter { $0.kind == "exception" || $0.kind == "error" }
        #expect(errors.isEmpty, "the page logged errors: \(errors)")
    }

    /// A viewer may not see where people are: no staff on the plan and no trajectory, each with
    /// the reason, while tickets still show (at their building: a viewer's tickets carry no position).
    @Test func aViewerSeesTheMapWithoutPositions() throws {
        let directory = try TestPaths.temporaryDirectory("dashboard-map-viewer")
        let broker = try TestBroker(directory: directory)
        defer { broker.stop() }
        let config = try Self.mapConfig(in: directory)
        let gateway = TestGateway(broker: broker, directory: directory, configPath: config)
        let token = try createToken(name: "screen-hall", role: "viewer", config: config, directory: directory)
        try gateway.start()
        defer { _ = gateway.terminate() }
        let browser = try HeadlessBrowser()
        defer { browser.close() }
        func failure(_ what: String) -> Comment { "\(what)\nconsole: \(browser.consoleMessages)" }
        try logIn(browser, port: gateway.httpPort, token: token, name: "screen-hall")
        #expect(try publishSmokeAlarm(broker: broker, directory: directory))
        try browser.navigate("http://127.0.0.1:\(gateway.httpPort)/#/map")
        let marker = "#site-plan .tk-marker.sev-emergency.approx"
        #expect(try browser.waitUntil("document.querySelector('\(marker)') !== null", timeoutSeconds: 10), failure("no marker at the building"))
        #expect(try browser.waitUntil("/personal data/.test(document.querySelector('#map-staff-note')?.textContent)"), failure("no reason for the missing staff"))
        #expect(try browser.evaluate("document.querySelectorAll('#site-plan [data-staff-id]').length") as? Int == 0, failure("a viewer sees staff positions"))
        try browser.press(" ", on: marker)
        #expect(try browser.waitUntil("/personal data/.test(document.querySelector('#map-trajectory')?.textContent)"), failure("no reason for the missing trajectory"))
        let errors = browser.consoleMessages.filter { $0.kind == "exception" || $0.kind == "error" }
        // The trajectory's 403 is the expected answer for a viewer; nothing else may fail.
        #expect(errors.allSatisfy { $0.text.contains("403") }, "the page logged errors: \(errors)")
    }

    /// The gateway's configuration for the map: the dashboard, the shipped rules, roster and service
    /// resources; no shifts, so everyone on the roster is on duty (DESIGN's default).
    static func mapConfig(in directory: String) throws -> String {
        let repository = TestPaths.repository
        return try CommandLineTests.writeConfig(in: directory, extra: """
            http: {dashboard: \(repository)/dashboard}
            rules: {directory: \(repository)/config/rules}
            staff: {roster: \(repository)/config/staff/roster.csv}
            dispatch: {resources: \(repository)/config/resources.csv}

            """)
    }

    func logIn(_ browser: HeadlessBrowser, port: Int, token: String, name: String) throws {
        try browser.navigate("http://127.0.0.1:\(port)/")
        #expect(try browser.waitUntil("document.querySelector('#token') !== null"), "no login form")
        try browser.type("#token", token)
        try browser.click("#login")
        #expect(try browser.waitUntil("(document.querySelector('#whoami')?.textContent || '').includes('\(name)')", timeoutSeconds: 10), "not logged in")
    }

    /// Two buildings' distance on the plan, through the page's own projection and scale, against the
    /// haversine distance of their positions: within 1 % (cos-latitude scaling done right).
    func projectionKeepsDistances(_ browser: HeadlessBrowser) throws -> Bool {
        try browser.evaluate("""
            (async () => {
              const geo = await import('./assets/geo.js');
              const token = sessionStorage.getItem('gridwatch.token') || localStorage.getItem('gridwatch.token');
              const site = await (await fetch('api/v1/site?community=demo', { headers: { Authorization: 'Bearer ' + token } })).json();
              const placed = (site.buildings || []).filter(b => typeof b.lat === 'number');
              if (placed.length < 2 || !site.bounds) return false;
              const [a, b] = [placed[0], placed[placed.length - 1]];
              const proj = geo.makeProjection(site.bounds);
              const [ax, ay] = proj.xy(a.lat, a.lon), [bx, by] = proj.xy(b.lat, b.lon);
              const planMetres = Math.hypot(bx - ax, by - ay) / proj.unitsPerMetre;
              const rad = d => d * Math.PI / 180, R = 6371008.8;
              const h = Math.sin(rad(b.lat - a.lat) / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(rad(b.lon - a.lon) / 2) ** 2;
              const sphereMetres = 2 * R * Math.asin(Math.sqrt(h));
              return sphereMetres > 50 && Math.abs(planMetres - sphereMetres) / sphereMetres < 0.01;
            })()
            """) as? Bool == true
    }
}
