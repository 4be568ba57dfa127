import Foundation
import Simulation
import Testing

/// One staff member of the twin walks to a ticket, stays, and walks back, in virtual time.
@Suite("Staff walker")
struct StaffWalkerTests {
    static let startMs: Int64 = 1_795_000_000_000
    static let base = MapPoint(latitude: 31.2300, longitude: 121.4700)
    /// 390 m east of base: five minutes at 1.3 m/s.
    static let east = base.shifted(northMetres: 0, eastMetres: 390)
    static let west = base.shifted(northMetres: 0, eastMetres: -390)

    func walker() -> StaffWalker {
        StaffWalker(id: "s1", base: Self.base, startMs: Self.startMs, seed: 3)
    }

    @Test func geometryAgreesWithItself() {
        #expect(abs(Self.base.distanceMetres(to: Self.east) - 390) < 0.01)
        let halfway = Self.base.moved(toward: Self.east, metres: 195)
        #expect(abs(halfway.distanceMetres(to: Self.east) - 195) < 0.01)
        #expect(Self.base.moved(toward: Self.east, metres: 1000) == Self.east)
        // One degree of latitude is about 111.2 km on the mean sphere.
        let north = MapPoint(latitude: 32.23, longitude: 121.47)
        #expect(abs(Self.base.distanceMetres(to: north) - 111_195) < 5)
    }

    @Test func reachesATarget390MetresAwayInFiveMinutesReportingEvery15Seconds() {
        var walker = walker()
        let assignMs = Self.startMs + 60_000
        _ = walker.assign(ticketID: "T-1", destination: Self.east, atMs: assignMs)
        let reports = walker.advance(toMs: assignMs + 700_000)
        let walk = reports.filter { $0.atMs >= assignMs && $0.atMs <= assignMs + 300_000 }
        #expect(walk.first?.atMs == assignMs, "the start of the walk is reported at once")
        let gaps = zip(walk.dropFirst(), walk).map { $0.atMs - $1.atMs }
        #expect(gaps.dropLast().allSatisfy { $0 == 15_000 }, "\(gaps)")
        let arrival = walk.last
        #expect(arrival?.atMs == assignMs + 300_000, "arrival is reported when it happens")
        #expect((arrival?.position.distanceMetres(to: Self.east) ?? .infinity) < 50)
        let distances = walk.map { $0.position.distanceMetres(to: Self.east) }
        #expect(zip(distances.dropFirst(), distances).allSatisfy { later, earlier in later < earlier - 10 }, "\(distances)")
        #expect(walker.activity == .atTicket(ticketID: "T-1", untilMs: assignMs + 300_000 + 600_000))
        // Standing at the ticket, the phone falls back to its idle interval.
        #expect(reports.filter { $0.atMs > assignMs + 300_000 }.map(\.atMs) == [assignMs + 600_000])
    }

    @Test func staysTenMinutesThenWalksBackToBase() {
        var walker = walker()
        _ = walker.assign(ticketID: "T-1", destination: Self.east, atMs: Self.startMs)
        let arrivedMs = Self.startMs + 300_000
        var reports = walker.advance(toMs: arrivedMs + 600_000 - 1)
        #expect(walker.ticketID == "T-1" && !walker.isMoving)
        reports += walker.advance(toMs: arrivedMs + 600_000)
        #expect(walker.activity == .returning)
        #expect(reports.last?.atMs == arrivedMs + 600_000, "leaving is reported")
        reports = walker.advance(toMs: arrivedMs + 600_000 + 300_000)
        #expect(walker.activity == .atBase)
        #expect(walker.position == Self.base)
        let home = reports.last
        #expect(home?.atMs == arrivedMs + 900_000)
        #expect((home?.position.distanceMetres(to: Self.base) ?? .infinity) < 50)
    }

