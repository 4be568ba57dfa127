import Devices
import Formats
import Foundation
import Storage
import Tickets

/// A database with a wristband (personal fields), a door and a water meter, readings stored
/// through the ingest path, and a plan with short periods: what the retention tests share.
struct RetentionFixture {
    static let minute: Int64 = 60_000
    static let hour: Int64 = 3_600_000
    static let day: Int64 = RetentionPlan.dayMs
    static let t0: Int64 = 1_772_416_800_000

    static let catalog = DeviceTypeCatalog([
        DeviceType(name: "wristband", description: "", reportingInterval: 60, heartbeat: 300, fields: [
            .init(name: "hr_bpm", kind: .number, personal: true), .init(name: "lat", kind: .number, personal: true),
            .init(name: "lon", kind: .number, personal: true), .init(name: "steps", kind: .integer), .init(name: "fall", kind: .bool),
        ]),
        DeviceType(name: "door", description: "", reportingInterval: 600, heartbeat: 1800, fields: [
            .init(name: "open", kind: .bool), .init(name: "event", kind: .enum, values: ["unlock"]),
        ]),
        DeviceType(name: "water_meter", description: "", reportingInterval: 900, heartbeat: 2700, fields: [.init(name: "flow_lph", kind: .number)]),
    ])

    let test: TestStore
    let database: any GatewayStore
    private var position: UInt64 = 0

    init(_ kind: StoreKind) throws {
        test = try TestStore(kind, name: "retention")
        database = test.store
        try database.upsertDevices([Device(id: "band-1", type: "wristband", community: "demo"), Device(id: "door-1", type: "door", community: "demo"),
                                    Device(id: "water-1", type: "water_meter", community: "demo")], source: "inventory", nowMs: 1)
    }

    func remove() { test.remove() }

    static func plan(raw: Int64 = 10 * day, types: [String: Int64] = [:], personal: Int64 = 3 * day, stepRows: Int = 500,
                     writeRows: Int = 1000, foldRows: Int? = nil) -> RetentionPlan {
        RetentionPlan(catalog: catalog, rawRetentionMs: raw, rawRetentionMsByType: types, personalRetentionMs: personal,
                      rollupRetentionMsByWidth: [300: 20 * day, 3600: 60 * day], stepRows: stepRows, writeRows: writeRows, foldRows: foldRows)
    }

    static func reading(_ device: String, type: String, receivedAt: Int64, deviceTime: Int64? = nil, values: JSONFields) -> Reading {
        var all = values
        all.set("ts", .int(deviceTime ?? receivedAt))
        let text = JSONValue.object(all.table).jsonText
        let hash = Array(text.utf8).withUnsafeBufferPointer { PayloadDecoder.contentHash($0) }
        return Reading(deviceID: device, deviceType: type, community: "demo", receivedAtMs: receivedAt, deviceTimeMs: deviceTime ?? receivedAt,
                       deviceTimeTrusted: true, seq: nil, values: all, payloadText: text, flags: [], contentHash: hash)
    }

    static func band(_ at: Int64, hr: Double = 72) -> Reading {
        reading("band-1", type: "wristband", receivedAt: at, values: ["hr_bpm": .double(hr), "lat": .double(31.2), "lon": .double(121.5),
                                                                      "steps": .int(100), "fall": .bool(false)])
    }

    mutating func store(_ readings: [Reading]) throws {
        position += 1
        var batch = IngestBatch(journalPosition: position)
        batch.readings = readings
        _ = try database.store(batch)
    }

    /// Readings of all three devices, one a device every `every` ms over `span`.
    mutating func storeSpan(from start: Int64, span: Int64, every: Int64) throws {
        var readings: [Reading] = []
        var at = start
        while at < start + span {
            readings.append(Self.band(at))
            readings.append(Self.reading("door-1", type: "door", receivedAt: at, values: ["open": .bool(at % 2 == 0), "event": .string("unlock")]))
            readings.append(Self.reading("water-1", type: "water_meter", receivedAt: at, values: ["flow_lph": .double(12)]))
            at += every
        }
        try store(readings)
        // On SQLite, most of them in per-device runs (in small steps, so runs straddle what a
        // pruning step takes), the rest in the tail: pruning must keep both readable.
        if let sqlite = database as? GatewayDatabase {
            while try sqlite.foldReadingRuns(maxRows: 97).behind > 50 {}
        }
    }

    func round(_ plan: RetentionPlan, at nowMs: Int64) throws -> RetentionRound.Summary {
        var round = RetentionRound(database: database, plan: plan, nowMs: nowMs)
        return try round.runToEnd()
    }

    /// A closed wristband ticket with a position and evidence, last touched at `updatedAt`.
    func storeClosedTicket(id: String, updatedAt: Int64, state: Ticket.State = .closed) throws {
        guard let policy = SLAPolicy.defaults["emergency"] else { throw CocoaError(.featureUnsupported) }
        var ticket = Ticket(id: id, rule: "fall", device: "band-1", deviceType: "wristband", community: "demo", severity: "emergency",
                            title: "Fall", team: "grid", policy: policy, openedAt: updatedAt - Self.hour)
        ticket.addEvidence(TicketEvidence(atMs: updatedAt - Self.hour, values: ["hr_bpm": .double(140), "lat": .double(31.2), "lon": .double(121.5),
                                                                               "fall": .bool(true)]))
        ticket.state = state
        ticket.updatedAt = updatedAt
        try database.updateTickets { ledger in try ledger.save(ticket, nextDeadline: nil) }
    }
}

extension RetentionFixture {
    /// One text column of a query, read with the engine's own client (the seam has no such reader).
    func rawColumn(_ sql: String) throws -> [String] {
        let process = Process()
        switch test.kind {
        case .sqlite:
            process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
            process.arguments = [test.location, sql]
        case .postgres:
            process.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
            process.arguments = [test.location, "-At", "-c", sql]
        }
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        process.waitUntilExit()
        return String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).split(separator: "\n").map(String.init)
    }
}
