import Devices
import Formats
import Foundation
import Gateway
import GridDispatch
import Rules
import Testing
import Tickets

/// The replay loop on its own, in virtual time: readings become alerts and tickets, the
/// tickets' clocks run on the capture's time, a staff member walking up records the arrival,
/// and a capture that stops being a capture fails with the line.
@Suite struct ReplaySessionTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let t0: Int64 = 1_772_416_800_000 // Monday 2 March 2026, 10:00 Shanghai
    static let minute: Int64 = 60_000

    static func setup() -> GatewaySetup {
        GatewaySetup.load(configPath: root.appendingPathComponent("config/gridwatch.yaml").path)
    }

    static let smoke = Device(id: "smoke-x", type: "smoke", community: "demo", building: "b01", unit: "0101", grid: "G1",
                              latitude: 32.0600, longitude: 118.7800)

    static func alarm(at atMs: Int64) -> ReplaySession.Item {
        .reading(RuleReading(deviceID: smoke.id, atMs: atMs, values: ["alarm": .bool(true), "test": .bool(false), "smoke": .double(12)]),
                 newDevice: nil)
    }

    @Test func aSmokeAlarmOpensATicketWhoseResponseClockRunsOnTheCaptureTime() throws {
        let setup = Self.setup()
        var session = ReplaySession(rules: setup.rules, catalog: setup.catalog, inventory: [Self.smoke], desk: setup.ticketDesk)
        try session.handle(Self.alarm(at: Self.t0))
        #expect(session.result.events.map(\.kind) == [.firing])
        #expect(session.result.tickets.map(\.action) == [.opened])
        try session.handle(.tick(Self.t0 + 29 * Self.minute))
        #expect(!session.result.tickets.map(\.action).contains(.responseBreached), "29 minutes: still within the 30")
        try session.finish(untilMs: Self.t0 + 31 * Self.minute)
        let breach = try #require(session.result.tickets.first { $0.action == .responseBreached })
        #expect(breach.atMs == Self.t0 + 30 * Self.minute, "the breach carries the virtual time it fell due")
        try session.handle(.rejected(Self.t0 + 32 * Self.minute))
        #expect(session.result.readings == 1 && session.result.rejected == 1)
    }

    @Test func dispatchSendsTheNearestAndTheirWalkRecordsTheArrival() throws {
        let setup = Self.setup()
        let roster = StaffRoster(members: [
            StaffMember(id: "guard-1", name: "Guard", team: "grid", grids: ["G1"], skills: ["fire_safety"],
                        base: GeoPoint(latitude: 32.0627, longitude: 118.7800)!),
        ])
        var desk = setup.ticketDesk
        desk.dispatch = TicketDispatch(settings: setup.config.dispatch.settings,
                                       roll: FixedStaffRoll(roster: roster, schedule: .everyoneOnDuty(roster), timeZone: setup.calendar.timeZone))
        var session = ReplaySession(rules: setup.rules, catalog: setup.catalog, inventory: [Self.smoke], desk: desk)
        try session.handle(Self.alarm(at: Self.t0))
        #expect(session.result.tickets.map(\.action) == [.opened, .dispatched(assignee: "guard-1")])
        #expect(session.tickets.values.first?.dispatch?.distanceMetres == 300)
        for (step, metres) in [(1, 200.0), (2, 100.0), (3, 20.0)] {
            let atMs = Self.t0 + Int64(step) * Self.minute
            let point = GeoPoint(latitude: 32.0600 + metres / 111_195, longitude: 118.7800)!
            try session.handle(.staffPosition(StaffPositionReport(staffID: "guard-1", community: "demo",
                                                                  position: StaffPosition(point: point, atMs: atMs), receivedAtMs: atMs)))
        }
        #expect(session.result.tickets.last?.action == .arrived(person: "guard-1"))
        #expect(session.tickets.values.first?.arrivedAt == Self.t0 + 3 * Self.minute)
        #expect(session.result.staffPositions == 3)
    }

    @Test func aCaptureStopsAtTheFirstLineThatIsNotACaptureLine() throws {
        let setup = Self.setup()
        let reader = CaptureReplay(decoder: try setup.makeDecoder(), inventory: setup.inventory, autoRegister: false)
        let capture = """
        {"at":"2026-03-02T10:00:00.000+08:00","topic":"gridwatch/demo/smoke/smoke-b01-0101/telemetry","payload":{"ts":1772416800000,"alarm":false,"smoke":0.1}}
        {"at":"2026-03-02T10:00:01.000+08:00","topic":"gridwatch/demo/smoke/nobody/telemetry","payload":{"ts":1772416801000}}
        this is not json
        {"at":"2026-03-02T10:00:02.000+08:00","topic":"gridwatch/demo/smoke/smoke-b01-0101/telemetry","payload":{"ts":1772416802000}}
        """
        var session = ReplaySession(rules: setup.rules, catalog: setup.catalog, inventory: setup.inventory, desk: setup.ticketDesk)
        #expect(throws: ReplaySession.Failure.self) { try reader.run(Array(capture.utf8), into: &session) }
        #expect(session.result.readings == 1 && session.result.rejected == 1, "the unknown device is rejected; nothing after line 3 is read")
        var items: [ReplaySession.Item] = []
        reader.decode(Array(capture.utf8)) { items += $0 }
        guard case let .failed(message)? = items.last else { Issue.record("no failure item: \(items)"); return }
        #expect(message == "line 3: not a capture line")
    }

    /// `replay` reads its capture file in blocks; what it finds must be what the whole file in
    /// memory gives, lines split across blocks and a last line without a newline included.
    @Test func aCaptureFileReadInBlocksReplaysAsTheWholeCaptureDoes() throws {
        let setup = Self.setup()
        var lines: [String] = []
        for step in 0..<40 {
            let at = Self.t0 + Int64(step) * 1000
            let alarm = step % 10 == 3 ? "true" : "false"
            lines.append(#"{"at":"2026-03-02T10:00:\#(String(format: "%02d", step)).000+08:00","topic":"gridwatch/demo/smoke/smoke-b01-0101/telemetry","payload":{"ts":\#(at),"alarm":\#(alarm),"smoke":0.1,"test":false}}"#)
        }
        let capture = lines.joined(separator: "\n")
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gw-capture-\(UUID().uuidString).jsonl").path
        try capture.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        var reader = CaptureReplay(decoder: try setup.makeDecoder(), inventory: setup.inventory, autoRegister: false)
        reader.chunkSize = 7
        reader.fileBlockBytes = 100 // lines are ~170 bytes: most span two blocks
        var whole = ReplaySession(rules: setup.rules, catalog: setup.catalog, inventory: setup.inventory, desk: setup.ticketDesk)
        try reader.run(Array(capture.utf8), into: &whole)
        var fromFile = ReplaySession(rules: setup.rules, catalog: setup.catalog, inventory: setup.inventory, desk: setup.ticketDesk)
        var lastDone = 0
        try reader.run(file: path, into: &fromFile) { result, total in
            #expect(total == capture.utf8.count)
            lastDone = result.bytesDone
        }
        #expect(fromFile.result.readings == 40 && whole.result.readings == 40)
        #expect(fromFile.result.events.map(\.kind) == whole.result.events.map(\.kind))
        #expect(fromFile.result.events.map(\.atMs) == whole.result.events.map(\.atMs))
        #expect(!fromFile.result.events.isEmpty)
        #expect(lastDone > 0 && lastDone <= capture.utf8.count)
    }

    @Test func aMissingCaptureFileIsRefused() throws {
        let setup = Self.setup()
        let reader = CaptureReplay(decoder: try setup.makeDecoder(), inventory: setup.inventory, autoRegister: false)
        var session = ReplaySession(rules: setup.rules, catalog: setup.catalog, inventory: setup.inventory, desk: setup.ticketDesk)
        #expect(throws: (any Error).self) { try reader.run(file: "/nonexistent/capture.jsonl", into: &session) }
    }
}
