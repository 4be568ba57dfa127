import Logging
import Storage

/// The dispatcher's rounds: queue new events, then attempt what is due. Every decision takes
/// `nowMs`, so the same code runs on the wall clock and on a test's clock.
extension WebhookDispatcher {
    /// Events consumed per transaction while queueing.
    static let enqueueBatch = 500
    /// Due deliveries of one webhook looked at per round (the service runs rounds back to
    /// back while they find work).
    static let dueBatch = 100

    /// One round: queues new events and attempts every due delivery; returns the attempts made.
    @discardableResult
    public func runRound(nowMs: Int64) async -> Int {
        var attempted = 0
        do {
            try enqueueNewEvents(nowMs: nowMs)
            attempted = await deliverDue(nowMs: nowMs)
        } catch {
            logger.error("webhook round failed; retried next round", metadata: ["error": "\(error)"])
        }
        if let observer, let pending = try? database.pendingWebhookDeliveryCounts() {
            observer.webhookPending(pending.values.reduce(0, +))
        }
        return attempted
    }

    /// Turns the events after the `webhooks` cursor into pending deliveries (one per
    /// matching webhook); returns how many events were consumed.
    @discardableResult
    public func enqueueNewEvents(nowMs: Int64) throws -> Int {
        // A read first: most rounds find nothing new, and an idle write transaction every
        // second would still contend with ingest for SQLite's single writer.
        let cursor = try database.outboxCursor(GatewayDatabase.webhookCursor) ?? 0
        guard try database.latestTicketEventSeq() > cursor else { return 0 }
        let webhooks = self.webhooks
        var consumed = 0
        while true {
            let count = try database.enqueueWebhookDeliveries(nowMs: nowMs, limit: Self.enqueueBatch) { event in
                webhooks.filter { $0.wants(event: event.event, severity: event.severity) }.map(\.name)
            }
            consumed += count
            if count < Self.enqueueBatch { return consumed }
        }
    }

    /// Attempts the deliveries due at `nowMs`: webhooks in parallel (a few at most), each
    /// webhook's deliveries in event order, stopping at its first failure. Returns the attempts made.
    public func deliverDue(nowMs: Int64) async -> Int {
        var queues: [(WebhookConfig, [DueWebhookDelivery])] = []
        // Read per webhook, leaving out those on hold: one webhook's backlog, or one that is
        // down, must never keep another's deliveries out of the round.
        for webhook in readyWebhooks(nowMs: nowMs) {
            do {
                let due = try database.dueWebhookDeliveries(nowMs: nowMs, webhooks: [webhook.name], limit: Self.dueBatch)
                if !due.isEmpty { queues.append((webhook, due)) }
            } catch {
                logger.error("cannot read due webhook deliveries", metadata: ["webhook": "\(webhook.name)", "error": "\(error)"])
            }
        }
        return await withTaskGroup(of: Int.self) { group in
            var running = 0
            var attempted = 0
            for (webhook, queue) in queues {
                if running == maxConcurrentWebhooks, let done = await group.next() {
                    attempted += done
                    running -= 1
                }
                group.addTask { await self.deliverInOrder(queue, to: webhook, nowMs: nowMs) }
                running += 1
            }
            for await done in group { attempted += done }
            return attempted
        }
    }

    /// The webhooks not on hold at `nowMs` (a failure holds a webhook until its next attempt).
    func readyWebhooks(nowMs: Int64) -> [WebhookConfig] {
        let holds = holdUntilMs.withLock { $0 }
        return webhooks.filter { (holds[$0.name] ?? .min) <= nowMs }
    }

    func deliverInOrder(_ queue: [DueWebhookDelivery], to webhook: WebhookConfig, nowMs: Int64) async -> Int {
        var attempted = 0
        for item in queue {
            let outcome = await attempt(item, to: webhook, nowMs: nowMs)
            attempted += 1
            switch outcome {
            case .delivered:
                holdUntilMs.withLock { _ = $0.removeValue(forKey: webhook.name) }
            case let .retry(nextAttemptAtMs, _, _):
                holdUntilMs.withLock { $0[webhook.name] = nextAttemptAtMs }
                return attempted
            case .failed:
                let delayMs = webhook.backoff.delayMs(afterAttempts: item.delivery.attempts + 1, unitRandom: unitRandom())
                holdUntilMs.withLock { $0[webhook.name] = nowMs + delayMs }
                return attempted
            }
        }
        return attempted
    }

    /// Makes one attempt and records it; the log never carries the payload (tickets hold
    /// personal data) nor the URL (a robot's URL holds its key).
    func attempt(_ item: DueWebhookDelivery, to webhook: WebhookConfig, nowMs: Int64) async -> WebhookDelivery.Outcome {
        let delivery = item.delivery
        let result: WebhookAttemptResult
        if let event = item.event {
            let request = WebhookRequest.make(webhook: webhook, deliveryID: delivery.id, event: event, nowMs: nowMs)
            result = await sender.send(request, timeoutSeconds: webhook.timeoutSeconds)
        } else {
            result = WebhookAttemptResult(status: nil, error: "event \(delivery.eventSeq) is no longer stored")
        }
        let outcome = Self.decide(result, attempts: delivery.attempts + 1, webhook: webhook, nowMs: nowMs, unitRandom: unitRandom())
        do {
            try database.recordWebhookAttempt(id: delivery.id, outcome: outcome, nowMs: nowMs)
        } catch {
            logger.error("cannot record a webhook attempt", metadata: ["webhook": "\(webhook.name)", "delivery": "\(delivery.id)", "error": "\(error)"])
        }
        observer?.webhookAttempted(webhook.name, outcome: outcome)
        let metadata: Logger.Metadata = ["webhook": "\(webhook.name)", "delivery": "\(delivery.id)", "event": "\(delivery.event)",
                                         "status": "\(result.status.map(String.init) ?? "none")", "attempt": "\(delivery.attempts + 1)/\(webhook.maxAttempts)",
                                         "error": "\(result.error ?? "")"]
        switch outcome {
        case .delivered: logger.debug("webhook delivered", metadata: metadata)
        case .retry: logger.warning("webhook delivery failed; will retry", metadata: metadata)
        case .failed: logger.error("webhook delivery failed for good; kept as failed (gridwatch webhooks retry)", metadata: metadata)
        }
        return outcome
    }

    /// Delivered on success; otherwise retried after the backoff, or failed once
    /// `attempts` (this one included) reaches the webhook's maximum.
    public static func decide(_ result: WebhookAttemptResult, attempts: Int, webhook: WebhookConfig, nowMs: Int64,
                              unitRandom: Double) -> WebhookDelivery.Outcome {
        if result.delivered { return .delivered(status: result.status ?? 200) }
        let error = result.error ?? "failed"
        if attempts >= webhook.maxAttempts { return .failed(error: error, status: result.status) }
        let next = webhook.backoff.nextAttemptAtMs(afterAttempts: attempts, nowMs: nowMs, unitRandom: unitRandom)
        return .retry(nextAttemptAtMs: next, error: error, status: result.status)
    }
}
