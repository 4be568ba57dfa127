import Devices
import Foundation

/// The follow-up visit or call (回访) after a service: when it is due, how many tries it took,
/// and what the resident said. The centre is assessed on these answers (satisfaction, NPS), so
/// they are kept per cycle: a dissatisfied answer reopens the ticket and the next resolution
/// gets a follow-up of its own.
public struct FollowUp: Sendable, Codable, Hashable {
    /// The clock cycle whose resolution it follows up.
    public var cycle: Int
    /// Opened when the ticket was resolved.
    public var openedAt: Int64
    /// By when the centre should have spoken to the resident.
    public var dueAt: Int64
    /// When the follow-up ended: the resident answered, or the last attempt failed.
    public var doneAt: Int64?
    /// nil while open; false when given up after the configured attempts.
    public var reached: Bool?
    /// 1 (very dissatisfied) to 5 (very satisfied).
    public var satisfaction: Int?
    /// Would recommend the service to a neighbour: 0 to 10, for the net promoter score.
    public var recommend: Int?
    /// The resident's words: personal data, scrubbed after the personal period.
    public var comment: String?
    /// Who called or visited.
    public var by: String?
    /// Tries that did not reach the resident.
    public var failedAttempts = 0
    /// When the overdue warning fired, so it fires once.
    public var warnedAt: Int64?

    public init(cycle: Int, openedAt: Int64, dueAt: Int64) {
        self.cycle = cycle
        self.openedAt = openedAt
        self.dueAt = dueAt
    }

    public var isOpen: Bool { doneAt == nil }

    /// Done in time: by `dueAt`.
    public var onTime: Bool? { doneAt.map { $0 <= dueAt } }

    enum CodingKeys: String, CodingKey {
        case cycle, openedAt = "opened_at", dueAt = "due_at", doneAt = "done_at", reached, satisfaction, recommend, comment, by
        case failedAttempts = "failed_attempts", warnedAt = "warned_at"
    }
}

/// What the person who followed up writes down.
public struct FollowUpAnswer: Sendable, Hashable {
    public var reached: Bool
    public var satisfaction: Int?
    public var recommend: Int?
    public var comment: String?

    public init(reached: Bool, satisfaction: Int? = nil, recommend: Int? = nil, comment: String? = nil) {
        self.reached = reached
        self.satisfaction = satisfaction
        self.recommend = recommend
        self.comment = comment
    }

    /// At or below it, the answer reopens the ticket as remediation (服务补救).
    public static let dissatisfiedAtOrBelow = 2

    /// The first thing wrong with the answer, in words a form can show next to its field.
    public var problem: String? {
        if let satisfaction, !(1...5).contains(satisfaction) { return "satisfaction must be 1 to 5, not \(satisfaction)" }
        if let recommend, !(0...10).contains(recommend) { return "recommend must be 0 to 10, not \(recommend)" }
        if !reached, satisfaction != nil || recommend != nil { return "a resident who was not reached gives no satisfaction or recommend" }
        return nil
    }
}

/// Which clock a warning or transfer belongs to.
public enum TicketClock: String, Sendable, Hashable, Codable {
    /// Time to the first response (respond_by).
    case respond
    /// Time to resolution (resolve_by).
    case resolve
}

/// Why a ticket came back, for the remediation figures: the alarm fired again, the resident
/// was not satisfied at the follow-up, or a person reopened it.
public enum ReopenCause: String, Sendable, Hashable, Codable {
    case alarm, dissatisfaction, staff
}

/// What a recorded follow-up did to its ticket.
public enum FollowUpOutcome: String, Sendable, Hashable, Codable {
    /// Reached and not dissatisfied: the loop is closed.
    case closed
    /// Satisfaction at or below 2: reopened as remediation.
    case reopened
    /// Not reached; another attempt is due.
    case attemptFailed = "attempt_failed"
    /// Not reached after the configured attempts: closed as not reached.
    case notReached = "not_reached"
    /// Recorded on a ticket already closed, which stays closed.
    case recorded
}
