import Devices
import Foundation
import GridDispatch
import PostgresStorage
import Rules
import Storage
import Testing
import Tickets

/// `gridwatch db copy` on real stores: a single node's SQLite file, filled through the seam,
/// goes into an empty PostgreSQL store in small pages, is interrupted and resumed; the cluster
/// then holds the same rows, answers the same queries, and hands out ids past the copied ones.
@Suite struct DatabaseCopyTests {
    typealias F = RetentionFixture

    /// A SQLite store with rows in every copied table: readings in two months, a rejection,
    /// alert events, tickets with timelines and events, a token, a webhook delivery, roll-ups
    /// and their cursor, an MQTT outbox cursor, the rule state, live staff positions and a resident's request.
    static func filledSource() throws -> RetentionFixture {
        var fixture = try F(.sqlite)
        let database = fixture.database
        try database.upsertDevices([TicketLedgerTests.device, Self.placed], source: "inventory", nowMs: 1)
        try fixture.storeSpan(from: F.t0, span: F.hour, every: 10 * F.minute)
        try fixture.storeSpan(from: F.t0 + 40 * F.day, span: F.hour, every: 10 * F.minute)
        var batch = IngestBatch(journalPosition: 99)
        batch.rejections = [Rejection(topic: "gridwatch/demo/door/door-1/telemetry", reason: .notJSON, detail: "not JSON", receivedAtMs: F.t0,
                                      deviceID: "door-1", payloadPrefix: [0x00, 0xff, 0x7b], payloadSize: 3)]
        batch.staffPositions = [try StaffPositionStoreTests.report("S01", at: F.t0, lat: 32.0601, lon: 118.7801),
                                try StaffPositionStoreTests.report("S01", at: F.t0 + F.minute, lat: 32.0602, lon: 118.7802)]
        batch.residentRequests = [ResidentRequestStoreTests.request("app-1")]
        _ = try database.store(batch)
        try database.storeAlertEvents([AlertEvent(atMs: F.t0, kind: .firing, ruleID: "smoke_alarm", deviceID: "smoke-1", severity: "emergency",
                                                  community: "maple", building: "1", evidence: ["smoke": .bool(true)])])
        let desk = TicketLedgerTests.desk()
        let zone = TicketLedgerTests.zone
        try database.updateTickets { ledger in
            let happenings = try desk.alertFired(TicketLedgerTests.smoke(), at: F.t0, in: &ledger)
            try ledger.recordEvents(of: happenings, actor: "gridwatch", timeZone: zone)
        }
        try database.updateTickets { ledger in
            let request = TicketDesk.Request(category: "repair", severity: "general", community: "maple", building: "2", text: "lift stuck")
            let happenings = try desk.open(request, at: F.t0, by: "desk", in: &ledger)
            try ledger.recordEvents(of: happenings, actor: "desk", timeZone: zone)
        }
        try database.updateTickets { ledger in
            let happenings = try desk.handle(.acknowledge, ticketID: "T-000001", at: F.t0 + 5 * F.minute, by: "wang", in: &ledger)
            try ledger.recordEvents(of: happenings, actor: "wang", timeZone: zone)
        }
        try database.createAPIToken(name: "ops", role: "responder", hash: String(repeating: "ab", count: 32), nowMs: F.t0)
        try database.enqueueWebhookDeliveries(nowMs: F.t0) { _ in ["ops"] }
        try database.recordWebhookAttempt(id: 1, outcome: .failed(error: "HTTP 503", status: 503), nowMs: F.t0 + 1000)
        try database.advanceOutboxCursor("mqtt_alerts", to: 2)
        while try !database.rollUpStep(F.plan(stepRows: 10), nowMs: F.t0 + 41 * F.day).caughtUp {}
        let engine = RuleEngine(ruleSet: RuleSet(), catalog: F.catalog, devices: [], startMs: F.t0 + 41 * F.day)
        try database.saveRuleState(engine.encodedSnapshot())
        return fixture
    }

    /// A device with a grid and a position that only round-trips exactly as a double.
    static let placed = Device(id: "door-9", type: "door", community: "maple", building: "2", unit: "0101", grid: "G2",
                               latitude: 32.060_123_456_789_01, longitude: 118.780_987_654_321)

