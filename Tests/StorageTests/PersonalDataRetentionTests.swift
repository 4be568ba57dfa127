import Devices
import Formats
import Foundation
import Rules
import Storage
import Testing
import Tickets

/// Personal fields leave stored payloads, roll-ups, alert evidence, ended tickets and
/// rejected prefixes after the personal period and not before; everything else stays.
@Suite struct PersonalDataRetentionTests {
    typealias F = RetentionFixture

    @Test(arguments: StoreKind.allCases) func personalFieldsAreScrubbedAfterTheirPeriodAndNotBefore(kind: StoreKind) throws {
        var fixture = try F(kind)
        defer { fixture.remove() }
        try fixture.storeSpan(from: F.t0, span: 6 * F.day, every: 15 * F.minute)
        try fixture.database.storeAlertEvents([
            AlertEvent(atMs: F.t0 + F.hour, kind: .firing, ruleID: "fall", deviceID: "band-1", severity: "emergency", community: "demo",
                       building: "b1", evidence: ["hr_bpm": .double(150), "lat": .double(31.2), "fall": .bool(true)]),
            AlertEvent(atMs: F.t0 + 5 * F.day, kind: .firing, ruleID: "fall", deviceID: "band-1", severity: "emergency", community: "demo",
                       building: "b1", evidence: ["hr_bpm": .double(150), "fall": .bool(true)]),
        ])
        try fixture.storeClosedTicket(id: "T-000001", updatedAt: F.t0 + F.hour)
        try fixture.storeClosedTicket(id: "T-000002", updatedAt: F.t0 + F.hour, state: .open)
        try fixture.storeClosedTicket(id: "T-000003", updatedAt: F.t0 + 5 * F.day)
        // The live events' copies of a ticket (SSE replay, webhooks) follow the same clock.
        let eventTicket = try #require(try fixture.database.ticket(id: "T-000001"))
        let body = JSONValue.object(["event": .string("ticket_opened"), "ticket": eventTicket.contractJSON(timeZone: .gmt)]).jsonText
        #expect(body.contains("\"latitude\":") && body.contains("hr_bpm"))
        try fixture.database.appendTicketEventsForTesting([F.t0 + F.hour, F.t0 + 5 * F.day].map {
            StoredTicketEvent(seq: 0, atMs: $0, event: "ticket_opened", ticketID: "T-000001", community: "demo", severity: "emergency", body: body)
        })
        let now = F.t0 + 6 * F.day
        let cutoff = now - 3 * F.day
        let summary = try fixture.round(F.plan(personal: 3 * F.day, stepRows: 100), at: now)
        #expect(summary.payloadsScrubbed == 3 * 24 * 4, "3 days of 15-minute wristband readings")

        for reading in try fixture.database.readings(device: "band-1", limit: 10_000) {
            guard case let .object(values)? = try? JSONParser.parse(Array(reading.payload.utf8)) else {
                Issue.record("payload no longer JSON: \(reading.payload)")
                continue
            }
            let personal = values["hr_bpm"] != nil || values["lat"] != nil || values["lon"] != nil
            #expect(personal == (reading.receivedAtMs >= cutoff), "at \(reading.receivedAtMs - F.t0)")
            #expect(values["steps"] != nil && values["fall"] != nil && values["ts"] != nil, "non-personal fields stay")
        }
        #expect(try fixture.database.readings(device: "door-1", limit: 10_000).count == 6 * 24 * 4, "other types untouched")

        let heartRate = try fixture.database.rollups(device: "band-1", field: "hr_bpm")
        #expect(!heartRate.isEmpty && heartRate.allSatisfy { $0.bucketStartMs + $0.widthSeconds * 1000 > cutoff })
        #expect(try fixture.database.rollups(device: "band-1", field: "steps", widthSeconds: 3600).count == 6 * 24, "non-personal roll-ups stay")

        let events = try fixture.database.alertEvents()
        #expect(events.count == 2, "alerts are kept")
        let evidence = try fixture.rawColumn("SELECT evidence FROM alert_events ORDER BY id")
        #expect(evidence[0] == "{\"fall\":true}" && evidence[1].contains("hr_bpm"), "\(evidence)")

        let closed = try #require(try fixture.database.ticket(id: "T-000001"))
        #expect(closed.latitude == nil && closed.longitude == nil && closed.state == .closed)
        #expect(closed.evidence.count == 1 && !closed.evidence[0].valuesJSON.contains("hr_bpm") && closed.evidence[0].valuesJSON.contains("fall"))
        #expect(try #require(try fixture.database.ticket(id: "T-000002")).latitude != nil, "an active ticket keeps the position responders need")
        #expect(try #require(try fixture.database.ticket(id: "T-000003")).evidence[0].valuesJSON.contains("hr_bpm"), "ended recently: kept")
        #expect(summary.ticketsScrubbed == 2 && summary.alertEventsScrubbed == 1, "one ticket and one event")
        let bodies = try fixture.rawColumn("SELECT body FROM ticket_events ORDER BY seq")
        #expect(!bodies[0].contains("latitude") && !bodies[0].contains("hr_bpm") && bodies[0].contains("\"evidence\":[]"), "\(bodies[0])")
        #expect(bodies[1].contains("latitude") && bodies[1].contains("hr_bpm"), "a recent event keeps them")
    }

    @Test(arguments: StoreKind.allCases) func rejectedPrefixesAreEmptiedAfterThePersonalPeriod(kind: StoreKind) throws {
        let fixture = try F(kind)
        defer { fixture.remove() }
        var batch = IngestBatch(journalPosition: 1)
        batch.rejections = [0, 4].map { day in
            Rejection(topic: "gridwatch/demo/wristband/band-1/telemetry", reason: .notJSON, detail: "not JSON", receivedAtMs: F.t0 + day * F.day,
                      deviceID: "band-1", payloadPrefix: Array("{\"hr_bpm\":9".utf8), payloadSize: 11)
        }
        _ = try fixture.database.store(batch)
        _ = try fixture.round(F.plan(raw: 30 * F.day, personal: 3 * F.day), at: F.t0 + 5 * F.day)
        let prefixes = try fixture.database.rejections().map(\.payloadPrefix.count)
        #expect(prefixes == [0, 11])
        _ = try fixture.round(F.plan(raw: 3 * F.day, personal: 3 * F.day), at: F.t0 + 5 * F.day)
        #expect(try fixture.database.rejections().count == 1, "rejected messages go with the default raw period")
    }

    @Test(arguments: StoreKind.allCases) func forgettingADeviceErasesItsDataAndKeepsTheServiceRecord(kind: StoreKind) throws {
        var fixture = try F(kind)
        defer { fixture.remove() }
        try fixture.storeSpan(from: F.t0, span: F.day, every: F.hour)
        try fixture.storeClosedTicket(id: "T-000001", updatedAt: F.t0 + F.hour, state: .open)
        _ = try fixture.round(F.plan(), at: F.t0 + F.day)
        let deleted = try fixture.database.forgetDevice("band-1", personalFields: ["hr_bpm", "lat", "lon"])
        #expect(deleted > 24)
        #expect(try fixture.database.readings(device: "band-1").isEmpty && fixture.database.rollups(device: "band-1").isEmpty)
        #expect(try fixture.database.device(id: "band-1") == nil)
        let ticket = try #require(try fixture.database.ticket(id: "T-000001"))
        #expect(ticket.latitude == nil && !ticket.evidence[0].valuesJSON.contains("hr_bpm"))
        #expect(try fixture.database.readingCount() == 2 * 24)
    }
}
