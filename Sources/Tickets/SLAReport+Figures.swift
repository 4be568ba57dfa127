extension SLAReport {
    /// How many of the measurable tickets met one clock; those still inside their window are
    /// counted apart, because counting them either way would move the rate before anyone acted.
    public struct OnTime: Sendable, Codable, Hashable {
        /// Met or missed: the denominator of `rate`.
        public var measured: Int
        public var onTime: Int
        public var breached: Int
        /// Among `breached`: still active, nobody has acted yet. These are the ones to chase.
        public var openOverdue: Int
        /// Still inside their window at the report's moment: neither met nor missed yet.
        public var notYetDue: Int
        /// `onTime / measured`.
        public var rate: Double?

        init(_ outcomes: [ClockOutcome]) {
            onTime = outcomes.count { $0 == .onTime }
            openOverdue = outcomes.count { $0 == .breached(stillOpen: true) }
            breached = openOverdue + outcomes.count { $0 == .breached(stillOpen: false) }
            notYetDue = outcomes.count { $0 == .notYetDue }
            measured = onTime + breached
            rate = SLAReport.rate(onTime, of: measured)
        }

        enum CodingKeys: String, CodingKey {
            case measured, onTime = "on_time", breached, openOverdue = "open_overdue", notYetDue = "not_yet_due", rate
        }
    }

    /// Nearest-rank percentiles of durations in milliseconds: always a duration that really
    /// happened, never an interpolation between two tickets.
    public struct Durations: Sendable, Codable, Hashable {
        public var samples: Int
        public var p50Ms: Int64?
        public var p90Ms: Int64?
        public var maxMs: Int64?

        public init(samples values: [Int64]) {
            let sorted = values.sorted()
            // Integer ranks: `0.9 * n` in floating point can land a hair above a whole number.
            func rank(_ percent: Int) -> Int64? {
                sorted.isEmpty ? nil : sorted[max((percent * sorted.count + 99) / 100, 1) - 1]
            }
            samples = sorted.count
            p50Ms = rank(50)
            p90Ms = rank(90)
            maxMs = sorted.last
        }

        enum CodingKeys: String, CodingKey {
            case samples, p50Ms = "p50_ms", p90Ms = "p90_ms", maxMs = "max_ms"
        }
    }

    /// One tier's response and resolution figures. Cancelled tickets (false alarms) and
    /// auto-resolved ones (the alert cleared before anyone acted) are counted here but kept out
    /// of every rate and duration: nobody was asked to respond to them.
    public struct Tier: Sendable, Codable, Hashable {
        public var tier: String
        public var tickets: Int
        public var cancelled: Int
        public var autoResolved: Int
        public var response: OnTime
        public var resolution: OnTime
        /// From the start of the ticket's current cycle to its acknowledgement: a reopen clears
        /// the acknowledgement, so timing it from the first opening would add the whole first
        /// cycle to the second answer.
        public var timeToAcknowledge: Durations
        /// From the first opening to the (last) resolution: what the resident waited in all,
        /// failed fixes included, as the 72 h closure standard counts it.
        public var timeToResolve: Durations
        /// From the (latest) dispatch to the assignee's arrival: the 15-minute circle, measured.
        public var timeToArrive: Durations

        init(name: String, tickets: [Ticket], nowMs: Int64) {
            tier = name
            self.tickets = tickets.count
            cancelled = tickets.count { $0.state == .cancelled }
            autoResolved = tickets.count { $0.autoResolved }
            let worked = tickets.filter(\.isWorkedByPeople)
            response = OnTime(worked.map { $0.responseOutcome(at: nowMs) })
            resolution = OnTime(worked.map { $0.resolutionOutcome(at: nowMs) })
            timeToAcknowledge = Durations(samples: worked.compactMap { ticket in
                ticket.acknowledgedAt.map { $0 - ticket.cycleStartedAt }
            })
            timeToResolve = Durations(samples: worked.compactMap { ticket in ticket.resolvedAt.map { $0 - ticket.openedAt } })
            timeToArrive = Durations(samples: worked.compactMap { ticket in
                ticket.arrivedAt.flatMap { arrived in ticket.dispatchedAt.map { max(arrived - $0, 0) } }
            })
        }

        enum CodingKeys: String, CodingKey {
            case tier, tickets, cancelled, autoResolved = "auto_resolved", response, resolution
            case timeToAcknowledge = "time_to_acknowledge", timeToResolve = "time_to_resolve", timeToArrive = "time_to_arrive"
        }
    }

    /// Share of the tickets people worked that were resolved within 72 h of opening (服务闭环).
    /// Resolution closes the loop: `closed` is the desk's paperwork after it and would measure
    /// the clerk, not the repair. Plain elapsed time, pauses included: the standard promises the
    /// resident 72 hours, not 72 hours of the team's own clock.
    public struct Closure: Sendable, Codable, Hashable {
        public var windowMs: Int64
        public var measured: Int
        public var withinWindow: Int
        /// Still active and younger than the window.
        public var notYetDue: Int
        public var rate: Double?
        /// Of the tickets people worked: state `closed` (resolved and signed off) …
        public var closed: Int
        /// … and state `resolved`, awaiting the sign-off.
        public var resolvedAwaitingClose: Int

        init(tickets: [Ticket], nowMs: Int64) {
            let window = SLAReport.closureWindowMs
            let worked = tickets.filter(\.isWorkedByPeople)
            let outcomes = worked.map { ticket -> ClockOutcome in
                if let resolvedAt = ticket.resolvedAt {
                    return resolvedAt - ticket.openedAt <= window ? .onTime : .breached(stillOpen: false)
                }
                return nowMs - ticket.openedAt > window ? .breached(stillOpen: true) : .notYetDue
            }
            let figures = OnTime(outcomes)
            windowMs = window
            measured = figures.measured
            withinWindow = figures.onTime
            notYetDue = figures.notYetDue
            rate = figures.rate
            closed = worked.count { $0.state == .closed }
            resolvedAwaitingClose = worked.count { $0.state == .resolved }
        }

        enum CodingKeys: String, CodingKey {
            case windowMs = "window_ms", measured, withinWindow = "within_window", notYetDue = "not_yet_due", rate
            case closed, resolvedAwaitingClose = "resolved_awaiting_close"
        }
    }
}

/// Where one ticket stands against one clock at the report's moment.
enum ClockOutcome: Hashable {
    case onTime
    case breached(stillOpen: Bool)
    case notYetDue
}

/// The report's reading of one ticket, kept next to the figures that depend on it.
extension Ticket {
    /// A person was asked to act on it: not a false alarm, not cleared by the alert itself.
    var isWorkedByPeople: Bool { state != .cancelled && !autoResolved }

    func responseOutcome(at nowMs: Int64) -> ClockOutcome {
        if acknowledgedAt != nil { return responseBreached ? .breached(stillOpen: false) : .onTime }
        // The flag covers an acknowledgement that timed out after the deadline had passed.
        return responseBreached || respondBy <= nowMs ? .breached(stillOpen: state.isActive) : .notYetDue
    }

    func resolutionOutcome(at nowMs: Int64) -> ClockOutcome {
        if resolvedAt != nil { return resolutionBreached ? .breached(stillOpen: false) : .onTime }
        if resolutionBreached { return .breached(stillOpen: state.isActive) }
        // A pending ticket's deadline moves on when the pause ends: not overdue until flagged.
        return state != .pending && resolveBy <= nowMs ? .breached(stillOpen: state.isActive) : .notYetDue
    }
}
