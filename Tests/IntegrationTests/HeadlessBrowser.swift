#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// One console call or uncaught exception of the page, kept so a failing test can print them.
struct ConsoleMessage: Sendable, CustomStringConvertible {
    /// `log`, `warning`, `error`, … from `Runtime.consoleAPICalled`, or `exception` for `Runtime.exceptionThrown`.
    var kind: String
    var text: String
    var description: String { "[\(kind)] \(text)" }
}

/// A headless Chromium driven through the DevTools protocol over `--remote-debugging-pipe`
/// (commands on the child's fd 3, responses on its fd 4), attached to one page by a flattened
/// session. Synchronous and not thread-safe: one test drives it at a time.
final class HeadlessBrowser {
    let pid: pid_t
    /// Profile and log; removed by `close()`.
    let directory: String
    private let commandFD: Int32
    private let inbox = CDPInbox()
    private var sessionID: String?
    private var lastCommandID = 0
    private var isClosed = false
    private var logAtClose: String?

    init(executable: String = "/usr/bin/chromium", windowWidth: Int = 1280, windowHeight: Int = 900) throws {
        // Writing to the pipe of a browser that died would kill the whole test runner with
        // SIGPIPE; ignored, write() fails with EPIPE and the test gets an error instead.
        signal(SIGPIPE, SIG_IGN)
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("headless-chromium-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let child: (pid: pid_t, commandFD: Int32, responseFD: Int32)
        do {
            child = try spawnWithPipes(executable, arguments: [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--no-default-browser-check", "--user-data-dir=\(directory)/profile", "--remote-debugging-pipe",
                "--window-size=\(windowWidth),\(windowHeight)", "about:blank",
            ], environment: ["XDG_CONFIG_HOME": directory], logPath: directory + "/chromium.log")
        } catch {
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
        pid = child.pid
        commandFD = child.commandFD
        let reader = Thread { [inbox] in readMessages(from: child.responseFD, into: inbox) }
        reader.name = "chromium-cdp-reader"
        reader.start()
        do {
            // The first command also waits for start-up, which is slow on a busy machine.
            let target = try send("Target.createTarget", ["url": "about:blank"], session: false, timeoutSeconds: 60)
            guard let targetID = target["targetId"] as? String else { throw TestFailure("Target.createTarget: no targetId in \(target)") }
            let attached = try send("Target.attachToTarget", ["targetId": targetID, "flatten": true], session: false)
            guard let session = attached["sessionId"] as? String else { throw TestFailure("Target.attachToTarget: no sessionId in \(attached)") }
            sessionID = session
            try send("Page.enable")
            try send("Runtime.enable")
        } catch {
            close()
            throw error
        }
    }

    deinit { close() }

    /// Chromium's stdout and stderr, for failure messages.
    var log: String { logAtClose ?? (try? String(contentsOfFile: directory + "/chromium.log", encoding: .utf8)) ?? "" }

    /// Console output and uncaught exceptions of the page so far, oldest first.
    var consoleMessages: [ConsoleMessage] { inbox.consoleMessages }

    /// Sends one command and waits for its result; `session: false` addresses the browser rather than the page.
    @discardableResult
    func send(_ method: String, _ params: [String: Any] = [:], session: Bool = true, timeoutSeconds: Double = 10) throws -> [String: Any] {
        guard !isClosed else { throw TestFailure("\(method): the browser is closed") }
        lastCommandID += 1
        let id = lastCommandID
        var message: [String: Any] = ["id": id, "method": method, "params": params]
        if session {
            guard let sessionID else { throw TestFailure("\(method): no page session yet") }
            message["sessionId"] = sessionID
        }
        var bytes = try JSONSerialization.data(withJSONObject: message)
        bytes.append(0)
        try writeAll(bytes, method: method)
        guard let response = inbox.response(to: id, deadline: Date() + timeoutSeconds) else {
            throw TestFailure(inbox.isFinished ? "\(method): the browser exited; log:\n\(log)" : "\(method): no response within \(timeoutSeconds) s")
        }
        if let error = response["error"] as? [String: Any] {
            throw TestFailure("\(method) failed: \(error["message"] ?? error) \(error["data"] ?? "")")
        }
        return response["result"] as? [String: Any] ?? [:]
    }

    /// Loads `url` and returns after its `load` event.
    func navigate(_ url: String, timeoutSeconds: Double = 30) throws {
        // Counted before sending: the event may arrive before the command's response.
        let loadsBefore = inbox.loadEventCount
        let result = try send("Page.navigate", ["url": url], timeoutSeconds: timeoutSeconds)
        if let errorText = result["errorText"] as? String { throw TestFailure("navigate to \(url): \(errorText)") }
        // A same-document navigation (only the #fragment changes) has no loader and no load event.
        guard result["loaderId"] != nil else { return }
        guard inbox.waitForLoadEvent(after: loadsBefore, deadline: Date() + timeoutSeconds) else {
            throw TestFailure("navigate to \(url): no load event within \(timeoutSeconds) s")
        }
    }

    /// The JSON value of `expression` (a returned promise is awaited); nil for `undefined` and `null`.
    @discardableResult
    func evaluate(_ expression: String, timeoutSeconds: Double = 10) throws -> Any? {
        let result = try send("Runtime.evaluate", ["expression": expression, "returnByValue": true, "awaitPromise": true], timeoutSeconds: timeoutSeconds)
        if let details = result["exceptionDetails"] as? [String: Any] {
            throw TestFailure("JavaScript threw \(exceptionText(details))\nwhile evaluating: \(expression)")
        }
        let value = (result["result"] as? [String: Any])?["value"]
        return value is NSNull ? nil : value
    }

    /// Polls `expression` every 100 ms until it is truthy; false on timeout. A throwing expression
    /// counts as not yet true, so `document.querySelector('#late').textContent` may be polled before
    /// the element exists.
    func waitUntil(_ expression: String, timeoutSeconds: Double = 10) throws -> Bool {
        let deadline = Date() + timeoutSeconds
        repeat {
            let remainingSeconds = max(1, deadline.timeIntervalSinceNow)
            if (try? evaluate("Boolean(\(expression))", timeoutSeconds: remainingSeconds)) as? Bool == true { return true }
            guard !inbox.isFinished else { throw TestFailure("the browser exited while waiting for \(expression); log:\n\(log)") }
            usleep(100_000)
        } while Date() < deadline
        return false
    }

    /// Clicks the first element matching the CSS `selector`.
    func click(_ selector: String) throws {
        try onElement(selector, action: "click", "element.click();")
    }

    /// Focuses the element matching `selector` and presses `key` ("Enter", " ", "Escape", "Tab") as a
    /// keyboard does: key events through Chromium's input pipeline, not a synthetic DOM event, so
    /// what a keyboard user can reach and trigger is what the test reaches and triggers.
    func press(_ key: String, on selector: String) throws {
        let keys: [String: (code: String, keyCode: Int, text: String?)] = [
            "Enter": ("Enter", 13, "\r"), " ": ("Space", 32, " "), "Escape": ("Escape", 27, nil), "Tab": ("Tab", 9, nil),
        ]
        guard let info = keys[key] else { throw TestFailure("press: no key code for \(key)") }
        try onElement(selector, action: "press \(key) on", "element.focus();")
        var down: [String: Any] = ["type": "keyDown", "key": key, "code": info.code, "windowsVirtualKeyCode": info.keyCode]
        if let text = info.text { down["text"] = text }
        try send("Input.dispatchKeyEvent", down)
        try send("Input.dispatchKeyEvent", ["type": "keyUp", "key": key, "code": info.code, "windowsVirtualKeyCode": info.keyCode])
    }

    /// Replaces the value of the input matching `selector` with `text`, then fires `input` and `change`.
    func type(_ selector: String, _ text: String) throws {
        // Through the prototype's setter, as real typing does: React and similar frameworks keep
        // the last value on the element itself and ignore an `input` event that did not change it.
        try onElement(selector, action: "type into", """
            element.focus();
            const setter = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(element), 'value')?.set;
            if (setter) { setter.call(element, \(javaScriptLiteral(text))); } else { element.value = \(javaScriptLiteral(text)); }
            element.dispatchEvent(new Event('input', { bubbles: true }));
            element.dispatchEvent(new Event('change', { bubbles: true }));
            """)
    }

    /// Emulates a screen of `width` × `height` CSS pixels. With `mobile`, the page's
    /// `<meta name="viewport">` decides `innerWidth`; without one Chromium lays out 980 px wide.
    func setViewport(width: Int, height: Int, mobile: Bool = false) throws {
        try send("Emulation.setDeviceMetricsOverride", ["width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile])
    }

    /// Writes a PNG of the viewport to `path`.
    func screenshot(to path: String) throws {
        let result = try send("Page.captureScreenshot", ["format": "png"], timeoutSeconds: 30)
        guard let base64 = result["data"] as? String, let png = Data(base64Encoded: base64) else {
            throw TestFailure("Page.captureScreenshot: no image data")
        }
        try png.write(to: URL(fileURLWithPath: path))
    }

    /// Ends the browser and every process it started, and removes its directory. Safe to call twice.
    func close() {
        guard !isClosed else { return }
        _ = try? send("Browser.close", session: false, timeoutSeconds: 2)
        isClosed = true
        let deadline = Date() + 3
        while !hasExited(pid), Date() < deadline { usleep(20_000) }
        // The leader is unreaped (a zombie at worst), so its PID and group ID cannot have been
        // reused: the group kill reaches only renderer, GPU and crashpad processes it left behind.
        kill(-pid, SIGKILL)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        // SIGKILL takes a moment, and crashpad handlers escape the group kill by starting their own
        // session (they exit once the browser is gone); wait so no test sees one after close().
        let leftoverDeadline = Date() + 3
        var leftovers = leftoverProcesses(group: pid, directory: directory)
        while !leftovers.isEmpty, Date() < leftoverDeadline {
            leftovers.forEach { kill($0, SIGKILL) }
            usleep(20_000)
            leftovers = leftoverProcesses(group: pid, directory: directory)
        }
        Glibc.close(commandFD)
        logAtClose = log
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func onElement(_ selector: String, action: String, _ body: String) throws {
        let found = try evaluate("""
            (() => {
              const element = document.querySelector(\(javaScriptLiteral(selector)));
              if (!element) return false;
              \(body)
              return true;
            })()
            """)
        guard found as? Bool == true else { throw TestFailure("cannot \(action) \(selector): no element matches") }
    }

    private func writeAll(_ bytes: Data, method: String) throws {
        try bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = write(commandFD, raw.baseAddress! + offset, raw.count - offset)
                if written < 0, errno == EINTR { continue }
                guard written > 0 else { throw TestFailure("\(method): cannot write to the browser: \(String(cString: strerror(errno))); log:\n\(log)") }
                offset += written
            }
        }
    }
}

/// `text` as a JavaScript string literal (JSON strings are valid JavaScript).
func javaScriptLiteral(_ text: String) -> String {
    let json = (try? JSONSerialization.data(withJSONObject: text, options: .fragmentsAllowed)) ?? Data("\"\"".utf8)
    return String(decoding: json, as: UTF8.self)
}
