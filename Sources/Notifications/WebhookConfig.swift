import Foundation
import Tickets

/// One configured webhook (`notifications.webhooks[]`): where ticket events go, which of
/// them, how they are shaped and signed, and how hard delivery is retried.
public struct WebhookConfig: Sendable {
    /// Names the webhook in the database, the metrics and the logs (never the URL: a chat
    /// robot's URL carries its key).
    public var name: String
    public var url: String
    /// Event names to send; nil sends every event.
    public var events: Set<String>? = WebhookConfig.defaultEvents
    /// Severity tiers to send; nil sends every tier.
    public var severities: Set<String>?
    /// HMAC-SHA256 key; nil sends no signature.
    public var secret: WebhookSecret?
    /// Shapes the body; nil sends the event JSON exactly as stored.
    public var template: PayloadTemplate?
    public var timeoutSeconds = 5.0
    /// Attempts before a delivery is marked `failed` (an operator can retry it).
    public var maxAttempts = 10
    public var backoffMinSeconds = 2.0
    public var backoffMaxSeconds = 600.0
    /// Extra request headers (a chat platform's token header, say).
    public var headers: [String: String] = [:]
    /// The readers' language (`zh` or `en`): a template's `{{ticket.title}}` is the ticket's
    /// title in it. Chinese first: the duty staff of a Chinese centre read Chinese.
    public var language = "zh"

    public init(name: String, url: String) {
        self.name = name
        self.url = url
    }

    /// What a duty officer must hear about: a new emergency, its warnings and transfer, and
    /// that someone took it or it ended.
    public static let defaultEvents: Set<String> = ["ticket_opened", "ticket_warned", "ticket_transferred", "ticket_acknowledged", "ticket_resolved"]

    /// Events about no ticket: a finished period's reports (`report_published`).
    public static let reportEvents: [String] = ["report_published"]

    /// Every event name (docs/api.md "Live events"): the ticket desk's, then the reports'.
    public static let knownEvents: [String] = TicketAction.eventNames + reportEvents

    /// Whether an event of this name and tier goes to this webhook. An event about no ticket
    /// has no tier (an empty severity): `severities` does not filter it out.
    public func wants(event: String, severity: String) -> Bool {
        (events?.contains(event) ?? true) && (severity.isEmpty || (severities?.contains(severity) ?? true))
    }

    /// Backoff in milliseconds, as the retry schedule takes it.
    public var backoff: WebhookBackoff {
        WebhookBackoff(minMs: Int64(backoffMinSeconds * 1000), maxMs: Int64(backoffMaxSeconds * 1000))
    }
}

/// An HMAC key that never shows up in a log line or a `print` of the configuration.
public struct WebhookSecret: Sendable, CustomStringConvertible {
    public let bytes: [UInt8]

    public init(_ text: String) { bytes = Array(text.utf8) }

    public var description: String { "<secret>" }
}

/// When a failed delivery is tried again: exponential from `minMs`, capped at `maxMs`, with
/// jitter so that a receiver coming back is not hit by every queued delivery at once.
public struct WebhookBackoff: Sendable, Hashable {
    public var minMs: Int64
    public var maxMs: Int64

    public init(minMs: Int64, maxMs: Int64) {
        self.minMs = max(1, minMs)
        self.maxMs = max(self.minMs, maxMs)
    }

    /// The wait after the `attempts`-th failed attempt (1 for the first). `unitRandom` in
    /// 0..<1 picks within the upper half of the exponential step ("equal jitter"), so the
    /// wait never drops below half the step nor below `minMs`.
    public func delayMs(afterAttempts attempts: Int, unitRandom: Double) -> Int64 {
        var step = minMs
        // Doubled one step at a time and stopped at the cap: a shift could overflow.
        for _ in 0..<max(attempts - 1, 0) where step < maxMs { step = min(maxMs, step * 2) }
        let half = step / 2
        let jittered = half + Int64(Double(step - half) * min(max(unitRandom, 0), 0.999_999))
        return min(maxMs, max(minMs, jittered))
    }

    /// The time of the next attempt after a failure at `nowMs`.
    public func nextAttemptAtMs(afterAttempts attempts: Int, nowMs: Int64, unitRandom: Double) -> Int64 {
        nowMs + delayMs(afterAttempts: attempts, unitRandom: unitRandom)
    }
}