    @Test func anInterruptedCopyResumesAndTheClusterAnswersTheSame() throws {
        let fixture = try Self.filledSource()
        defer { fixture.remove() }
        let source = try #require(fixture.database as? GatewayDatabase)
        let targetTest = try TestStore(.postgres, name: "copy")
        let interrupted = DatabaseCopy(source: source, target: try #require(targetTest.store as? PostgresStore), batchRows: 7)
        #expect(try interrupted.copyTables(maxPages: 4) == false)
        // One more page by hand, as a run killed after its commit would leave it; the same page
        // again (a run killed before it saw its commit) is refused, so nothing is copied twice.
        let store = try #require(targetTest.store as? PostgresStore)
        let progress = try store.beginImport(source: interrupted.sourceName)
        let page = try source.exportRows(.readings, after: try #require(progress[.readings]), limit: 7)
        #expect(try store.importPage(page, source: interrupted.sourceName) == 7)
        #expect(throws: PostgresStoreError.self) { try store.importPage(page, source: interrupted.sourceName) }
        #expect(try store.readingCount() == 4 * 7)

        // A new process finishes the copy.
        let target = try #require(try targetTest.reopen() as? PostgresStore)
        let copy = DatabaseCopy(source: source, target: target, batchRows: 7)
        var inserted: [ExportTable: Int] = [:]
        #expect(try copy.copyTables { inserted[$0.table] = $1 })
        let checks = try copy.finish()
        #expect(checks.allSatisfy { $0.matches }, "\(checks)")
        let sourceCounts = try source.exportCounts()
        #expect(ExportTable.allCases.allSatisfy { (sourceCounts[$0] ?? 0) > 0 }, "every table is exercised: \(sourceCounts)")
        #expect(inserted[.readings] == (sourceCounts[.readings] ?? 0) - 4 * 7, "the resumed run copied only the rest")
        try Self.expectSameAnswers(source, target)

        // Run again: nothing left to copy, and the counts still match.
        var again: [ExportTable: Int] = [:]
        #expect(try copy.copyTables { again[$0.table] = $1 })
        #expect(again.values.allSatisfy { $0 == 0 } && again.count == ExportTable.allCases.count)
        #expect(try copy.finish().allSatisfy { $0.matches })
        try Self.expectNewIDsPastCopiedOnes(source, target)
    }

    static func expectSameAnswers(_ source: GatewayDatabase, _ target: PostgresStore) throws {
        let all = TicketFilter(states: nil)
        #expect(try target.tickets(all, withTimeline: true) == source.tickets(all, withTimeline: true))
        #expect(try target.tickets(all, withTimeline: true).first { $0.id == "T-000001" }?.timeline.count ?? 0 >= 2)
        #expect(try target.ticketEvents(after: 0) == source.ticketEvents(after: 0))
        for device in ["band-1", "door-1", "water-1"] {
            #expect(try target.readings(device: device, limit: 1000).map { "\($0)" } == source.readings(device: device, limit: 1000).map { "\($0)" })
            #expect(try target.rollups(device: device) == source.rollups(device: device))
        }
        #expect(try target.devices().map { "\($0)" } == source.devices().map { "\($0)" })
        #expect(try target.device(id: placed.id)?.device == placed)
        #expect(try target.rejections().map { "\($0)" } == source.rejections().map { "\($0)" })
        #expect(try target.staffPositions(staffID: "S01", fromMs: 0, toMs: .max, limit: 10)
                == source.staffPositions(staffID: "S01", fromMs: 0, toMs: .max, limit: 10))
        #expect(try target.residentRequests(requestID: "app-1", community: nil) == source.residentRequests(requestID: "app-1", community: nil))
        #expect(try target.alertEvents() == source.alertEvents())
        #expect(try target.apiTokens() == source.apiTokens())
        #expect(try target.webhookDeliveries() == source.webhookDeliveries())
        for cursor in [GatewayDatabase.webhookCursor, "mqtt_alerts"] { #expect(try target.outboxCursor(cursor) == source.outboxCursor(cursor)) }
        #expect(try target.rolledUpReadingID() == source.rolledUpReadingID())
        #expect(try target.loadRuleState()?.savedAtMs == source.loadRuleState()?.savedAtMs)
    }

    /// The cluster's first reading, ticket and event after the copy take ids no copied row has.
    static func expectNewIDsPastCopiedOnes(_ source: GatewayDatabase, _ target: PostgresStore) throws {
        var batch = IngestBatch(journalPosition: 1)
        batch.readings = [F.reading("door-1", type: "door", receivedAt: F.t0 + 41 * F.day, values: ["open": .bool(true)])]
        #expect(try target.store(batch).stored == 1)
        let newest = try #require(try target.readings(device: "door-1", limit: 1000).first { $0.receivedAtMs == F.t0 + 41 * F.day })
        let copiedIDs = try ["band-1", "door-1", "water-1"].flatMap { try source.readings(device: $0, limit: 1000).map(\.id) }
        #expect(newest.id > copiedIDs.max() ?? .max)

        let request = TicketDesk.Request(category: "repair", severity: "general", community: "maple", building: "3", text: "door jammed")
        let opened = try target.updateTickets { ledger in
            let happenings = try TicketLedgerTests.desk().open(request, at: F.t0 + 41 * F.day, by: "desk", in: &ledger)
            try ledger.recordEvents(of: happenings, actor: "desk", timeZone: TicketLedgerTests.zone)
            return happenings
        }
        // Opening runs the clocks too (41 days on): the copied tickets' warnings come first.
        let ticketID = try #require(opened.first { "\($0.action)" == "opened" }?.ticket.id)
        #expect(!(try source.tickets(TicketFilter(states: nil))).map(\.id).contains(ticketID))
        let copiedSeq = try source.latestTicketEventSeq()
        #expect(try target.ticketEvents(after: 0).filter { $0.seq <= copiedSeq } == source.ticketEvents(after: 0))
        #expect(try target.ticketEvents(after: copiedSeq).contains { $0.ticketID == ticketID && $0.event == "ticket_opened" })
        // The webhooks cursor came along: only the new events are queued, under new delivery ids.
        let queued = try target.enqueueWebhookDeliveries(nowMs: F.t0 + 41 * F.day) { _ in ["ops"] }
        #expect(queued == (try target.ticketEvents(after: copiedSeq)).count)
        let copiedDeliveries = Set(try source.webhookDeliveries().map(\.id))
        let newDeliveries = try target.webhookDeliveries().filter { !copiedDeliveries.contains($0.id) }
        #expect(newDeliveries.count == queued && newDeliveries.allSatisfy { $0.id > copiedDeliveries.max() ?? .max && $0.eventSeq > copiedSeq })
    }

    @Test func aStoreHoldingOtherDataIsRefused() throws {
        let fixture = try Self.filledSource()
        let other = try Self.filledSource()
        defer { fixture.remove(); other.remove() }
        let source = try #require(fixture.database as? GatewayDatabase)
        let used = try TestStore(.postgres, name: "copy")
        try used.store.upsertDevices([TicketLedgerTests.device], source: "inventory", nowMs: 1)
        let intoUsed = DatabaseCopy(source: source, target: try #require(used.store as? PostgresStore))
        let error = #expect(throws: PostgresStoreError.self) { try intoUsed.copyTables() }
        #expect(error?.description.contains("already holds data (devices)") == true)

        // A store that holds part of one file's copy takes the rest of that file, no other.
        let target = try #require(try TestStore(.postgres, name: "copy").store as? PostgresStore)
        #expect(try DatabaseCopy(source: source, target: target, batchRows: 5).copyTables(maxPages: 2) == false)
        let second = DatabaseCopy(source: try #require(other.database as? GatewayDatabase), target: target)
        let refused = #expect(throws: PostgresStoreError.self) { try second.copyTables() }
        #expect(refused?.description.contains("holds a copy of \(DatabaseCopy(source: source, target: target).sourceName)") == true)
        #expect(try DatabaseCopy(source: source, target: target).copyTables())
    }
}
