import Foundation
import Testing

/// The follow-up (回访) in a real headless Chromium: a resolved request shows in the queue, the
/// duty officer opens it and records the call; the API then shows the ticket closed with the
/// resident's scores, and a viewer sees the scores without the resident's words.
extension DashboardBrowserTests {
    @Test func aDutyOfficerRecordsAFollowUpFromTheQueue() throws {
        let directory = try TestPaths.temporaryDirectory("dashboard-follow-up")
        let broker = try TestBroker(directory: directory)
        defer { broker.stop() }
        let config = try CommandLineTests.writeConfig(in: directory, extra: "http: {dashboard: \(TestPaths.repository)/dashboard}\n"
            + "tickets: {catalogue: \(TestPaths.repository)/config/catalogue.yaml}\n")
        let gateway = TestGateway(broker: broker, directory: directory, configPath: config)
        let token = try createToken(name: "duty-chen", role: "responder", config: config, directory: directory)
        let viewer = try createToken(name: "screen", role: "viewer", config: config, directory: directory)
        try gateway.start()
        defer { _ = gateway.terminate() }
        let api = APIClient(port: gateway.httpPort)
        let created = api.object("POST", "/api/v1/tickets", token: token,
                                 body: #"{"item": "lock_repair", "community": "demo", "building": "b01", "unit": "0101", "text": "门锁卡住了"}"#)
        let id = try #require(created.object["id"] as? String, "\(created)")
        #expect(api.object("POST", "/api/v1/tickets/\(id)/resolve", token: token, body: #"{"note": "replaced the cylinder"}"#).status == 200)
        let queue = api.object("GET", "/api/v1/follow-ups", token: token).object
        #expect((queue["follow_ups"] as? [[String: Any]])?.map { $0["id"] as? String } == [id], "\(queue)")

        let browser = try HeadlessBrowser()
        defer { browser.close() }
        func failure(_ what: String) -> Comment { "\(what)\nconsole: \(browser.consoleMessages)\nchromium: \(browser.log.suffix(2000))" }
        try logIn(browser, port: gateway.httpPort, token: token, name: "duty-chen")
        try browser.click("#app-nav a[data-route='followups']")
        #expect(try browser.waitUntil("document.querySelector(\"#followups-list [data-ticket-id='\(id)'] a\") !== null", timeoutSeconds: 10),
                failure("the resolved ticket is not in the follow-up queue"))
        try browser.screenshot(to: Self.artifact("dashboard-follow-ups.png", fallback: directory))
        try browser.click("#followups-list [data-ticket-id='\(id)'] a")
        #expect(try browser.waitUntil("document.querySelector('form.action-follow_up') !== null", timeoutSeconds: 10), failure("no follow-up form"))
        _ = try browser.evaluate("""
            (() => { const set = (id, v) => { const el = document.getElementById(id); el.value = v; el.dispatchEvent(new Event('change', {bubbles: true})); };
              set('fu-satisfaction', '5'); set('fu-recommend', '9'); return true; })()
            """)
        try browser.type("#fu-comment", "师傅很快就到了")
        try browser.click("form.action-follow_up button[data-action='follow_up']")
        #expect(try browser.waitUntil("document.querySelector('.badge.state')?.dataset.state === 'closed'", timeoutSeconds: 10),
                failure("the ticket did not close after a satisfied follow-up"))
        try browser.screenshot(to: Self.artifact("dashboard-follow-up-done.png", fallback: directory))

        let ticket = api.object("GET", "/api/v1/tickets/\(id)", token: token).object
        let followUp = ticket["follow_up"] as? [String: Any] ?? [:]
        #expect(ticket["state"] as? String == "closed" && followUp["satisfaction"] as? Int == 5 && followUp["recommend"] as? Int == 9, "\(ticket)")
        #expect(followUp["by"] as? String == "duty-chen" && followUp["comment"] as? String == "师傅很快就到了")
        let seen = api.object("GET", "/api/v1/tickets/\(id)", token: viewer).object
        let seenFollowUp = seen["follow_up"] as? [String: Any] ?? [:]
        #expect(seenFollowUp["satisfaction"] as? Int == 5 && seenFollowUp["comment"] is NSNull && seen["redacted"] as? Bool == true, "\(seen)")
        #expect((api.object("GET", "/api/v1/follow-ups", token: token).object["follow_ups"] as? [Any])?.isEmpty == true)
        let errors = browser.consoleMessages.filter { $0.kind == "exception" || $0.kind == "error" }
        #expect(errors.isEmpty, "the page logged errors: \(errors)")
    }
}
