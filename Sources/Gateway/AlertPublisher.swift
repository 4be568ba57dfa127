import Foundation
import HTTPAPI
import Logging
import MQTT
import ServiceLifecycle
import Storage

/// Publishes every ticket event to `gridwatch/{community}/alerts/{ticket_id}` at QoS 1 (DESIGN
/// §1), in order, from its own cursor over the stored events: what was committed while the
/// broker link was down, or the gateway stopped, goes out once the link is back.
public final class AlertPublisher: Service, Sendable {
    static let cursorName = "mqtt_alerts"
    let database: GatewayDatabase
    let client: MQTTClient
    let bell: EventBell
    let topicPattern: String
    let logger: Logger

    public init(database: GatewayDatabase, client: MQTTClient, bell: EventBell, topicPattern: String, logger: Logger) {
        self.database = database
        self.client = client
        self.bell = bell
        self.topicPattern = topicPattern
        self.logger = logger
    }

    /// The topic of one event: `{community}` and `{ticket_id}` filled in.
    public static func topic(_ pattern: String, community: String, ticketID: String) -> String {
        pattern.replacingOccurrences(of: "{community}", with: community).replacingOccurrences(of: "{ticket_id}", with: ticketID)
    }

    public func run() async throws {
        // The first start begins at the newest event: a new installation does not replay history.
        var cursor: Int64
        if let saved = try database.outboxCursor(Self.cursorName) {
            cursor = saved
        } else {
            cursor = try database.latestTicketEventSeq()
            try database.advanceOutboxCursor(Self.cursorName, to: cursor)
        }
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let generation = bell.generation
            // Only while connected: libmosquitto would queue in memory without bound otherwise,
            // and the database keeps the events for us anyway.
            if client.isConnected, let events = try? database.ticketEvents(after: cursor, limit: 500), !events.isEmpty {
                for event in events {
                    guard client.publish(topic: Self.topic(topicPattern, community: event.community, ticketID: event.ticketID),
                                         payload: Array(event.body.utf8), qos: 1) else { break }
                    cursor = event.seq
                }
                do { try database.advanceOutboxCursor(Self.cursorName, to: cursor) } catch {
                    logger.warning("alert cursor not saved; events may be sent again after a restart", metadata: ["error": "\(error)"])
                }
                continue
            }
            await bell.wait(after: generation, timeout: .seconds(1))
        }
    }
}
