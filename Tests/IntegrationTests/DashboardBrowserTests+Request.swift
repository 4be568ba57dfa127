import Foundation
import Testing

/// The duty officer's request form in a real headless Chromium: a responder logs a resident's
/// visit with an item picked from the catalogue, in Chinese, and it becomes a ticket through the
/// same path as an app's request (source `visit`); a missing unit is refused on the page and an
/// unknown unit by the gateway, and a viewer is not offered the form.
extension DashboardBrowserTests {
    @Test func aDutyOfficerLogsAVisitThroughTheRequestForm() throws {
        let directory = try TestPaths.temporaryDirectory("dashboard-request")
        let broker = try TestBroker(directory: directory)
        defer { broker.stop() }
        let config = try CommandLineTests.writeConfig(in: directory, extra: """
            http: {dashboard: \(TestPaths.repository)/dashboard}
            tickets: {catalogue: \(TestPaths.repository)/config/catalogue.yaml}

            """)
        let gateway = TestGateway(broker: broker, directory: directory, configPath: config)
        let token = try createToken(name: "duty-zhao", role: "responder", config: config, directory: directory)
        let viewer = try createToken(name: "screen-2", role: "viewer", config: config, directory: directory)
        try gateway.start()
        defer { _ = gateway.terminate() }

        let browser = try HeadlessBrowser()
        defer { browser.close() }
        func failure(_ what: String) -> Comment { "\(what)\nconsole: \(browser.consoleMessages)\nchromium: \(browser.log.suffix(2000))" }
        try logIn(browser, port: gateway.httpPort, token: token, name: "duty-zhao")
        #expect(try browser.waitUntil("!document.querySelector('#log-request').hidden"), failure("no link to the form for a responder"))
        try browser.click("#lang")
        try browser.click("#log-request")
        #expect(try browser.waitUntil("document.querySelectorAll('#request-item option').length > 10", timeoutSeconds: 10),
                failure("the catalogue did not fill the item list"))
        #expect(try browser.evaluate("document.querySelector('#request-h').textContent") as? String == "登记居民诉求", failure("not in Chinese"))
        #expect(try browser.evaluate("document.querySelector('#request-item').textContent.includes('上门探访')") as? Bool == true,
                failure("the items are not titled in Chinese"))

        try browser.type("#request-item", "home_visit")
        try browser.click("#request-form input[value='visit']")
        try browser.type("#request-building", "b01")
        try browser.click("#request-submit")
        #expect(try browser.waitUntil("(document.querySelector('#request-error')?.textContent || '').includes('房号')"), failure("no message for the missing unit"))
        try browser.type("#request-unit", "9999")
        try browser.click("#request-submit")
        #expect(try browser.waitUntil("(document.querySelector('#request-error')?.textContent || '').includes('9999')", timeoutSeconds: 10),
                failure("the gateway's refusal of an unknown unit is not shown"))
        try browser.type("#request-unit", "0101")
        try browser.type("#request-text", "老人希望社工本周上门")
        try browser.click("#request-submit")
        #expect(try browser.waitUntil("(document.querySelector('#request-result')?.textContent || '').includes('T-')", timeoutSeconds: 10),
                failure("no ticket for the logged visit"))
        try browser.screenshot(to: Self.artifact("dashboard-request.png", fallback: directory))
        let ticketID = try #require(try browser.evaluate("document.querySelector('#request-result a').getAttribute('href').split('/').pop()") as? String)
        let ticket = APIClient(port: gateway.httpPort).object("GET", "/api/v1/tickets/\(ticketID)", token: token).object
        #expect(ticket["source"] as? String == "visit" && ticket["item"] as? String == "home_visit" && ticket["unit"] as? String == "0101", "\(ticket)")
        #expect((ticket["request_id"] as? String)?.hasPrefix("visit-") == true && ticket["request"] as? String == "老人希望社工本周上门", "\(ticket)")
        #expect(try gateway.database().rejections(reason: "unknown_unit").count == 1, "the refused unit is kept in rejected")
        let errors = browser.consoleMessages.filter { $0.kind == "exception" }
        #expect(errors.isEmpty, "the page threw: \(errors)")

        // A viewer has no form to open.
        try browser.click("#logout")
        try logIn(browser, port: gateway.httpPort, token: viewer, name: "screen-2")
        #expect(try browser.waitUntil("document.querySelector('#log-request').hidden"), failure("the form is offered to a viewer"))
    }
}
