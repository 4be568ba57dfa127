import Devices
import Formats
import Foundation
import Logging
import MQTT
import ServiceLifecycle
import Storage
import Synchronization
import Tickets

/// Publishes every ticket event to `gridwatch/{community}/alerts/{ticket_id}` at QoS 1 (docs/design.md
/// §1), in order, from its own cursor over the stored events: what was committed while the
/// broker link was down, or the gateway stopped, goes out once the link is back. Events this
/// process commits are handed over by the bell and go out at once, on the committing thread,
/// when they are next in line (an alarm need not wait for this task to wake and read them back).
public final class AlertPublisher: Service, Sendable {
    static let cursorName = "mqtt_alerts"
    let database: any GatewayStore
    let client: MQTTClient
    let bell: EventBell
    let topicPattern: String
    /// `mqtt.request_status_topic`: a resident's request's progress, retained (nil: not sent).
    let requestStatusPattern: String?
    let logger: Logger
    /// In cluster mode only the owner of the cluster's services publishes (else every instance
    /// would send each alert); it reads the shared cursor each time it becomes the owner.
    let isActive: @Sendable () -> Bool
    let metrics: GatewayMetrics?
    /// Where publishing stands (nil until `run` has read the saved cursor). Whoever publishes
    /// holds it, so events leave in `seq` order whichever thread sends them.
    let cursor = Mutex<OutboxCursor?>(nil)
    /// Events published as handed over by the bell, and as read back from the store.
    let handedOver = Atomic<Int>(0), readBack = Atomic<Int>(0)
    /// How long the task waits for a ring before it looks in the store anyway: events committed
    /// by another process (the command line) ring no bell here.
    let lookInterval: Duration

    /// `sent` runs ahead of `saved`: the cursor is saved only once the broker has acknowledged
    /// everything in flight, so a crash re-sends (QoS 1 allows a duplicate) rather than loses.
    struct OutboxCursor {
        var saved: Int64
        var sent: Int64
        /// False while another instance owns the publishing: its cursor is read on return.
        var active = true
    }

    public init(database: any GatewayStore, client: MQTTClient, bell: EventBell, topicPattern: String, requestStatusPattern: String? = nil,
                logger: Logger, metrics: GatewayMetrics? = nil, isActive: @escaping @Sendable () -> Bool = { true },
                lookInterval: Duration = .seconds(1)) {
        self.lookInterval = lookInterval
        self.requestStatusPattern = requestStatusPattern
        self.metrics = metrics
        self.database = database
        self.isActive = isActive
        self.client = client
        self.bell = bell
        self.topicPattern = topicPattern
        self.logger = logger
        bell.onCommitted { [weak self] events in self?.committed(events) }
    }

    /// The topic of one event: `{community}` and `{ticket_id}` filled in.
    public static func topic(_ pattern: String, community: String, ticketID: String) -> String {
        PlaceholderText.fill(pattern) { name in
            switch name {
            case "community": community
            case "ticket_id": ticketID
            default: nil
            }
        }
    }

    /// A request ticket's event that means something to its requester goes to the request's
    /// status topic too, retained, so a requester that connects later still reads the latest.
    func publishRequestStatus(of event: StoredTicketEvent) {
        // A ticket known not to be a request's (just recorded) is not parsed: that was ~17 % of
        // the CPU the ingest thread spent on an alarm after its batch's commit (perf).
        guard let requestStatusPattern, event.aboutRequest != false, RequestStatus.statusByEvent[event.event] != nil,
              let body = try? JSONParser.parse(Array(event.body.utf8)), let status = RequestStatus.forEvent(event.event, body: body) else { return }
        let topic = GatewayConfig.requestStatusTopic(requestStatusPattern, community: status.community, source: status.source,
                                                     requestID: status.requestID)
        if !client.publish(topic: topic, payload: Array(status.status.jsonText.utf8), qos: 1, retain: true) {
            logger.error("request status not publishable; skipped", metadata: ["ticket": "\(event.ticketID)", "seq": "\(event.seq)"])
        }
    }

