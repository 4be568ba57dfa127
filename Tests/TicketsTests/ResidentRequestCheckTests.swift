import Devices
import Formats
import Foundation
import Testing
import Tickets

/// A resident's request is checked before it may open a ticket: every malformed or unknown
/// part is refused with the reason `rejected` keeps and the field at fault; a good one keeps
/// what the requester sent. The status a requester sees follows the ticket's events by one table.
@Suite struct ResidentRequestCheckTests {
    static let received: Int64 = 1_772_416_800_000

    static func check() -> ResidentRequestCheck {
        var diagnostics = DiagnosticList()
        let catalogue = DemandCatalogue.load(path: TicketFixture.root.appendingPathComponent("config/catalogue.yaml").path,
                                             tiers: ["emergency", "general", "complex"], diagnostics: &diagnostics)
        let units = UnitDirectory([Device(id: "door-1", type: "door", community: "demo", building: "b01", unit: "0101"),
                                   Device(id: "gateway-1", type: "door", community: "demo", building: "b02")])
        return ResidentRequestCheck(catalogue: catalogue, units: units, maxPayloadBytes: 1024)
    }

    static func outcome(_ payload: String, community: String = "demo", source: String = "app") -> Result<ResidentRequest, ResidentRequestRejection> {
        check().check(community: community, source: source, payload: Array(payload.utf8), receivedAtMs: received)
    }

    @Test func aGoodRequestKeepsWhatWasSent() throws {
        let payload = #"{"ts": 1772416790000, "request_id": "app-42", "building": "b01", "unit": "0101", "item": "lock_repair", "text": " The lock jams "}"#
        let request = try Self.outcome(payload).get()
        #expect(request == ResidentRequest(community: "demo", requestID: "app-42", source: "app", building: "b01", unit: "0101",
                                           item: "lock_repair", text: "The lock jams", askedAtMs: 1_772_416_790_000, receivedAtMs: Self.received))
        let desk = request.deskRequest
        #expect(desk.item == "lock_repair" && desk.requestID == "app-42" && desk.source == "app" && desk.severity.isEmpty)
    }

    @Test func aOneTapRequestWithoutTextOrTimeGetsTheItemsTitleAndItsArrival() throws {
        let request = try Self.outcome(#"{"request_id": "btn-1", "building": "b01", "unit": "0101", "item": "fall_or_sos"}"#).get()
        #expect(request.text == "跌倒或紧急呼叫" && request.askedAtMs == Self.received)
    }

    @Test(arguments: [
        (#"{"building": "b01", "unit": "0101", "item": "lock_repair"}"#, RejectionReason.missingField, "request_id"),
        (#"{"request_id": "r1", "unit": "0101", "item": "lock_repair"}"#, .missingField, "building"),
        (#"{"request_id": "r1", "building": "b01", "unit": "0101"}"#, .missingField, "item"),
        (#"{"request_id": "  ", "building": "b01", "unit": "0101", "item": "lock_repair"}"#, .missingField, "request_id"),
        (#"{"request_id": 7, "building": "b01", "unit": "0101", "item": "lock_repair"}"#, .invalidField, "request_id"),
        (#"{"request_id": "a/b", "building": "b01", "unit": "0101", "item": "lock_repair"}"#, .invalidField, "request_id"),
        (#"{"request_id": "a+", "building": "b01", "unit": "0101", "item": "lock_repair"}"#, .invalidField, "request_id"),
        (#"{"request_id": "r1", "building": "b01", "unit": "0101", "item": "pizza"}"#, .unknownItem, "item"),
        (#"{"request_id": "r1", "building": "b01", "unit": "9999", "item": "lock_repair"}"#, .unknownUnit, "unit"),
        (#"{"request_id": "r1", "building": "b02", "unit": "", "item": "lock_repair"}"#, .missingField, "unit"),
        (#"{"request_id": "r1", "building": "b01", "unit": "0101", "item": "lock_repair", "ts": "yesterday"}"#, .invalidTimestamp, "ts"),
        (#"{"request_id": "r1", "building": "b01", "unit": "0101", "item": "lock_repair", "text": ["a"]}"#, .invalidField, "text"),
    ])
    func aBadFieldIsNamedWithItsReason(payload: String, reason: RejectionReason, field: String) {
        guard case let .failure(rejection) = Self.outcome(payload) else {
            Issue.record("accepted: \(payload)")
            return
        }
        #expect(rejection.reason == reason && rejection.field == field, "\(rejection)")
    }

    @Test func aMalformedPayloadOrChannelIsRefusedAsAWhole() {
        let bad: [(String, String, String, RejectionReason)] = [
            ("not json", "demo", "app", .notJSON), ("[1]", "demo", "app", .notObject),
            (String(repeating: " ", count: 2000), "demo", "app", .payloadTooLarge),
            (#"{"request_id": "r1", "building": "b01", "unit": "0101", "item": "lock_repair"}"#, "", "app", .missingField),
            (#"{"request_id": "r1", "building": "b01", "unit": "0101", "item": "lock_repair"}"#, "demo", "a#b", .invalidField),
            (#"{"request_id": "r1", "building": "b01", "unit": "0101", "item": "lock_repair"}"#, "elsewhere", "app", .unknownUnit),
        ]
        for (payload, community, source, reason) in bad {
            guard case let .failure(rejection) = Self.outcome(payload, community: community, source: source) else {
                Issue.record("accepted: \(payload) in \(community) from \(source)")
                continue
            }
            #expect(rejection.reason == reason, "\(payload): \(rejection)")
        }
    }

    @Test func theStatusFollowsTheEventsAndShowsNoPerson() throws {
        let ticket: [String: JSONValue] = ["id": .string("T-000007"), "state": .string("in_progress"), "item": .string("lock_repair"),
                                           "request_id": .string("app-42"), "source": .string("app"), "community": .string("demo"),
                                           "opened_at": .string("2026-03-02T10:00:00+08:00"), "assignee": .string("S01"),
                                           "dispatched_at": .string("2026-03-02T10:01:00+08:00"), "request": .string("The lock jams"),
                                           "location": .object(["unit": .string("0101")])]
        let body = JSONValue.object(["event": .string("ticket_dispatched"), "at": .string("2026-03-02T10:01:00+08:00"), "ticket": .object(ticket)])
        let found = try #require(RequestStatus.forEvent("ticket_dispatched", body: body))
        #expect(found.community == "demo" && found.source == "app" && found.requestID == "app-42")
        guard case let .object(status) = found.status else { throw TestFailure("not an object") }
        #expect(status["status"] == .string("assigned") && status["ticket_id"] == .string("T-000007"))
        #expect(status["assigned_at"] == .string("2026-03-02T10:01:00+08:00") && status["accepted_at"] == .string("2026-03-02T10:00:00+08:00"))
        #expect(status["assignee"] == nil && status["location"] == nil && status["request"] == nil, "nobody's name or place")
        #expect(RequestStatus.forEvent("ticket_warned", body: body) == nil, "a warning is staff business")
        var alert = ticket
        alert["request_id"] = .null
        #expect(RequestStatus.forEvent("ticket_opened", body: .object(["ticket": .object(alert)])) == nil, "an alarm's ticket has no requester")
        #expect(RequestStatus.json(ticket: ticket, status: nil) == RequestStatus.json(ticket: ticket, status: "assigned"))
    }

    struct TestFailure: Error {
        let message: String
        init(_ message: String) { self.message = message }
    }
}
