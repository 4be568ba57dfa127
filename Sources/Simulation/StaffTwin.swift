import Foundation

/// The digital twin's staff: one `StaffWalker` per roster entry, their positions as MQTT
/// messages on `gridwatch/{community}/staff/{id}/location` (`{"ts", "lat", "lon"}`), in
/// simulated-time order, and the ticket events that send them out.
///
/// Like `FleetSimulator` it never reads the wall clock; the caller says what time it is.
public struct StaffTwin: Sendable {
    /// A place of the simulated fleet (a building), telling which community a base lies in.
    public struct Site: Sendable, Hashable {
        public var community: String
        public var position: MapPoint

        public init(community: String, position: MapPoint) {
            self.community = community
            self.position = position
        }
    }

    public private(set) var walkers: [StaffWalker]
    /// Each walker's community (the one of the building nearest its base).
    public let communities: [String]
    let topics: [String]
    let indexByID: [String: Int]
    let timeZone: TimeZone
    /// Positions produced so far.
    public private(set) var reportCount = 0

    /// Everyone on the roster at their base at `startMs`. A base belongs to the community
    /// of its nearest site; without sites, to `defaultCommunity`.
    public init(roster: TwinRoster, sites: [Site], defaultCommunity: String, startMs: Int64, seed: UInt64 = 1,
                settings: WalkSettings = WalkSettings(), timeZone: TimeZone = FleetSimulator.defaultTimeZone) {
        walkers = roster.people.map { StaffWalker(id: $0.id, base: $0.base, startMs: startMs, seed: seed, settings: settings) }
        communities = roster.people.map { person in
            sites.min { $0.position.distanceMetres(to: person.base) < $1.position.distanceMetres(to: person.base) }?.community
                ?? defaultCommunity
        }
        topics = zip(roster.people, communities).map { "gridwatch/\($1)/staff/\($0.id)/location" }
        indexByID = Dictionary(roster.people.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
        self.timeZone = timeZone
    }

    /// One site per building of the fleet, at the position the fleet's wristbands report from.
    public static func sites(of fleet: [FleetDevice]) -> [Site] {
        var seen: Set<String> = []
        var sites: [Site] = []
        for device in fleet where seen.insert(device.community + "\u{0}" + device.building).inserted {
            let home = SiteLocation.home(of: device)
            sites.append(Site(community: device.community, position: MapPoint(latitude: home.lat, longitude: home.lon)))
        }
        return sites
    }

    /// When the next position is due (a report, or an arrival or departure, which is
    /// reported at once); nil for an empty roster.
    public var nextDueMs: Int64? {
        walkers.lazy.map(\.nextDueMs).min()
    }

    /// Everyone moved forward to `toMs`; the positions due until then, in time order
    /// (ties in roster order).
    public mutating func advance(toMs: Int64) -> [SimulatedMessage] {
        var reports: [(StaffReport, Int)] = []
        for i in walkers.indices {
            reports += walkers[i].advance(toMs: toMs).map { ($0, i) }
        }
        return messages(reports)
    }

    /// Acts on one ticket event at `atMs`: an active ticket with a location sends its
    /// assignee (if on the roster) there; a finished ticket, or one now someone else's,
    /// sends whoever was going or is there back to base. Returns the positions that fell
    /// due before `atMs` for the people it moved.
    public mutating func apply(_ notice: TicketNotice, atMs: Int64) -> [SimulatedMessage] {
        var reports: [(StaffReport, Int)] = []
        for i in walkers.indices where walkers[i].isInvolved(in: notice.ticketID) {
            let stillTheirs = notice.isActive && notice.assignee == walkers[i].id
            if notice.isFinished || (notice.isActive && !stillTheirs) {
                reports += walkers[i].release(ticketID: notice.ticketID, atMs: atMs).map { ($0, i) }
            }
        }
        if notice.isActive, let assignee = notice.assignee, let destination = notice.destination, let i = indexByID[assignee] {
            reports += walkers[i].assign(ticketID: notice.ticketID, destination: destination, atMs: atMs).map { ($0, i) }
        }
        return messages(reports)
    }

    /// The walker of a roster id.
    public func walker(_ id: String) -> StaffWalker? {
        indexByID[id].map { walkers[$0] }
    }

    private mutating func messages(_ reports: [(StaffReport, Int)]) -> [SimulatedMessage] {
        let ordered = reports.enumerated().sorted { a, b in
            (a.element.0.atMs, a.element.1, a.offset) < (b.element.0.atMs, b.element.1, b.offset)
        }
        reportCount += ordered.count
        return ordered.map { _, pair in
            let (report, i) = pair
            var json = JSONBuffer(capacity: 64)
            json.int("ts", report.atMs)
            json.fixed("lat", report.position.latitude, decimals: 6)
            json.fixed("lon", report.position.longitude, decimals: 6)
            let offset = timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(report.atMs) / 1000))
            return SimulatedMessage(atMs: report.atMs, topic: topics[i], payload: json.finish(),
                                    utcOffsetSeconds: offset, knownJSONObject: true)
        }
    }
}
