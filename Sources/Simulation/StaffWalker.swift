import Foundation

/// How the twin's staff move and how often their phones report.
public struct WalkSettings: Sendable, Hashable {
    /// A brisk walk; 390 m takes five minutes.
    public var speedMetresPerSecond: Double = 1.3
    /// Between reports while walking.
    public var reportIntervalMs: Int64 = 15_000
    /// Between reports while standing still (at base or at a ticket): phones save battery.
    public var idleReportIntervalMs: Int64 = 300_000
    /// How long someone stays at a ticket's location before walking back.
    public var dwellMs: Int64 = 600_000
    /// The standard deviation of the phone's position error, per axis.
    public var jitterMetres: Double = 2

    public init() {}
}

/// One staff member of the digital twin: waits at base, walks to the ticket they are given,
/// stays a while, walks back, and reports positions on the way.
///
/// Time only moves through `advance(toMs:)` (and `assign`/`release`, which advance first),
/// so the walk is the same whatever the wall clock does. Reported positions carry a seeded
/// error of a few metres; the walk itself is exact.
public struct StaffWalker: Sendable {
    /// What the person is doing.
    public enum Activity: Sendable, Hashable {
        case atBase
        case walking(ticketID: String)
        case atTicket(ticketID: String, untilMs: Int64)
        case returning
    }

    public let id: String
    public let base: MapPoint
    public let settings: WalkSettings
    /// The true position at `clockMs`.
    public internal(set) var position: MapPoint
    public internal(set) var clockMs: Int64
    public internal(set) var activity: Activity = .atBase
    /// Where the current walk ends, if walking.
    public internal(set) var target: MapPoint?
    /// When the phone reports next.
    public internal(set) var nextReportMs: Int64
    var lastReportMs: Int64?
    /// Tickets reached and not yet released: a repeated event for one of them (a warning,
    /// a comment) must not send the person there again.
    var reached: Set<String> = []
    var rng: SplitMix64

    /// A person at `base` at `startMs`; the first report comes within the first walking
    /// interval, staggered by the seed so a roster does not report all at one instant.
    public init(id: String, base: MapPoint, startMs: Int64, seed: UInt64 = 1, settings: WalkSettings = WalkSettings()) {
        self.id = id
        self.base = base
        self.settings = settings
        position = base
        clockMs = startMs
        rng = SplitMix64(seed: StableHash.mix(seed, StableHash.fnv1a("staff/" + id)))
        nextReportMs = startMs + rng.int(0...max(0, settings.reportIntervalMs - 1))
    }

    /// The ticket the person is walking to or standing at, if any.
    public var ticketID: String? {
        switch activity {
        case let .walking(ticketID), let .atTicket(ticketID, _): ticketID
        case .atBase, .returning: nil
        }
    }

    /// Moves the person forward to `toMs` and returns the reports due until then, in time
    /// order. Arriving somewhere or setting off is reported at that instant.
    public mutating func advance(toMs: Int64) -> [StaffReport] {
        var reports: [StaffReport] = []
        while true {
            let change = phaseEndMs
            let next = min(nextReportMs, change)
            guard next <= toMs else { break }
            glide(to: next)
            if next == change {
                finishPhase()
                nextReportMs = next
                continue
            }
            reports.append(report())
        }
        glide(to: toMs)
        return reports
    }

    /// Sends the person to `destination` for `ticketID` at `atMs` (from wherever they are:
    /// a walk in progress turns around). Returns the reports due before then. A ticket the
    /// person is already walking to or has reached changes nothing.
    public mutating func assign(ticketID: String, destination: MapPoint, atMs: Int64) -> [StaffReport] {
        let reports = advance(toMs: atMs)
        guard !reached.contains(ticketID), self.ticketID != ticketID else { return reports }
        setOff(.walking(ticketID: ticketID), to: destination)
        return reports
    }

    /// The ticket is over (resolved, closed, cancelled, or given to someone else): whoever
    /// is on the way or on the spot walks back to base. Returns the reports due before `atMs`.
    public mutating func release(ticketID: String, atMs: Int64) -> [StaffReport] {
        let reports = advance(toMs: atMs)
        reached.remove(ticketID)
        if self.ticketID == ticketID { setOff(.returning, to: base) }
        return reports
    }

    /// Starts a walk now and reports the start, unless a report just went out.
    mutating func setOff(_ walk: Activity, to destination: MapPoint) {
        activity = walk
        target = destination
        nextReportMs = lastReportMs == clockMs ? clockMs + settings.reportIntervalMs : clockMs
    }
}
