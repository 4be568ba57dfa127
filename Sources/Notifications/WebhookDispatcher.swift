import Foundation
import Logging
import ServiceLifecycle
import Storage
import Synchronization

/// Delivers ticket events to the configured webhooks, durably: events are queued as rows
/// (`webhook_deliveries`) in the transaction that moves the `webhooks` cursor, then POSTed
/// with retries and backoff. Pending rows survive a restart; rows that run out of attempts
/// stay `failed` and visible (`gridwatch webhooks list`) until an operator retries them.
///
/// Runs as a service: a round every `pollIntervalSeconds`, and at once after `wake()`.
/// Only `run()` reads the clock; the rounds take `nowMs`, so tests drive them in any time.
public final class WebhookDispatcher: Service, Sendable {
    public let webhooks: [WebhookConfig]
    let byName: [String: WebhookConfig]
    let database: any GatewayStore
    let sender: WebhookSender
    let observer: (any WebhookObserver)?
    let logger: Logger
    let pollIntervalSeconds: Double
    /// Webhooks sent to at the same time; each webhook's own deliveries go one at a time,
    /// in event order.
    let maxConcurrentWebhooks: Int
    /// Jitter source, in 0..<1 (injected by tests that check the schedule).
    let unitRandom: @Sendable () -> Double
    /// Per webhook, no attempt before this time: after a failure the webhook's other
    /// deliveries wait too, so a receiver that is down gets one request per backoff step
    /// rather than one per queued event.
    let holdUntilMs = Mutex<[String: Int64]>([:])
    /// In cluster mode only the owner of the cluster's services sends (else each instance would).
    let isActive: @Sendable () -> Bool
    let wakeups: AsyncStream<Void>
    let wakeContinuation: AsyncStream<Void>.Continuation

    public init(database: any GatewayStore, webhooks: [WebhookConfig], logger: Logger, observer: (any WebhookObserver)? = nil,
                sender: WebhookSender = WebhookSender(), pollIntervalSeconds: Double = 1, maxConcurrentWebhooks: Int = 4,
                unitRandom: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
                isActive: @escaping @Sendable () -> Bool = { true }) {
        self.database = database
        self.isActive = isActive
        self.webhooks = webhooks
        byName = Dictionary(webhooks.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.logger = logger
        self.observer = observer
        self.sender = sender
        self.pollIntervalSeconds = pollIntervalSeconds
        self.maxConcurrentWebhooks = max(1, maxConcurrentWebhooks)
        self.unitRandom = unitRandom
        // One buffered wake-up is enough: a round handles everything committed before it.
        (wakeups, wakeContinuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Asks for a round now (call it after ticket events commit); cheap and never blocks.
    public func wake() { wakeContinuation.yield() }

    public func run() async throws {
        reportUnconfiguredWebhooks()
        let interval = Duration.milliseconds(Int64(pollIntervalSeconds * 1000))
        let continuation = wakeContinuation
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: interval)
                        continuation.yield()
                    }
                }
                await self.runRoundsWhileBusy()
                for await _ in self.wakeups {
                    if Task.isShuttingDownGracefully || Task.isCancelled { break }
                    await self.runRoundsWhileBusy()
                }
                group.cancelAll()
            }
        } onGracefulShutdown: {
            // In-flight attempts finish (each bounded by its timeout); what is left stays pending.
            continuation.finish()
        }
    }

    static func clockMs() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    /// Rounds back to back on the wall clock until one finds nothing to send: a backlog
    /// drains without waiting a poll interval per batch.
    func runRoundsWhileBusy() async {
        while !Task.isShuttingDownGracefully, !Task.isCancelled, isActive(), await runRound(nowMs: Self.clockMs()) > 0 {}
    }

    /// Pending rows of webhooks no longer in the configuration are kept, never deleted:
    /// say so, since nothing will send them until the webhook is configured again.
    func reportUnconfiguredWebhooks() {
        logger.info("webhooks configured", metadata: ["webhooks": "\(webhooks.map(\.name).joined(separator: ","))"])
        guard let counts = try? database.pendingWebhookDeliveryCounts() else { return }
        for (name, count) in counts.sorted(by: { $0.key < $1.key }) where byName[name] == nil {
            logger.warning("deliveries pending for a webhook that is no longer configured; kept (see gridwatch webhooks list)",
                           metadata: ["webhook": "\(name)", "pending": "\(count)"])
        }
    }
}

/// Receives the dispatcher's figures (the gateway's Prometheus metrics implement it), so
/// this target needs no metrics library of its own.
public protocol WebhookObserver: Sendable {
    /// One attempt of a delivery to `webhook` ended with `outcome`.
    func webhookAttempted(_ webhook: String, outcome: WebhookDelivery.Outcome)
    /// Deliveries still pending, over every webhook (configured or not).
    func webhookPending(_ count: Int)
}

extension WebhookDelivery.Outcome {
    /// `delivered`, `retry` or `failed`: the `outcome` label of the deliveries counter.
    public var label: String {
        switch self {
        case .delivered: "delivered"
        case .retry: "retry"
        case .failed: "failed"
        }
    }
}
