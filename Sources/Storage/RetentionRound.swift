import Dispatch
import Foundation

/// One retention round as a sequence of short write transactions: roll up what is new, then
/// prune and scrub. The caller runs `step()` until it returns false and may pause between
/// steps (the service yields; tests and `gridwatch retention run-once` do not). Each step is
/// idempotent and moves its own cursor, so a round cut short by a restart loses nothing.
public struct RetentionRound: Sendable {
    /// What a round did, counts only (never values: they may be personal data).
    public struct Summary: Sendable, Codable {
        public var readingsRolledUp = 0
        public var bucketsWritten = 0
        public var readingsPruned = 0
        public var rollupsPruned = 0
        public var payloadsScrubbed = 0
        public var alertEventsScrubbed = 0
        public var ticketsScrubbed = 0
        public var rejectedPruned = 0
        public var rejectedScrubbed = 0
        public var staffPositionsPruned = 0
        public var steps = 0
        /// The longest a single step took. Ingest waits at most this long: less for a roll-up
        /// step, which reads and folds its readings before it takes the write lock.
        public var longestStepSeconds = 0.0
        /// Which kind of step that was (`rollUp`, `pruneReadings(0)`, ...).
        public var longestStep = ""
        public var totalSeconds = 0.0
        public init() {}
    }

    private enum Job {
        case rollUp, pruneReadings(Int), scrubReadings(String), scrubAlertEvents(String), scrubTickets(String)
        case scrubRejected, pruneRejected, pruneRollups, pruneStaffPositions, scrubFollowUpComments
    }

    public let database: any GatewayStore
    public let plan: RetentionPlan
    public let nowMs: Int64
    public private(set) var summary = Summary()
    private var jobs: [Job]

    public init(database: any GatewayStore, plan: RetentionPlan, nowMs: Int64) {
        self.database = database
        self.plan = plan
        self.nowMs = nowMs
        let personalTypes = plan.personalFieldsByType.keys.sorted()
        // Roll-up first: pruning and scrubbing only reach readings already rolled up.
        jobs = [.rollUp] + plan.rawGroups.indices.map { .pruneReadings($0) } + personalTypes.map { .scrubReadings($0) }
            + personalTypes.map { .scrubAlertEvents($0) } + personalTypes.map { .scrubTickets($0) }
            + [.scrubRejected, .pruneRejected, .pruneRollups, .pruneStaffPositions, .scrubFollowUpComments]
    }

    /// Runs one step; false once the round is over.
    public mutating func step() throws -> Bool {
        guard let job = jobs.first else { return false }
        let started = DispatchTime.now().uptimeNanoseconds
        let finished = try run(job)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        summary.steps += 1
        if seconds > summary.longestStepSeconds {
            summary.longestStepSeconds = seconds
            summary.longestStep = "\(job)"
        }
        summary.totalSeconds += seconds
        if finished { jobs.removeFirst() }
        return !jobs.isEmpty
    }

    /// Runs the whole round without pausing.
    public mutating func runToEnd() throws -> Summary {
        while try step() {}
        return summary
    }

    private mutating func run(_ job: Job) throws -> Bool {
        switch job {
        case .rollUp:
            let result = try database.rollUpStep(plan, nowMs: nowMs)
            summary.readingsRolledUp += result.readings
            summary.bucketsWritten += result.buckets
            return result.caughtUp
        case let .pruneReadings(group):
            return try count(database.pruneReadingsStep(plan, group: group, nowMs: nowMs), into: \.readingsPruned)
        case let .scrubReadings(type):
            return try count(database.scrubReadingsStep(plan, type: type, nowMs: nowMs), into: \.payloadsScrubbed)
        case let .scrubAlertEvents(type):
            return try count(database.scrubAlertEventsStep(plan, type: type, nowMs: nowMs), into: \.alertEventsScrubbed)
        case let .scrubTickets(type):
            return try count(database.scrubTicketsStep(plan, type: type, nowMs: nowMs), into: \.ticketsScrubbed)
        case .scrubRejected:
            return try count(database.scrubRejectedStep(plan, nowMs: nowMs), into: \.rejectedScrubbed)
        case .pruneRejected:
            return try count(database.pruneRejectedStep(plan, nowMs: nowMs), into: \.rejectedPruned)
        case .pruneRollups:
            return try count(database.pruneRollupsStep(plan, nowMs: nowMs), into: \.rollupsPruned)
        case .pruneStaffPositions:
            return try count(database.pruneStaffPositionsStep(plan, nowMs: nowMs), into: \.staffPositionsPruned)
        case .scrubFollowUpComments:
            return try count(database.scrubFollowUpCommentsStep(plan, nowMs: nowMs), into: \.ticketsScrubbed)
        }
    }

    private mutating func count(_ result: RetentionStepResult, into counter: WritableKeyPath<Summary, Int>) -> Bool {
        summary[keyPath: counter] += result.changed
        return result.finished
    }
}
