import Devices
import Formats
import Foundation
import Hummingbird
import Logging
import Notifications
import Storage
import Synchronization

/// A real HTTP receiver on a free loopback port: answers each POST with the next scripted
/// status (then `fallback`), and keeps what it received for the test to check.
final class TestReceiver: Sendable {
    /// One request as it arrived: headers by lower-case name, and the body bytes.
    struct Received: Sendable {
        var headers: [String: String]
        var body: [UInt8]
    }

    private let state: Mutex<(script: [Int], fallback: Int, received: [Received])>
    let responseBody: String
    let task: Task<Void, any Error>
    let port: Int

    /// Starts listening; `script` statuses are answered first, then `fallback` for ever.
    init(script: [Int] = [], fallback: Int = 200, responseBody: String = "{\"ok\":true}") async throws {
        state = Mutex((script, fallback, []))
        self.responseBody = responseBody
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let router = Router()
        let box = Box()
        router.post("hook") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            let status = box.receiver?.record(request.headers, Array(body.readableBytesView)) ?? 500
            return Response(status: .init(code: status), headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: ByteBuffer(string: box.receiver?.responseBody ?? "")))
        }
        var logger = Logger(label: "test-receiver")
        logger.logLevel = .critical
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { channel in portContinuation.yield(channel.localAddress?.port ?? 0) }, logger: logger)
        let task = Task { try await app.runService() }
        var iterator = ports.makeAsyncIterator()
        port = await iterator.next() ?? 0
        self.task = task
        box.set(self)
    }

    var url: String { "http://127.0.0.1:\(port)/hook" }
    var received: [Received] { state.withLock { $0.received } }

    /// Answers from now on with `status`.
    func answer(_ status: Int) { state.withLock { $0.script = []; $0.fallback = status } }

    func record(_ headers: HTTPFields, _ body: [UInt8]) -> Int {
        var names: [String: String] = [:]
        for field in headers { names[field.name.canonicalName] = field.value }
        return state.withLock { state in
            state.received.append(Received(headers: names, body: body))
            return state.script.isEmpty ? state.fallback : state.script.removeFirst()
        }
    }

    func stop() { task.cancel() }
}

/// Lets the route reach its receiver, made after the router it is given to.
final class Box: Sendable {
    private let cell = Mutex<TestReceiver?>(nil)
    var receiver: TestReceiver? { cell.withLock { $0 } }
    func set(_ receiver: TestReceiver) { cell.withLock { $0 = receiver } }
}

/// Counts what the dispatcher reports, as the Prometheus metrics would.
final class CountingObserver: WebhookObserver {
    let counts = Mutex<[String: Int]>([:])
    let pending = Mutex<Int>(-1)
    func webhookAttempted(_ webhook: String, outcome: WebhookDelivery.Outcome) { counts.withLock { $0["\(webhook)|\(outcome.label)", default: 0] += 1 } }
    func webhookPending(_ count: Int) { pending.withLock { $0 = count } }
    func count(_ webhook: String, _ outcome: String) -> Int { counts.withLock { $0["\(webhook)|\(outcome)"] ?? 0 } }
}

enum WebhookFixtures {
    static func temporaryDatabasePath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("gw-webhooks-\(UUID().uuidString).db").path
    }

    /// A ticket event as the gateway stores it (docs/design.md §1.5 ticket object, trimmed).
    static func event(_ name: String = "ticket_opened", ticket: String = "T-000001", severity: String = "emergency", title: String = "Smoke alarm",
                      atMs: Int64 = 1_795_000_000_000) -> StoredTicketEvent {
        let body = JSONValue.object([
            "event": .string(name), "at": .string(RFC3339.format(milliseconds: atMs)), "ticket_id": .string(ticket), "actor": .string("gridwatch"),
            "ticket": .object(["id": .string(ticket), "title": .string(title), "severity": .string(severity), "state": .string("open"),
                               "respond_by": .string(RFC3339.format(milliseconds: atMs + 1_800_000)),
                               "location": .object(["community": .string("demo"), "building": .string("B01"), "unit": .string("0101")])]),
        ])
        return StoredTicketEvent(seq: 0, atMs: atMs, event: name, ticketID: ticket, community: "demo", severity: severity, body: body.jsonText)
    }

    static func webhook(_ name: String, url: String, maxAttempts: Int = 10, secret: String? = nil) -> WebhookConfig {
        var webhook = WebhookConfig(name: name, url: url)
        webhook.maxAttempts = maxAttempts
        webhook.backoffMinSeconds = 0.05
        webhook.backoffMaxSeconds = 0.2
        // Generous: with the whole suite running on two cores an answer can take seconds, and a
        // timeout would count as a failed attempt. No test waits for this timeout to expire.
        webhook.timeoutSeconds = 30
        webhook.secret = secret.map(WebhookSecret.init)
        return webhook
    }

    static var quietLogger: Logger {
        var logger = Logger(label: "webhooks-test")
        logger.logLevel = .critical
        return logger
    }

    /// Waits until `condition` holds, checking every 20 ms; false after `timeoutSeconds`.
    static func eventually(timeoutSeconds: Double = 30, _ condition: () throws -> Bool) async throws -> Bool {
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        while Date() < deadline {
            if try condition() { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return try condition()
    }
}
