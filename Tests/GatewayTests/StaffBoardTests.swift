import Devices
import Foundation
@testable import Gateway
import GridDispatch
import Storage
import Synchronization
import Testing

/// The live board keeps each person's newest position by position time and tells its
/// listeners after recording; the ingest step turns staff-topic messages into positions or
/// rejections with their reasons and leaves every other topic alone.
@Suite struct StaffBoardTests {
    static let site = GeoPoint(latitude: 32.06, longitude: 118.78)!
    static let roster = StaffRoster(members: [
        StaffMember(id: "S1", name: "Wang", team: "grid", grids: ["G1"], skills: ["first_aid"], phone: "138", base: site),
        StaffMember(id: "S2", name: "Li", team: "safety", base: site),
    ])

    static func report(_ id: String, atMs: Int64, lat: Double) -> StaffPositionReport {
        StaffPositionReport(staffID: id, community: "demo", position: StaffPosition(point: GeoPoint(latitude: lat, longitude: 118.78)!, atMs: atMs),
                            receivedAtMs: atMs + 100)
    }

    @Test func theNewestPositionByItsOwnTimeWinsAndListenersHearEveryBatch() {
        let board = StaffBoard(roster: Self.roster, schedule: .everyoneOnDuty(Self.roster), timeZone: .gmt)
        let heard = Mutex<[[String]]>([])
        board.onRecorded { reports in heard.withLock { $0.append(reports.map(\.staffID)) } }
        board.record([Self.report("S1", atMs: 2_000, lat: 32.062), Self.report("S1", atMs: 1_000, lat: 32.061)])
        // Delayed in the broker's queue: older than what the board has, so it moves nobody back.
        board.record([Self.report("S1", atMs: 1_500, lat: 32.0615), Self.report("S2", atMs: 1_000, lat: 32.059)])
        board.record([])
        #expect(board.livePositions()["S1"]?.point.latitude == 32.062 && board.livePositions()["S1"]?.atMs == 2_000)
        #expect(board.livePositions()["S2"]?.atMs == 1_000)
        #expect(heard.withLock { $0 } == [["S1", "S1"], ["S1", "S2"]], "after each non-empty record")
        let states = board.states(atMs: 3_000, activeTickets: ["S2": 2])
        #expect(states.map(\.member.id) == ["S1", "S2"] && states[0].livePosition?.atMs == 2_000 && states[1].activeTickets == 2)

        board.restore(["S1": StaffPosition(point: Self.site, atMs: 500), "S2": StaffPosition(point: Self.site, atMs: 9_000)])
        #expect(board.livePositions()["S1"]?.atMs == 2_000 && board.livePositions()["S2"]?.atMs == 9_000, "restore keeps the newer one")

        let reduced = StaffRoster(members: [Self.roster.members[1]])
        board.replace(roster: reduced, schedule: .everyoneOnDuty(reduced))
        #expect(board.roster.members.map(\.id) == ["S2"] && board.states(atMs: 3_000, activeTickets: [:]).map(\.member.id) == ["S2"])
    }

    @Test func theIngestStepAcceptsOrRejectsStaffTopicsOnly() throws {
        var config = GatewayConfig(configPath: "")
        config.clockSkewToleranceSeconds = 300
        let board = StaffBoard(roster: Self.roster, schedule: .everyoneOnDuty(Self.roster), timeZone: .gmt)
        let intake = StaffIntake(layout: try config.staffTopicLayout(), board: board, clockSkewToleranceMs: 300_000, maxPayloadBytes: 1024)
        let now: Int64 = 1_772_416_800_000
        var batch = IngestBatch(journalPosition: 1)
        let statistics = IngestStatistics()
        func add(_ topic: String, _ payload: String) -> Bool {
            intake.append(topic: topic, payload: Array(payload.utf8), receivedAtMs: now, to: &batch, statistics: statistics)
        }
        #expect(add("gridwatch/demo/staff/S1/location", #"{"ts":\#(now - 2000),"lat":32.061,"lon":118.781}"#))
        #expect(add("gridwatch/demo/staff/S7/location", #"{"ts":\#(now),"lat":32.061,"lon":118.781}"#))
        #expect(add("gridwatch/demo/staff/S2/location", #"{"ts":\#(now),"lat":132.061,"lon":118.781}"#))
        #expect(add("gridwatch/demo/staff/S2/location", #"{"ts":\#(now - 3_600_000),"lat":32.061,"lon":118.781}"#))
        #expect(!add("gridwatch/demo/wristband/S1/telemetry", #"{"ts":\#(now)}"#), "not a staff topic: left to the device decoder")
        #expect(!add("gridwatch/demo/staff/S1/location/extra", "{}"))

        #expect(batch.staffPositions == [StaffPositionReport(staffID: "S1", community: "demo",
                                                             position: StaffPosition(point: GeoPoint(latitude: 32.061, longitude: 118.781)!, atMs: now - 2000),
                                                             receivedAtMs: now)])
        #expect(batch.rejections.map(\.reason) == [.unknownStaff, .outOfRange, .clockSkew])
        #expect(batch.rejections.map(\.deviceID) == ["S7", "S2", "S2"])
        #expect(batch.rejections.allSatisfy { $0.topic.hasSuffix("/location") && $0.payloadSize > 0 && !$0.payloadPrefix.isEmpty })
        #expect(batch.rejections[2].detail.contains("behind the gateway's clock"), "\(batch.rejections[2].detail)")
    }
}
