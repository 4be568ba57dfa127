import Foundation
import Testing

/// The dashboard in a real headless Chromium against a running gateway fed by the simulator:
/// a duty officer logs in with a token, sees an injected smoke alarm appear within 2 s with its
/// banner, acknowledges it on the page, and the API then reports it acknowledged by them.
/// Screenshots (desktop, and a 360 px phone in dark mode) are kept as test artifacts.
@Suite(.serialized) struct DashboardBrowserTests {
    /// Where screenshots go: `$GRIDWATCH_ARTIFACTS` (scripts/test sets `.artifacts/`), else the test's directory.
    static func artifact(_ name: String, fallback: String) -> String {
        let directory = ProcessInfo.processInfo.environment["GRIDWATCH_ARTIFACTS"] ?? fallback
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return directory + "/" + name
    }

    @Test func aDutyOfficerAcknowledgesASmokeAlarmOnThePage() throws {
        let directory = try TestPaths.temporaryDirectory("dashboard")
        let broker = try TestBroker(directory: directory)
        defer { broker.stop() }
        let config = try CommandLineTests.writeConfig(in: directory, extra: "http: {dashboard: \(TestPaths.repository)/dashboard}\nrules: {directory: \(TestPaths.repository)/config/rules}\n")
        let gateway = TestGateway(broker: broker, directory: directory, configPath: config)
        let token = try createToken(name: "duty-wang", role: "responder", config: config, directory: directory)
        try gateway.start()
        defer { _ = gateway.terminate() }
        // The community's ordinary traffic keeps flowing while the officer works.
        let simulator = try startSimulator(broker: broker, count: 200_000, rate: 200, clientID: "sim-dashboard", directory: directory)
        defer { simulator.stop(SIGKILL) }

        let browser = try HeadlessBrowser()
        defer { browser.close() }
        func failure(_ what: String) -> Comment { "\(what)\nconsole: \(browser.consoleMessages)\nchromium: \(browser.log.suffix(2000))" }
        try browser.navigate("http://127.0.0.1:\(gateway.httpPort)/")
        #expect(try browser.waitUntil("document.querySelector('#token') !== null"), failure("no login form"))
        try browser.type("#token", "gw_not-a-token")
        try browser.click("#login")
        #expect(try browser.waitUntil("(document.querySelector('#login-error')?.textContent || '').trim().length > 0"), failure("no message for a wrong token"))
        try browser.type("#token", token)
        try browser.click("#login")
        #expect(try browser.waitUntil("(document.querySelector('#whoami')?.textContent || '').includes('duty-wang')", timeoutSeconds: 10), failure("not logged in"))
        #expect(try browser.waitUntil("document.querySelector('#duty-list') !== null"), failure("no duty list"))
        // Let the event stream connect before the alarm, as on a duty-room screen left open.
        #expect(try browser.waitUntil("!(document.querySelector('#updated-at')?.classList.contains('stale'))", timeoutSeconds: 10), failure("stream not live"))

        // Timed from the publish's acknowledgement (not from starting mosquitto_pub), with room
        // for the parallel suites on two cores; bench/alert-latency measures the latency itself.
        #expect(try publishSmokeAlarm(broker: broker, directory: directory))
        let published = Date()
        let row = "#duty-list [data-severity='emergency'][data-state='open']"
        let appeared = try browser.waitUntil("document.querySelector(\"\(row)\") !== null", timeoutSeconds: 15)
        let seconds = Date().timeIntervalSince(published)
        print("dashboard: the smoke alarm appeared \(seconds) s after its publish")
        #expect(appeared && seconds < 5, failure("the smoke alarm took \(seconds) s to appear"))
        #expect(try browser.evaluate("!document.querySelector('#emergency-banner').hidden") as? Bool == true, failure("no emergency banner"))
        let ticketID = try #require(try browser.evaluate("document.querySelector(\"\(row)\").dataset.ticketId") as? String)
        try browser.screenshot(to: Self.artifact("dashboard-alarm.png", fallback: directory))
        // A duty screen reloaded in the middle of an emergency raises the banner again.
        try browser.navigate("http://127.0.0.1:\(gateway.httpPort)/")
        #expect(try browser.waitUntil("document.querySelector(\"\(row)\") !== null && !document.querySelector('#emergency-banner').hidden",
                                      timeoutSeconds: 10), failure("no banner after a reload"))

        try browser.click("#duty-list [data-ticket-id='\(ticketID)'] button[data-action='ack']")
        #expect(try browser.waitUntil("document.querySelector(\"#duty-list [data-ticket-id='\(ticketID)']\")?.dataset.state !== 'open'"),
                failure("the row did not change after acknowledging"))
        #expect(try browser.waitUntil("document.querySelector('#emergency-banner').hidden"), failure("the banner stayed up"))
        let api = APIClient(port: gateway.httpPort)
        let ticket = api.object("GET", "/api/v1/tickets/\(ticketID)", token: token).object
        #expect(ticket["state"] as? String == "acknowledged", "\(ticket)")
        let timeline = ticket["timeline"] as? [[String: Any]] ?? []
        #expect(timeline.contains { $0["actor"] as? String == "duty-wang" && $0["action"] as? String == "acknowledged" })

        // The ticket's page and a night-duty phone.
        try browser.setViewport(width: 360, height: 780, mobile: true)
        try browser.send("Emulation.setEmulatedMedia", ["features": [["name": "prefers-color-scheme", "value": "dark"]]])
        try browser.navigate("http://127.0.0.1:\(gateway.httpPort)/#/tickets/\(ticketID)")
        #expect(try browser.waitUntil("(document.querySelector('#ticket-h')?.textContent || '').includes('\(ticketID)')", timeoutSeconds: 10), failure("no ticket page"))
        try browser.screenshot(to: Self.artifact("dashboard-ticket-phone-dark.png", fallback: directory))
        let errors = browser.consoleMessages.filter { $0.kind == "exception" || $0.kind == "error" }
        #expect(errors.isEmpty, "the page logged errors: \(errors)")
    }
}
