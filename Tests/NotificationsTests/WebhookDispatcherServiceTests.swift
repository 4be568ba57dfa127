import Foundation
import Logging
import Notifications
import ServiceLifecycle
import Storage
import Testing

/// The dispatcher as the gateway runs it: a service woken after commits, whose pending
/// deliveries outlive it; which events go where; rows of removed webhooks are kept.
@Suite struct WebhookDispatcherServiceTests {
    @Test func wakeDeliversAtOnceAndGracefulShutdownStops() async throws {
        let receiver = try await TestReceiver()
        defer { receiver.stop() }
        let database = try GatewayDatabase(path: WebhookFixtures.temporaryDatabasePath())
        // A poll far longer than the test: only wake() can explain a quick delivery.
        let observer = CountingObserver()
        let dispatcher = WebhookDeliveryTests.dispatcher(database, [WebhookFixtures.webhook("ops", url: receiver.url)], observer: observer,
                                                         pollIntervalSeconds: 600)
        let group = ServiceGroup(configuration: .init(services: [dispatcher], logger: WebhookFixtures.quietLogger))
        let running = Task { try await group.run() }
        // The service's first round has run (it reports the pending count): what follows can only be wake()'s.
        #expect(try await WebhookFixtures.eventually { observer.pending.withLock { $0 } >= 0 })
        try database.appendTicketEventsForTesting([WebhookFixtures.event()])
        dispatcher.wake()
        #expect(try await WebhookFixtures.eventually { try database.webhookDeliveries(state: .delivered).count == 1 })
        await group.triggerGracefulShutdown()
        try await running.value
    }

    @Test func pendingDeliveriesSurviveARestart() async throws {
        let receiver = try await TestReceiver(fallback: 500)
        defer { receiver.stop() }
        let path = WebhookFixtures.temporaryDatabasePath()
        let webhook = WebhookFixtures.webhook("ops", url: receiver.url)
        do {
            let database = try GatewayDatabase(path: path)
            let first = WebhookDeliveryTests.dispatcher(database, [webhook], pollIntervalSeconds: 0.05)
            let running = Task { try await first.run() }
            try database.appendTicketEventsForTesting([WebhookFixtures.event(ticket: "T-000001")])
            first.wake()
            #expect(try await WebhookFixtures.eventually { try database.webhookDeliveries().first?.attempts ?? 0 >= 1 })
            running.cancel()
            try? await running.value
            // Committed while no dispatcher runs: the cursor still points before it.
            try database.appendTicketEventsForTesting([WebhookFixtures.event(ticket: "T-000002")])
        }
        receiver.answer(200)
        let database = try GatewayDatabase(path: path)
        #expect(try database.webhookDeliveries(state: .pending).count == 1)
        let second = WebhookDeliveryTests.dispatcher(database, [webhook], pollIntervalSeconds: 0.05)
        let running = Task { try await second.run() }
        defer { running.cancel() }
        #expect(try await WebhookFixtures.eventually { try database.webhookDeliveries(state: .delivered).count == 2 })
        let tickets = Set(receiver.received.compactMap { String(decoding: $0.body, as: UTF8.self).contains("T-000002") ? "T-000002" : "T-000001" })
        #expect(tickets == ["T-000001", "T-000002"])
    }

    @Test func eventsGoOnlyWhereTheirNameAndSeverityAreWanted() throws {
        let database = try GatewayDatabase(path: WebhookFixtures.temporaryDatabasePath())
        var everything = WebhookFixtures.webhook("everything", url: "http://127.0.0.1:9/hook")
        everything.events = nil
        let standard = WebhookFixtures.webhook("standard", url: "http://127.0.0.1:9/hook")
        var emergencies = WebhookFixtures.webhook("emergencies", url: "http://127.0.0.1:9/hook")
        emergencies.severities = ["emergency"]
        var acks = WebhookFixtures.webhook("acks", url: "http://127.0.0.1:9/hook")
        acks.events = ["ticket_acknowledged"]
        let dispatcher = WebhookDeliveryTests.dispatcher(database, [everything, standard, emergencies, acks])
        try database.appendTicketEventsForTesting([
            WebhookFixtures.event("ticket_opened", severity: "emergency"), WebhookFixtures.event("ticket_updated", severity: "emergency"),
            WebhookFixtures.event("ticket_acknowledged", severity: "general"), WebhookFixtures.event("ticket_commented", severity: "general"),
        ])
        #expect(try dispatcher.enqueueNewEvents(nowMs: 1) == 4)
        #expect(try dispatcher.enqueueNewEvents(nowMs: 2) == 0, "the cursor moved with the rows")
        var routed: [String: [String]] = [:]
        for row in try database.webhookDeliveries().reversed() { routed[row.webhook, default: []].append(row.event) }
        #expect(routed["everything"] == ["ticket_opened", "ticket_updated", "ticket_acknowledged", "ticket_commented"])
        #expect(routed["standard"] == ["ticket_opened", "ticket_acknowledged"])
        #expect(routed["emergencies"] == ["ticket_opened"])
        #expect(routed["acks"] == ["ticket_acknowledged"])
    }

    @Test func deliveriesOfARemovedWebhookStayPending() async throws {
        let receiver = try await TestReceiver()
        defer { receiver.stop() }
        let database = try GatewayDatabase(path: WebhookFixtures.temporaryDatabasePath())
        let kept = WebhookFixtures.webhook("kept", url: receiver.url)
        let before = WebhookDeliveryTests.dispatcher(database, [WebhookFixtures.webhook("removed", url: receiver.url), kept])
        try database.appendTicketEventsForTesting([WebhookFixtures.event()])
        try before.enqueueNewEvents(nowMs: 1)
        let observer = CountingObserver()
        let after = WebhookDeliveryTests.dispatcher(database, [kept], observer: observer)
        #expect(await after.runRound(nowMs: 1_000) == 1)
        #expect(try database.pendingWebhookDeliveryCounts() == ["removed": 1])
        #expect(try database.webhookDeliveries(state: .pending).first?.attempts == 0)
        #expect(observer.pending.withLock { $0 } == 1, "the gauge counts them")
    }

    @Test func aFreshDatabaseSendsFromTheFirstEvent() throws {
        let database = try GatewayDatabase(path: WebhookFixtures.temporaryDatabasePath())
        // A fresh database: the cursor starts at 0, so the first event is sent.
        #expect(try database.outboxCursor(GatewayDatabase.webhookCursor) == 0)
    }
}
