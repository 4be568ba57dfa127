import Devices
import Formats
import Foundation
import Logging
import MQTT
import ServiceLifecycle
import Storage
import Tickets

/// Publishes every ticket event to `gridwatch/{community}/alerts/{ticket_id}` at QoS 1 (docs/design.md
/// §1), in order, from its own cursor over the stored events: what was committed while the
/// broker link was down, or the gateway stopped, goes out once the link is back.
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

    public init(database: any GatewayStore, client: MQTTClient, bell: EventBell, topicPattern: String, requestStatusPattern: String? = nil,
                logger: Logger, isActive: @escaping @Sendable () -> Bool = { true }) {
        self.requestStatusPattern = requestStatusPattern
        self.database = database
        self.isActive = isActive
        self.client = client
        self.bell = bell
        self.topicPattern = topicPattern
        self.logger = logger
    }

    /// The topic of one event: `{community}` and `{ticket_id}` filled in.
    public static func topic(_ pattern: String, community: String, ticketID: String) -> String {
        pattern.replacingOccurrences(of: "{community}", with: community).replacingOccurrences(of: "{ticket_id}", with: ticketID)
    }

    /// A request ticket's event that means something to its requester goes to the request's
    /// status topic too, retained, so a requester that connects later still reads the latest.
    func publishRequestStatus(of event: StoredTicketEvent) {
        guard let requestStatusPattern, RequestStatus.statusByEvent[event.event] != nil,
              let body = try? JSONParser.parse(Array(event.body.utf8)), let status = RequestStatus.forEvent(event.event, body: body) else { return }
        let topic = GatewayConfig.requestStatusTopic(requestStatusPattern, community: status.community, source: status.source,
                                                     requestID: status.requestID)
        if !client.publish(topic: topic, payload: Array(status.status.jsonText.utf8), qos: 1, retain: true) {
            logger.error("request status not publishable; skipped", metadata: ["ticket": "\(event.ticketID)", "seq": "\(event.seq)"])
        }
    }

    public func run() async throws {
        // The first start begins at the newest event: a new installation does not replay history.
        var saved: Int64
        if let cursor = try database.outboxCursor(Self.cursorName) {
            saved = cursor
        } else {
            saved = try database.latestTicketEventSeq()
            try database.advanceOutboxCursor(Self.cursorName, to: saved)
        }
        // `sent` runs ahead of `saved`: the cursor is saved only once the broker has acknowledged
        // everything in flight, so a crash re-sends (QoS 1 allows a duplicate) rather than loses.
        var sent = saved
        var active = true
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let generation = bell.generation
            if !isActive() {
                active = false
                await bell.wait(after: generation, timeout: .seconds(1))
                continue
            }
            if !active, let cursor = try? database.outboxCursor(Self.cursorName) {
                // Another instance published up to its cursor while this one was not the owner.
                (saved, sent, active) = (cursor, cursor, true)
            }
            if sent > saved && client.outstandingCount == 0 {
                do {
                    try database.advanceOutboxCursor(Self.cursorName, to: sent)
                    saved = sent
                } catch {
                    logger.warning("alert cursor not saved; events may be sent again after a restart", metadata: ["error": "\(error)"])
                }
            }
            // Only while connected: libmosquitto would queue in memory without bound otherwise,
            // and the database keeps the events for us anyway.
            if client.isConnected, let events = try? database.ticketEvents(after: sent, limit: 500), !events.isEmpty {
                for event in events {
                    // Only ticket events are alerts: a published report (no ticket) goes to SSE and webhooks.
                    guard !event.ticketID.isEmpty else {
                        sent = event.seq
                        continue
                    }
                    let topic = Self.topic(topicPattern, community: event.community, ticketID: event.ticketID)
                    if !client.publish(topic: topic, payload: Array(event.body.utf8), qos: 1) {
                        // Refused for good (a topic or size libmosquitto rejects): skipped, so one
                        // bad event never holds up every alert after it. SSE and webhooks still have it.
                        logger.error("alert not publishable; skipped", metadata: ["ticket": "\(event.ticketID)", "seq": "\(event.seq)"])
                    }
                    publishRequestStatus(of: event)
                    sent = event.seq
                }
                continue
            }
            await bell.wait(after: generation, timeout: sent > saved ? .milliseconds(100) : .seconds(1))
        }
        if sent > saved && client.outstandingCount == 0 { try? database.advanceOutboxCursor(Self.cursorName, to: sent) }
    }
}
