import Devices
import Formats
import Foundation
import Storage
import Testing
import Tickets

/// Residents' requests in both stores: stored with their ingest batch (a repeat is skipped by
/// the (community, request id) key), waiting until the office opens their ticket, and then one
/// ticket per request however often it is submitted, also after reopening the store.
@Suite struct ResidentRequestStoreTests {
    static let t0: Int64 = 1_772_416_800_000 // Monday 2 March 2026, 10:00 Shanghai

    static func desk() -> TicketDesk {
        var diagnostics = DiagnosticList()
        var desk = TicketDesk(settings: TicketSettings(calendar: .standard(timeZone: TicketLedgerTests.zone), warnings: .standard,
                                                       hierarchy: TeamHierarchy(chain: ["grid", "community"])),
                              policies: SLAPolicy.defaults)
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        desk.catalogue = DemandCatalogue.load(path: root.appendingPathComponent("config/catalogue.yaml").path,
                                              tiers: ["emergency", "general", "complex"], diagnostics: &diagnostics)
        return desk
    }

    static func request(_ id: String, community: String = "demo", text: String = "The lock jams", at: Int64 = t0) -> ResidentRequest {
        ResidentRequest(community: community, requestID: id, source: "app", building: "b01", unit: "0101", item: "lock_repair", text: text,
                        askedAtMs: at - 1_000, receivedAtMs: at)
    }

    @Test(arguments: StoreKind.allCases) func requestsAreStoredWithTheirBatchOncePerIDAndCommunity(kind: StoreKind) throws {
        let test = try TestStore(kind, name: "requests")
        defer { test.remove() }
        var batch = IngestBatch(journalPosition: 5)
        batch.residentRequests = [Self.request("r1"), Self.request("r2"), Self.request("r1", community: "maple")]
        #expect(try test.store.store(batch).residentRequests == 3, "the same id in another community is another request")
        var again = IngestBatch(journalPosition: 6)
        again.residentRequests = [Self.request("r1", text: "sent again"), Self.request("r3")]
        #expect(try test.store.store(again).residentRequests == 1, "the repeat of r1 is skipped")
        #expect(try test.store.ingestTotals().journalPosition == 6)

        let store = try test.reopen()
        #expect(try store.residentRequestsWaiting(limit: 10).map { "\($0.community)/\($0.requestID)" } == ["demo/r1", "demo/r2", "maple/r1", "demo/r3"])
        #expect(try store.residentRequestsWaiting(limit: 2).count == 2)
        let first = try store.residentRequests(requestID: "r1", community: "demo")
        #expect(first.map(\.request) == [Self.request("r1")] && first.first?.ticketID == nil, "the first text is kept")
        #expect(try store.residentRequests(requestID: "r1", community: nil).count == 2)
        #expect(try store.residentRequests(requestID: "r9", community: nil).isEmpty)
    }

    @Test(arguments: StoreKind.allCases) func oneTicketPerRequestHoweverOftenItIsSubmitted(kind: StoreKind) throws {
        let test = try TestStore(kind, name: "request-tickets")
        defer { test.remove() }
        let desk = Self.desk()
        var batch = IngestBatch(journalPosition: 1)
        batch.residentRequests = [Self.request("r1")]
        _ = try test.store.store(batch)
        let opened = try test.store.updateTickets { ledger in try ledger.submit(Self.request("r1"), place: nil, desk: desk, at: Self.t0, by: "app") }
        #expect(opened.outcome.created && opened.happenings.count == 1)
        let ticket = try #require(opened.outcome.ticket)
        #expect(ticket.requestID == "r1" && ticket.source == "app" && ticket.item == "lock_repair" && ticket.category == "repairs")
        #expect(try test.store.residentRequestsWaiting(limit: 10).isEmpty)

        for attempt in 1...3 {
            let store = try test.reopen()
            let repeated = try store.updateTickets { ledger in
                try ledger.submit(Self.request("r1", text: "again \(attempt)"), place: nil, desk: desk, at: Self.t0 + Int64(attempt) * 60_000, by: "app")
            }
            #expect(!repeated.outcome.created && repeated.happenings.isEmpty && repeated.outcome.ticket?.id == ticket.id)
        }
        #expect(try test.store.tickets(TicketFilter()).count == 1)
        #expect(try test.store.residentRequests(requestID: "r1", community: "demo").first?.ticketID == ticket.id)
        let stored = try #require(try test.store.ticket(id: ticket.id))
        #expect(stored.requestID == "r1" && stored.source == "app", "the new fields survive the store")
    }

    @Test(arguments: StoreKind.allCases) func aRefusalFromTheAPIIsKeptWithItsReason(kind: StoreKind) throws {
        let test = try TestStore(kind, name: "request-rejections")
        defer { test.remove() }
        try test.store.recordRejection(Rejection(topic: "POST /api/v1/requests", reason: .unknownItem, detail: "unknown item 'pizza'",
                                                 receivedAtMs: Self.t0, deviceID: nil, payloadPrefix: Array("{}".utf8), payloadSize: 2))
        let kept = try test.store.rejections(reason: "unknown_item")
        #expect(kept.count == 1 && kept.first?.topic == "POST /api/v1/requests")
        #expect(try test.store.ingestTotals().journalPosition == 0, "the journal cursor is not touched")
    }
}
