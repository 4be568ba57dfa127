import Devices
import Foundation
import Storage
import Tickets

/// The ingest decode step for residents' requests (`mqtt.request_topic`): a message is checked
/// against the catalogue and the inventory's units (`ResidentRequestCheck`); an accepted one
/// joins the batch's requests, stored in its transaction before the PUBACK may leave, a refused
/// one its rejections with the reason. Once the batch commits, the ticket office opens them.
public struct RequestIntake: Sendable {
    public let layout: TopicLayout
    let catalogue: DemandCatalogue
    let maxPayloadBytes: Int
    /// Opens the tickets of what a batch stored (nil: left to the office's next tick).
    let tickets: TicketOffice?

    public init(layout: TopicLayout, catalogue: DemandCatalogue, maxPayloadBytes: Int, tickets: TicketOffice?) {
        self.layout = layout
        self.catalogue = catalogue
        self.maxPayloadBytes = maxPayloadBytes
        self.tickets = tickets
    }

    /// The intake for `setup`'s request topic, catalogue and limits, opening tickets at `tickets`.
    public init(setup: GatewaySetup, tickets: TicketOffice?) throws {
        self.init(layout: try setup.config.requestTopicLayout(), catalogue: setup.catalogue, maxPayloadBytes: setup.config.maxPayloadBytes,
                  tickets: tickets)
    }

    /// Adds a message on the request topic to `batch`; false (and nothing added) for any other topic.
    func append(topic: String, payload: [UInt8], receivedAtMs: Int64, registry: DeviceRegistry, to batch: inout IngestBatch,
                statistics: IngestStatistics) -> Bool {
        guard let parts = layout.parts(of: topic) else { return false }
        // Requests are rare next to readings: the units are looked up from the registry as it
        // is now, so a unit added by an inventory reload is known at once.
        let check = ResidentRequestCheck(catalogue: catalogue, units: UnitDirectory(registry.devices), maxPayloadBytes: maxPayloadBytes)
        switch check.check(community: parts.community ?? "", source: parts.device, payload: payload, receivedAtMs: receivedAtMs) {
        case let .success(request):
            batch.residentRequests.append(request)
        case let .failure(rejection):
            statistics.countRejected(rejection.reason.rawValue)
            batch.rejections.append(Rejection(topic: topic, reason: rejection.reason, detail: rejection.detail, receivedAtMs: receivedAtMs,
                                              deviceID: nil, payloadPrefix: Array(payload.prefix(Rejection.keptBytes)), payloadSize: payload.count))
        }
        return true
    }

    /// After `batch` committed: its requests get their tickets.
    func stored(_ batch: IngestBatch) {
        if !batch.residentRequests.isEmpty { tickets?.openWaitingRequests() }
    }
}
