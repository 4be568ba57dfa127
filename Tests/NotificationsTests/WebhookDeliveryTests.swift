import Foundation
import Gateway
import Logging
import Notifications
import ServiceLifecycle
import Storage
import Testing

/// Delivery end to end against a real HTTP receiver on loopback: retries with backoff until
/// a 2xx, failures kept and retryable, order kept per webhook, restart survival, filters,
/// and webhooks removed from the configuration. Rounds run on a clock the test sets, except
/// where the service loop itself is under test.
@Suite struct WebhookDeliveryTests {
    static func dispatcher(_ database: GatewayDatabase, _ webhooks: [WebhookConfig], observer: (any WebhookObserver)? = nil,
                           pollIntervalSeconds: Double = 1) -> WebhookDispatcher {
        WebhookDispatcher(database: database, webhooks: webhooks, logger: WebhookFixtures.quietLogger, observer: observer,
                          pollIntervalSeconds: pollIntervalSeconds, unitRandom: { 0.5 })
    }

    @Test func failsTwiceThenDeliversOnTheThirdAttemptWithBackoff() async throws {
        let receiver = try await TestReceiver(script: [500, 500], fallback: 200)
        defer { receiver.stop() }
        let database = try GatewayDatabase(path: WebhookFixtures.temporaryDatabasePath())
        let observer = CountingObserver()
        let dispatcher = Self.dispatcher(database, [WebhookFixtures.webhook("ops", url: receiver.url, secret: "k3y")], observer: observer)
        let event = try #require(try database.appendTicketEventsForTesting([WebhookFixtures.event()]).first)

        let startMs: Int64 = 1_795_000_000_000
        #expect(await dispatcher.runRound(nowMs: startMs) == 1)
        var row = try #require(try database.webhookDeliveries().first)
        #expect(row.state == .pending && row.attempts == 1 && row.lastStatus == 500 && row.lastError == "HTTP 500")
        let first = try #require(row.nextAttemptAtMs)
        #expect((startMs + 50...startMs + 200).contains(first))
        #expect(await dispatcher.runRound(nowMs: first - 1) == 0, "not before its time")
        #expect(await dispatcher.runRound(nowMs: first) == 1)
        row = try #require(try database.webhookDelivery(id: row.id))
        let second = try #require(row.nextAttemptAtMs)
        #expect(row.attempts == 2 && second - first > first - startMs, "the wait doubles")
        #expect(await dispatcher.runRound(nowMs: second) == 1)
        row = try #require(try database.webhookDelivery(id: row.id))
        #expect(row.state == .delivered && row.attempts == 3 && row.lastStatus == 200 && row.deliveredAtMs == second && row.nextAttemptAtMs == nil)

        let received = receiver.received
        #expect(received.count == 3)
        #expect(Set(received.map { $0.headers["x-gridwatch-delivery"] }) == [String(row.id)], "retries keep the delivery id")
        for request in received {
            #expect(request.body == Array(event.body.utf8))
            let timestamp = try #require(request.headers["x-gridwatch-timestamp"])
            #expect(request.headers["x-gridwatch-signature"]
                == "sha256=" + WebhookSignature.hmacSHA256Hex(key: Array("k3y".utf8), message: Array((timestamp + ".").utf8) + request.body))
            #expect(request.headers["content-type"] == "application/json" && request.headers["x-gridwatch-event"] == "ticket_opened")
        }
        #expect(observer.count("ops", "retry") == 2 && observer.count("ops", "delivered") == 1)
        #expect(observer.pending.withLock { $0 } == 0)
    }

    @Test func aRestartDoesNotLetALaterEventOvertakeOneWaitingForItsRetry() async throws {
        let receiver = try await TestReceiver(script: [500], fallback: 200)
        defer { receiver.stop() }
        let database = try GatewayDatabase(path: WebhookFixtures.temporaryDatabasePath())
        let webhooks = [WebhookFixtures.webhook("ops", url: receiver.url)]
        _ = try database.appendTicketEventsForTesting([WebhookFixtures.event(ticket: "T-000001"), WebhookFixtures.event(ticket: "T-000002")])
        let startMs: Int64 = 1_795_000_000_000
        #expect(await Self.dispatcher(database, webhooks).runRound(nowMs: startMs) == 1, "the first fails; the second waits behind it")
        let retryAtMs = try #require(try database.webhookDeliveries().first { $0.ticketID == "T-000001" }?.nextAttemptAtMs)
        // A new dispatcher, as after a restart: no hold in memory, only the rows.
        let restarted = Self.dispatcher(database, webhooks)
        #expect(await restarted.runRound(nowMs: retryAtMs - 1) == 0, "T-000002 must not go before T-000001")
        #expect(await restarted.runRound(nowMs: retryAtMs) == 2)
        #expect(receiver.received.map { String(decoding: $0.body, as: UTF8.self).contains("T-000002") } == [false, false, true])
    }

    @Test func aReceiverThatAlwaysFailsLeavesTheDeliveryFailedVisibleAndRetryable() async throws {
        let receiver = try await TestReceiver(fallback: 503)
        defer { receiver.stop() }
        let database = try GatewayDatabase(path: WebhookFixtures.temporaryDatabasePath())
        let metrics = GatewayMetrics()
        let dispatcher = Self.dispatcher(database, [WebhookFixtures.webhook("ops", url: receiver.url, maxAttempts: 3)], observer: metrics)
        try database.appendTicketEventsForTesting([WebhookFixtures.event()])
        var nowMs: Int64 = 1_795_000_000_000
        for _ in 0..<10 {
            await dispatcher.runRound(nowMs: nowMs)
            guard let row = try database.webhookDeliveries().first, let next = row.nextAttemptAtMs else { break }
            nowMs = next
        }
        let failed = try database.webhookDeliveries(state: .failed)
        #expect(failed.count == 1 && failed.first?.attempts == 3 && failed.first?.lastStatus == 503 && failed.first?.lastError == "HTTP 503")
        #expect(receiver.received.count == 3)
        #expect(try database.webhookDeliveries(state: .pending).isEmpty)
        let text = metrics.render()
        #expect(text.contains(#"gridwatch_webhook_deliveries_total{webhook="ops",outcome="failed"} 1"#), "\(text)")
        #expect(text.contains(#"gridwatch_webhook_deliveries_total{webhook="ops",outcome="retry"} 2"#), "\(text)")

        // The operator's retry: pending again with fresh attempts, then delivered.
        #expect(try database.retryFailedWebhookDeliveries(id: nil, nowMs: nowMs + 1) == 1)
        let again = try #require(try database.webhookDeliveries().first)
        #expect(again.state == .pending && again.attempts == 0 && again.lastError == "HTTP 503")
        receiver.answer(200)
        #expect(await dispatcher.runRound(nowMs: nowMs + 10_000) == 1)
        #expect(try database.webhookDeliveries(state: .delivered).count == 1)
        #expect(metrics.render().contains("gridwatch_webhook_pending 0"))
    }

    @Test func aDownReceiverGetsOneRequestPerStepDelaysNoOtherAndOrderIsKept() async throws {
        let down = try await TestReceiver(fallback: 500)
        let healthy = try await TestReceiver()
        defer { down.stop(); healthy.stop() }
        let database = try GatewayDatabase(path: WebhookFixtures.temporaryDatabasePath())
        let webhooks = [WebhookFixtures.webhook("down", url: down.url), WebhookFixtures.webhook("healthy", url: healthy.url)]
        let dispatcher = Self.dispatcher(database, webhooks)
        try database.appendTicketEventsForTesting((1...3).map { WebhookFixtures.event(ticket: "T-00000\($0)") })
        let startMs: Int64 = 1_795_000_000_000
        #expect(await dispatcher.runRound(nowMs: startMs) == 4, "one failure holds the down webhook's other deliveries; the healthy one gets all 3")
        #expect(await dispatcher.runRound(nowMs: startMs + 10) == 0)
        #expect(healthy.received.count == 3 && down.received.count == 1)
        down.answer(200)
        #expect(await dispatcher.runRound(nowMs: startMs + 1000) == 3)
        let tickets = ["T-000001", "T-000002", "T-000003"]
        let sent = down.received.dropFirst().map { request in tickets.first { String(decoding: request.body, as: UTF8.self).contains($0) } }
        #expect(sent == tickets, "the failed one first: event order per webhook")
    }

    @Test func chatRobotRefusalIn200IsRetriedAndAConnectionErrorToo() async throws {
        let receiver = try await TestReceiver(fallback: 200, responseBody: #"{"errcode":45009,"errmsg":"api freq out of limit"}"#)
        defer { receiver.stop() }
        let database = try GatewayDatabase(path: WebhookFixtures.temporaryDatabasePath())
        // AsyncHTTPClient retries a refused connection until the request's deadline, then
        // reports the last connection error (or the deadline, on a machine too busy to try).
        var closed = WebhookFixtures.webhook("closed", url: "http://127.0.0.1:9/hook")
        closed.timeoutSeconds = 1
        let dispatcher = Self.dispatcher(database, [WebhookFixtures.webhook("robot", url: receiver.url), closed])
        try database.appendTicketEventsForTesting([WebhookFixtures.event()])
        #expect(await dispatcher.runRound(nowMs: 1_795_000_000_000) == 2)
        let rows = Dictionary(uniqueKeysWithValues: try database.webhookDeliveries().map { ($0.webhook, $0) })
        #expect(rows["robot"]?.state == .pending && rows["robot"]?.lastStatus == 200)
        #expect(rows["robot"]?.lastError == "HTTP 200 but errcode 45009: api freq out of limit")
        #expect(rows["closed"]?.state == .pending && rows["closed"]?.lastStatus == nil)
        let error = rows["closed"]?.lastError ?? ""
        #expect(error.contains("refused") || error.contains("timeout"), "\(error)")
    }
}