    public func run() async throws {
        // The first start begins at the newest event: a new installation does not replay history.
        let start: Int64
        if let saved = try database.outboxCursor(Self.cursorName) {
            start = saved
        } else {
            start = try database.latestTicketEventSeq()
            try database.advanceOutboxCursor(Self.cursorName, to: start)
        }
        cursor.withLock { $0 = OutboxCursor(saved: start, sent: start) }
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let generation = bell.generation
            if !isActive() {
                cursor.withLock { $0?.active = false }
                await bell.wait(after: generation, timeout: lookInterval)
                continue
            }
            saveCursorIfAcknowledged()
            if publishWaitingEvents() { continue }
            let unsaved = cursor.withLock { $0.map { $0.sent > $0.saved } ?? false }
            await bell.wait(after: generation, timeout: unsaved ? min(.milliseconds(100), lookInterval) : lookInterval)
        }
        saveCursorIfAcknowledged()
    }

    /// Events just committed by this process (the bell's hand-over, on the committing thread):
    /// published now if they come straight after the last one sent; otherwise, or when the
    /// task is busy publishing, the task reads them back after the ring that follows.
    func committed(_ events: [StoredTicketEvent]) {
        guard let first = events.first, isActive(), client.isConnected else { return }
        _ = cursor.withLockIfAvailable { state in
            guard var now = state, now.active, first.seq == now.sent + 1 else { return }
            for event in events { publish(event, sent: &now.sent) }
            state = now
            handedOver.add(events.count, ordering: .relaxed)
            metrics?.alertsHandedOver.increment(by: Int64(events.count))
        }
    }

    /// Reads what was stored after the last event sent and publishes it; false when there was nothing.
    private func publishWaitingEvents() -> Bool {
        cursor.withLock { state in
            guard var now = state else { return false }
            if !now.active, let saved = try? database.outboxCursor(Self.cursorName) {
                // Another instance published up to its cursor while this one was not the owner.
                now = OutboxCursor(saved: saved, sent: saved)
            }
            defer { state = now }
            // Only while connected: libmosquitto would queue in memory without bound otherwise,
            // and the database keeps the events for us anyway.
            guard client.isConnected, let events = try? database.ticketEvents(after: now.sent, limit: 500), !events.isEmpty else { return false }
            for event in events { publish(event, sent: &now.sent) }
            readBack.add(events.count, ordering: .relaxed)
            metrics?.alertsReadBack.increment(by: Int64(events.count))
            return true
        }
    }

    private func publish(_ event: StoredTicketEvent, sent: inout Int64) {
        defer { sent = event.seq }
        // Only ticket events are alerts: a published report (no ticket) goes to SSE and webhooks.
        guard !event.ticketID.isEmpty else { return }
        let topic = Self.topic(topicPattern, community: event.community, ticketID: event.ticketID)
        if !client.publish(topic: topic, payload: Array(event.body.utf8), qos: 1) {
            // Refused for good (a topic or size libmosquitto rejects): skipped, so one
            // bad event never holds up every alert after it. SSE and webhooks still have it.
            logger.error("alert not publishable; skipped", metadata: ["ticket": "\(event.ticketID)", "seq": "\(event.seq)"])
        }
        publishRequestStatus(of: event)
    }

    /// Saves the cursor once the broker has acknowledged everything sent. The write is made
    /// outside the lock, so a hand-over never waits for it; only this task moves `saved`.
    private func saveCursorIfAcknowledged() {
        guard let position = cursor.withLock({ $0 }), position.sent > position.saved, client.outstandingCount == 0 else { return }
        let sent = position.sent
        do {
            try database.advanceOutboxCursor(Self.cursorName, to: sent)
            cursor.withLock { $0?.saved = sent }
        } catch {
            logger.warning("alert cursor not saved; events may be sent again after a restart", metadata: ["error": "\(error)"])
        }
    }
}
