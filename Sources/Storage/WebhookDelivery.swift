/// One ticket event owed to one configured webhook: a row in `webhook_deliveries`, so that
/// what is not yet delivered survives a restart and what never got through stays visible.
public struct WebhookDelivery: Sendable, Hashable {
    /// `pending` until a 2xx answer (`delivered`) or until its attempts run out (`failed`).
    public enum State: String, Sendable, CaseIterable {
        case pending, delivered, failed
    }

    /// What one attempt came to, as the dispatcher decided it.
    public enum Outcome: Sendable, Hashable {
        case delivered(status: Int)
        /// Try again at `nextAttemptAtMs`.
        case retry(nextAttemptAtMs: Int64, error: String, status: Int?)
        /// Attempts exhausted: kept as `failed` until an operator retries it.
        case failed(error: String, status: Int?)
    }

    /// Never reused (AUTOINCREMENT): receivers may deduplicate on it (`X-Gridwatch-Delivery`).
    public var id: Int64
    public var webhook: String
    /// The `ticket_events` row it carries.
    public var eventSeq: Int64
    public var event: String
    public var ticketID: String
    public var state: State
    public var attempts: Int
    /// When a pending delivery is next due; nil once delivered or failed.
    public var nextAttemptAtMs: Int64?
    public var lastError: String?
    /// The HTTP status of the last answer, if there was one.
    public var lastStatus: Int?
    public var createdAtMs: Int64
    public var deliveredAtMs: Int64?

    public init(id: Int64, webhook: String, eventSeq: Int64, event: String, ticketID: String, state: State, attempts: Int = 0,
                nextAttemptAtMs: Int64?, lastError: String? = nil, lastStatus: Int? = nil, createdAtMs: Int64, deliveredAtMs: Int64? = nil) {
        self.id = id
        self.webhook = webhook
        self.eventSeq = eventSeq
        self.event = event
        self.ticketID = ticketID
        self.state = state
        self.attempts = attempts
        self.nextAttemptAtMs = nextAttemptAtMs
        self.lastError = lastError
        self.lastStatus = lastStatus
        self.createdAtMs = createdAtMs
        self.deliveredAtMs = deliveredAtMs
    }
}

/// A delivery that is due now, with the event it carries (nil when the event row is gone).
public struct DueWebhookDelivery: Sendable, Hashable {
    public var delivery: WebhookDelivery
    public var event: StoredTicketEvent?

    public init(delivery: WebhookDelivery, event: StoredTicketEvent?) {
        self.delivery = delivery
        self.event = event
    }
}
