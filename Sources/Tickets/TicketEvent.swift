import Devices
import Formats
import Foundation

/// Something that happens to a ticket: from the rules engine (`alertFired`, `alertCleared`)
/// or from a person through the CLI, the API or the dashboard.
public enum TicketEvent: Sendable, Hashable {
    /// The same (rule, device) fired again while the ticket is still active.
    case alertFired
    case acknowledge
    /// Work started (`in_progress`); acknowledges too when nobody had.
    case start
    /// Waiting on something outside the team (parts, the resident's access): pauses the
    /// resolution clock only. The resident still deserves an answer, so the response clock runs.
    case pend(reason: String)
    case resume
    case resolve(note: String)
    case close
    /// Resolved, but the problem came back: a new clock cycle.
    case reopen(reason: String, cause: ReopenCause = .staff)
    /// A false alarm, or a duplicate.
    case cancel(reason: String)
    case assign(person: String)
    /// The assignee cannot go (already at another emergency, off sick): dispatch chooses again
    /// without them.
    case decline(reason: String)
    case comment(text: String)
    /// The follow-up call or visit after a resolution (回访).
    case followUp(FollowUpAnswer)
    /// The alert that opened the ticket cleared.
    case alertCleared

    /// The name used in error messages and the CLI.
    public var name: String {
        switch self {
        case .alertFired: "alert_fired"
        case .acknowledge: "acknowledge"
        case .start: "start"
        case .pend: "pend"
        case .resume: "resume"
        case .resolve: "resolve"
        case .close: "close"
        case .reopen: "reopen"
        case .cancel: "cancel"
        case .assign: "assign"
        case .decline: "decline"
        case .comment: "comment"
        case .followUp: "follow_up"
        case .alertCleared: "alert_cleared"
        }
    }
}

/// What an event or the passing of time did to a ticket, for notifications and replay output.
public enum TicketAction: Sendable, Hashable {
    /// Nothing that anyone needs to be told about (the timeline may still have a line).
    case none
    case opened
    /// A repeat occurrence.
    case updated
    case acknowledged
    case started
    case pended
    case resumed
    /// `automatically`: the alert cleared and nobody had touched the ticket.
    case resolved(automatically: Bool)
    case closed
    case reopened(cycle: Int)
    case cancelled
    case assigned(person: String)
    case commented
    case warned(level: Int, clock: TicketClock = .respond)
    case transferred(team: String, clock: TicketClock = .respond)
    case responseBreached
    case resolutionBreached
    /// Acknowledged, but no progress in time: back to open, escalated again.
    case fellBackToOpen
    /// Dispatch chose a person, or recorded that nobody was available (nil).
    case dispatched(assignee: String?)
    case declined(person: String)
    /// The dispatched person reached the ticket's location.
    case arrived(person: String)
    /// A follow-up was recorded; `outcome` says what it did to the ticket.
    case followedUp(outcome: FollowUpOutcome)
    /// The follow-up was not done by its due time.
    case followUpOverdue

    /// The replay output's `event` (docs/design.md §1.8), or nil for actions it does not
    /// list; those still reach the timeline and the API.
    public var replayEvent: String? {
        switch self {
        case .opened: "ticket_opened"
        case .updated: "ticket_updated"
        case .warned: "ticket_warned"
        case .transferred: "ticket_transferred"
        case .resolved: "ticket_resolved"
        case .reopened: "ticket_reopened"
        case .dispatched: "ticket_dispatched"
        case .arrived: "ticket_arrived"
        case .followedUp: "ticket_followed_up"
        default: nil
        }
    }
}

/// An event the ticket's state does not allow, or one missing what it needs.
public enum TicketTransitionError: Error, Hashable, CustomStringConvertible {
    /// e.g. acknowledging a closed ticket.
    case invalidTransition(event: String, state: Ticket.State)
    /// `pend`, `reopen`, `cancel` need a reason; `assign` a person; `comment` text.
    case missingText(event: String, what: String)
    /// Acknowledging twice would overwrite the response time that reports measure.
    case alreadyAcknowledged(at: Int64)
    /// A follow-up on a ticket that has none open, or an answer out of range.
    case followUp(String)

    public var description: String {
        switch self {
        case let .invalidTransition(event, state): "cannot \(event) a ticket that is \(state.rawValue)"
        case let .missingText(event, what): "\(event) needs \(what)"
        case let .alreadyAcknowledged(at): "the ticket was already acknowledged at \(RFC3339.format(milliseconds: at, timeZone: .current))"
        case let .followUp(problem): problem
        }
    }
}
