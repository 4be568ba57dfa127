import Foundation
import Simulation
import Testing

/// The twin's roster, the ticket events it reads, and the whole roster stepped in time order.
@Suite("Staff twin")
struct StaffTwinTests {
    static let startMs: Int64 = 1_795_000_000_000
    static let roster = TwinRoster(csv: """
        id,name,team,grids,skills,phone,lat,lon
        s1,Wang Li,community,g1;g2,medical;fire,13800000001,31.2300,121.4700
        s2,"Zhao, Min",security,g2,fire,13800000002,31.2400,121.4800
        """)

    func twin(seed: UInt64 = 1) -> StaffTwin {
        let sites = [StaffTwin.Site(community: "hexi", position: MapPoint(latitude: 31.2301, longitude: 121.4701)),
                     StaffTwin.Site(community: "lanyuan", position: MapPoint(latitude: 31.2399, longitude: 121.4799))]
        return StaffTwin(roster: Self.roster, sites: sites, defaultCommunity: "demo", startMs: Self.startMs, seed: seed)
    }

    @Test func rosterReadsQuotedFieldsAndSkipsRowsItCannotUse() {
        #expect(Self.roster.people.map(\.id) == ["s1", "s2"])
        #expect(Self.roster.people[1].name == "Zhao, Min")
        #expect(Self.roster.people[0].base == MapPoint(latitude: 31.23, longitude: 121.47))
        let messy = TwinRoster(csv: """
            # the night shift
            lon,lat,id,name
            121.47,31.23,a1,"Li ""Lao"" Wu"

            121.47,,a2,no latitude
            121.47,95,a3,off the globe
            121.47,31.23,,nobody
            121.47,31.23,a1,again
            121.47,31.23,a/4,slash
            \r
            121.48,31.24,a5,last\r
            """)
        #expect(messy.people.map(\.id) == ["a1", "a5"])
        #expect(messy.people[0].name == "Li \"Lao\" Wu")
        #expect(messy.skipped.count == 5, "\(messy.skipped)")
        #expect(messy.skipped.first == "line 5: no base position (lat, lon) for a2")
        let headless = TwinRoster(csv: "b1,Sun,community,,,,31.2,121.4\n")
        #expect(headless.people.map(\.base) == [MapPoint(latitude: 31.2, longitude: 121.4)])
    }

    @Test func noticesComeFromTicketEventsOrBareTickets() throws {
        let event = #"{"seq": 7, "event": "ticket_opened", "ticket_id": "T-000007", "ticket": {"id": "T-000007", "state": "open", "assignee": "s1", "location": {"community": "hexi", "building": "b01", "unit": "0101", "latitude": 31.2335, "longitude": 121.47}}}"#
        let notice = try #require(TicketNotice(alertPayload: Array(event.utf8)))
        #expect(notice == TicketNotice(ticketID: "T-000007", state: "open", assignee: "s1", destination: MapPoint(latitude: 31.2335, longitude: 121.47)))
        #expect(notice.isActive && !notice.isFinished)
        let dispatched = #"{"id": "T-8", "state": "acknowledged", "assignee": null, "dispatch": {"assignee": "s2", "distance_m": 120}, "location": {"latitude": 31, "longitude": 121}}"#
        let bare = try #require(TicketNotice(alertPayload: Array(dispatched.utf8)))
        #expect(bare.assignee == "s2")
        #expect(bare.destination == MapPoint(latitude: 31, longitude: 121))
        let noPlace = #"{"ticket": {"id": "T-9", "state": "resolved", "location": {"community": "hexi"}}}"#
        let resolved = try #require(TicketNotice(alertPayload: Array(noPlace.utf8)))
        #expect(resolved.isFinished && resolved.destination == nil && resolved.assignee == nil)
        #expect(TicketNotice(alertPayload: Array("offline".utf8)) == nil)
        #expect(TicketNotice(alertPayload: Array(#"{"event": "ticket_opened"}"#.utf8)) == nil)
    }

    @Test func positionsComeInTimeOrderOnEachCommunitysTopic() throws {
        var twin = twin()
        // Each reports within its first 15 s, then every 5 min while idle at base.
        let messages = twin.advance(toMs: Self.startMs + 3_585_000)
        #expect(messages.count == 24, "12 an hour each")
        #expect(zip(messages.dropFirst(), messages).allSatisfy { $0.at >= $1.at })
        #expect(Set(messages.map(\.topic)) == ["gridwatch/hexi/staff/s1/location", "gridwatch/lanyuan/staff/s2/location"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(messages[0].payload)) as? [String: Any])
        #expect(Set(object.keys) == ["ts", "lat", "lon"])
        #expect((object["ts"] as? NSNumber)?.int64Value == messages[0].atMilliseconds)
        #expect(twin.reportCount == 24)
        let lonely = StaffTwin(roster: Self.roster, sites: [], defaultCommunity: "demo", startMs: Self.startMs)
        #expect(lonely.communities == ["demo", "demo"])
    }

    @Test func ticketEventsSendTheAssigneeAndReassignmentOrResolutionCallThemBack() throws {
        var twin = twin()
        let scene = MapPoint(latitude: 31.2300, longitude: 121.4700).shifted(northMetres: 200, eastMetres: 0)
        let openMs = Self.startMs + 60_000
        _ = twin.advance(toMs: openMs)
        _ = twin.apply(TicketNotice(ticketID: "T-1", state: "open", assignee: "s1", destination: scene), atMs: openMs)
        #expect(twin.walker("s1")?.activity == .walking(ticketID: "T-1"))
        #expect(twin.walker("s2")?.activity == .atBase)
        #expect(twin.nextDueMs == openMs, "the start of the walk is due at once")
        let walk = twin.advance(toMs: openMs + 100_000).filter { $0.topic.contains("/s1/") }
        #expect(walk.count >= 7)
        // The ticket goes to s2: s1 turns back, s2 sets off.
        _ = twin.apply(TicketNotice(ticketID: "T-1", state: "acknowledged", assignee: "s2", destination: scene), atMs: openMs + 100_000)
        #expect(twin.walker("s1")?.activity == .returning)
        #expect(twin.walker("s2")?.activity == .walking(ticketID: "T-1"))
        _ = twin.apply(TicketNotice(ticketID: "T-1", state: "resolved", assignee: "s2", destination: scene), atMs: openMs + 200_000)
        #expect(twin.walker("s2")?.activity == .returning)
        // Somebody not on the roster, or a ticket without a place, moves nobody.
        _ = twin.advance(toMs: openMs + 2_000_000)
        _ = twin.apply(TicketNotice(ticketID: "T-2", state: "open", assignee: "x9", destination: scene), atMs: openMs + 2_000_000)
        _ = twin.apply(TicketNotice(ticketID: "T-3", state: "open", assignee: "s1", destination: nil), atMs: openMs + 2_000_000)
        #expect(twin.walkers.map(\.activity) == [.atBase, .atBase])
    }

    @Test func theSameSeedGivesTheSameTwin() {
        var a = twin(seed: 5)
        var b = twin(seed: 5)
        var c = twin(seed: 6)
        let notice = TicketNotice(ticketID: "T-1", state: "open", assignee: "s2", destination: MapPoint(latitude: 31.2410, longitude: 121.4810))
        let run = { (twin: inout StaffTwin) -> [SimulatedMessage] in
            twin.apply(notice, atMs: Self.startMs + 30_000) + twin.advance(toMs: Self.startMs + 7_200_000)
        }
        let first = run(&a)
        #expect(first == run(&b))
        #expect(first != run(&c))
    }
}
