import Foundation

/// The events that do not move a ticket along its work states: repeats and clears from the
/// rules, hand-overs between people, comments and the follow-up.
extension TicketLifecycle {
    mutating func sideEventHappened(_ event: TicketEvent, at nowMs: Int64, by actor: String) throws(TicketTransitionError) -> TicketAction {
        let state = ticket.state
        switch event {
        case .alertFired:
            try allowed(Self.activeStates, for: event)
            ticket.occurrences += 1
            ticket.lastOccurrenceAt = nowMs
            log(nowMs, actor, "occurred", "occurrence \(ticket.occurrences)")
            return .updated
        case let .assign(person):
            let person = try required(person, "a person", for: event)
            try allowed(Self.activeStates, for: event)
            ticket.assignee = person
            log(nowMs, actor, "assigned", person)
            return .assigned(person: person)
        case let .decline(reason):
            let reason = try required(reason, "a reason", for: event)
            // Declining is for the start of the job; once work began, hand over with `assign`.
            try allowed([.open, .acknowledged], for: event)
            guard let person = ticket.assignee else { throw .missingText(event: event.name, what: "an assignee to decline it") }
            ticket.assignee = nil
            ticket.passedOverBy = (ticket.passedOverBy ?? []) + [person]
            log(nowMs, actor, "declined", "\(person): \(reason)")
            return .declined(person: person)
        case let .comment(body):
            // Comments are welcome in every state: a closed ticket is still discussed.
            log(nowMs, actor, "commented", try required(body, "text", for: event))
            return .commented
        case let .followUp(answer):
            return try followedUp(answer, at: nowMs, by: actor)
        case .alertCleared:
            // A clear that arrives after a person finished the ticket changes nothing.
            guard state.isActive else { return .none }
            if state == .open, ticket.autoResolvable, !ticket.lifeSafety, ticket.acknowledgedAt == nil {
                ticket.resolvedAt = nowMs
                ticket.state = .resolved
                ticket.autoResolved = true
                log(nowMs, actor, "auto_resolved", "the alert cleared before anyone acknowledged")
                return .resolved(automatically: true)
            }
            // Someone is on it, or it is life-safety: a person decides, but should know.
            log(nowMs, actor, "alert_cleared", "left \(state.rawValue) for a person to resolve")
            return .none
        default:
            preconditionFailure("\(event.name) is a work-state event: eventHappened handles it")
        }
    }
}
