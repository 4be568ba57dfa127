import ArgumentParser
import Devices
import Formats
import Foundation
import Gateway
import Storage

/// `gridwatch webhooks list|retry`: what the webhook outbox holds (pending, delivered, and
/// failed deliveries, which are kept until retried) and putting failed ones back in line.
struct WebhooksCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "webhooks", abstract: "Webhook deliveries of ticket events: list and retry.",
                                                    subcommands: [List.self, Retry.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List webhook deliveries, newest first.")
        @OptionGroup var store: StoreOptions
        @Option(help: "Only this state: pending, failed or delivered.") var state: WebhookDelivery.State?
        @Option(help: "At most this many.") var limit: Int = 200
        @Option(help: "text or json.") var format: OutputFormat = .text

        func run() throws {
            let database = try store.openDatabase()
            let deliveries = try database.webhookDeliveries(state: state, limit: limit)
            // Without a readable configuration, whether a webhook is still configured is unknown.
            let configured = (try? store.loadConfig()).map { Set($0.webhooks.map(\.name)) }
            switch format {
            case .json:
                print(JSONValue.array(deliveries.map { Self.json($0, configured: configured) }).jsonText)
            case .text:
                if deliveries.isEmpty { print("no webhook deliveries") }
                for delivery in deliveries { print(Self.row(delivery, configured: configured)) }
                let pending = try database.pendingWebhookDeliveryCounts()
                let orphaned = pending.filter { configured?.contains($0.key) == false }
                if !orphaned.isEmpty {
                    let names = orphaned.keys.sorted().map { "\($0) (\(orphaned[$0] ?? 0))" }.joined(separator: ", ")
                    print("pending for webhooks no longer configured, kept until configured again: \(names)")
                }
            }
        }

        static func json(_ delivery: WebhookDelivery, configured: Set<String>?) -> JSONValue {
            var object: [String: JSONValue] = [
                "id": .int(delivery.id), "webhook": .string(delivery.webhook), "event": .string(delivery.event),
                "event_seq": .int(delivery.eventSeq), "ticket_id": .string(delivery.ticketID), "state": .string(delivery.state.rawValue),
                "attempts": .int(Int64(delivery.attempts)), "next_attempt_at": TimeText.format(milliseconds: delivery.nextAttemptAtMs),
                "last_error": delivery.lastError.map { .string($0) } ?? .null, "last_status": delivery.lastStatus.map { .int(Int64($0)) } ?? .null,
                "created_at": TimeText.format(milliseconds: delivery.createdAtMs), "delivered_at": TimeText.format(milliseconds: delivery.deliveredAtMs),
            ]
            if let configured { object["configured"] = .bool(configured.contains(delivery.webhook)) }
            return .object(object)
        }

        static func row(_ delivery: WebhookDelivery, configured: Set<String>?) -> String {
            let when = switch delivery.state {
            case .pending: "next " + TimeText.text(milliseconds: delivery.nextAttemptAtMs)
            case .delivered: "at " + TimeText.text(milliseconds: delivery.deliveredAtMs)
            case .failed: "since " + TimeText.text(milliseconds: delivery.createdAtMs)
            }
            let webhook = configured?.contains(delivery.webhook) == false ? delivery.webhook + " (not configured)" : delivery.webhook
            let last = delivery.lastError.map { "\tlast: \($0)" } ?? ""
            return "\(delivery.id)\t\(webhook)\t\(delivery.event)\t\(delivery.ticketID)\t\(delivery.state.rawValue)\t"
                + "\(delivery.attempts) attempt\(delivery.attempts == 1 ? "" : "s")\t\(when)\(last)"
        }
    }

    struct Retry: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Put failed deliveries back in line (the running gateway sends them within a second).")
        @OptionGroup var store: StoreOptions
        @Argument(help: "Delivery id (from `gridwatch webhooks list`).") var id: Int64?
        @Flag(help: "Every failed delivery.") var allFailed = false

        func validate() throws {
            if (id == nil) == !allFailed { throw ValidationError("give a delivery id or --all-failed") }
        }

        func run() throws {
            let database = try store.openDatabase()
            let nowMs = Int64(Date().timeIntervalSince1970 * 1000)
            if let id {
                guard let delivery = try database.webhookDelivery(id: id) else { throw CommandFailure("no webhook delivery \(id)") }
                guard delivery.state == .failed else { throw CommandFailure("delivery \(id) is \(delivery.state.rawValue); only failed deliveries are retried") }
                try database.retryFailedWebhookDeliveries(id: id, nowMs: nowMs)
                print("delivery \(id) to \(delivery.webhook) is pending again")
            } else {
                let count = try database.retryFailedWebhookDeliveries(id: nil, nowMs: nowMs)
                print("\(count) failed deliver\(count == 1 ? "y is" : "ies are") pending again")
            }
        }
    }
}

extension WebhookDelivery.State: ExpressibleByArgument {}