    @Test func aNewAssignmentMidWalkTurnsAround() {
        var walker = walker()
        _ = walker.assign(ticketID: "T-1", destination: Self.east, atMs: Self.startMs)
        _ = walker.advance(toMs: Self.startMs + 150_000)
        #expect(abs(walker.position.distanceMetres(to: Self.base) - 195) < 0.5)
        let turnMs = Self.startMs + 150_000
        _ = walker.assign(ticketID: "T-2", destination: Self.west, atMs: turnMs)
        let reports = walker.advance(toMs: turnMs + 450_000)
        let eastOfBase = reports.prefix(3).map { $0.position.longitude > Self.base.longitude }
        #expect(eastOfBase == [true, true, true], "still east of base just after turning")
        let towardWest = reports.prefix(10).map { $0.position.distanceMetres(to: Self.west) }
        #expect(zip(towardWest.dropFirst(), towardWest).allSatisfy { $0 < $1 }, "\(towardWest)")
        // 195 m back to base and 390 m beyond: 450 s.
        #expect(walker.activity == .atTicket(ticketID: "T-2", untilMs: turnMs + 450_000 + 600_000))
        #expect(reports.last?.atMs == turnMs + 450_000)
        #expect((reports.last?.position.distanceMetres(to: Self.west) ?? .infinity) < 50)
    }

    @Test func releasedWhileWalkingItWalksBackAndRepeatsChangeNothing() {
        var walker = walker()
        _ = walker.assign(ticketID: "T-1", destination: Self.east, atMs: Self.startMs)
        _ = walker.advance(toMs: Self.startMs + 100_000)
        let before = walker.position
        _ = walker.assign(ticketID: "T-1", destination: Self.east, atMs: Self.startMs + 100_000)
        #expect(walker.activity == .walking(ticketID: "T-1") && walker.position == before, "a repeated event changes nothing")
        _ = walker.release(ticketID: "T-9", atMs: Self.startMs + 100_000)
        #expect(walker.activity == .walking(ticketID: "T-1"), "another ticket's end is not this walk's")
        _ = walker.release(ticketID: "T-1", atMs: Self.startMs + 100_000)
        #expect(walker.activity == .returning)
        _ = walker.advance(toMs: Self.startMs + 200_000 + 1000)
        #expect(walker.activity == .atBase)
    }

    @Test func aReachedTicketDoesNotSendThePersonBackUntilReleased() {
        var walker = walker()
        _ = walker.assign(ticketID: "T-1", destination: Self.east, atMs: Self.startMs)
        _ = walker.advance(toMs: Self.startMs + 300_000 + 600_000 + 30_000)
        #expect(walker.activity == .returning)
        _ = walker.assign(ticketID: "T-1", destination: Self.east, atMs: Self.startMs + 930_000)
        #expect(walker.activity == .returning, "a warning on a ticket already visited")
        _ = walker.release(ticketID: "T-1", atMs: Self.startMs + 940_000)
        _ = walker.assign(ticketID: "T-1", destination: Self.east, atMs: Self.startMs + 950_000)
        #expect(walker.activity == .walking(ticketID: "T-1"), "a reopened ticket sends them again")
    }

    @Test func idleAtBaseReportsEveryFiveMinutes() {
        var walker = walker()
        // The first report within 15 s, then one each 5 min: 12 in 59 min 45 s.
        let reports = walker.advance(toMs: Self.startMs + 3_600_000 - 15_000)
        #expect(reports.count == 12, "\(reports.map(\.atMs))")
        #expect((reports.first?.atMs ?? .max) < Self.startMs + 15_000, "the first report comes early")
        #expect(zip(reports.dropFirst(), reports).allSatisfy { $0.atMs - $1.atMs == 300_000 })
        #expect(reports.allSatisfy { $0.position.distanceMetres(to: Self.base) < 15 }, "jitter of a few metres")
        #expect(Set(reports.map(\.position)).count == reports.count, "the phone's error varies")
    }

    @Test func theSameSeedWalksTheSameWay() {
        var a = walker()
        var b = walker()
        var c = StaffWalker(id: "s1", base: Self.base, startMs: Self.startMs, seed: 4)
        let run = { (w: inout StaffWalker) -> [StaffReport] in
            w.assign(ticketID: "T-1", destination: Self.east, atMs: Self.startMs + 20_000) + w.advance(toMs: Self.startMs + 2_000_000)
        }
        let first = run(&a)
        #expect(first == run(&b))
        #expect(first != run(&c))
    }
}
