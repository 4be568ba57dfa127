import Foundation
import Simulation
import Testing

/// Device messages and staff positions come out as one stream in simulated-time order.
@Suite("Twin stream")
struct TwinStreamTests {
    static let startMs = Int64(Fixture.start.timeIntervalSince1970 * 1000)

    func staff() -> StaffTwin {
        let sites = StaffTwin.sites(of: Fixture.fleet)
        let roster = TwinRoster(people: [TwinRoster.Person(id: "s1", base: sites[0].position),
                                         TwinRoster.Person(id: "s2", base: sites[sites.count - 1].position)])
        return StaffTwin(roster: roster, sites: sites, defaultCommunity: "demo", startMs: Self.startMs, timeZone: Fixture.shanghai)
    }

    @Test func mergesTheFleetAndTheStaffInTimeOrderLeavingTheFleetAsItWas() {
        var stream = TwinStream(fleet: Fixture.simulator(), staff: staff())
        var alone = Fixture.simulator()
        var items: [TwinStream.Item] = []
        while let item = stream.next(), item.message.at < Fixture.start.addingTimeInterval(7200) { items.append(item) }
        #expect(zip(items.dropFirst(), items).allSatisfy { $0.message.at >= $1.message.at })
        let devices = items.filter { !$0.isStaff }.map(\.message)
        #expect(devices == Array((0..<devices.count).compactMap { _ in alone.next() }))
        let positions = items.filter(\.isStaff).map(\.message)
        #expect(positions.count == 48, "two people idle for two hours")
        #expect(positions.allSatisfy { $0.topic.hasPrefix("gridwatch/demo/staff/s") && $0.topic.hasSuffix("/location") })
        // The stream read one item past the two hours to stop.
        #expect(stream.deviceMessageCount + stream.staffMessageCount == items.count + 1)
    }

    @Test func aTicketEventMidStreamSendsSomeoneOutAndTheWalkIsReportedEvery15Seconds() throws {
        var stream = TwinStream(fleet: Fixture.simulator(), staff: staff())
        while let item = stream.next(), item.message.at < Fixture.start.addingTimeInterval(600) {}
        let scene = try #require(stream.staff?.walker("s1")).base.shifted(northMetres: 130, eastMetres: 0)
        let atMs = stream.nowMs
        stream.apply(TicketNotice(ticketID: "T-1", state: "open", assignee: "s1", destination: scene), atMs: atMs)
        #expect(stream.nextDueMs() == atMs, "the start of the walk is due at once")
        var walk: [SimulatedMessage] = []
        while let item = stream.next(), item.message.atMilliseconds <= atMs + 100_000 {
            if item.message.topic.contains("/s1/") { walk.append(item.message) }
        }
        // 130 m at 1.3 m/s: reports at 0, 15, ... 90 s and the arrival at 100 s.
        #expect(walk.map { $0.atMilliseconds - atMs } == [0, 15_000, 30_000, 45_000, 60_000, 75_000, 90_000, 100_000])
    }

    @Test func withoutStaffItIsTheFleetAlone() {
        var stream = TwinStream(fleet: Fixture.simulator(), staff: nil)
        var alone = Fixture.simulator()
        for _ in 0..<500 {
            #expect(stream.next()?.message == alone.next())
        }
        stream.apply(TicketNotice(ticketID: "T-1", state: "open", assignee: "s1", destination: nil), atMs: Self.startMs)
        #expect(stream.staffMessageCount == 0 && stream.deviceMessageCount == 500)
    }
}
