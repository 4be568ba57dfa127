import Devices
import Formats
import GridDispatch

/// A service ticket: what happened where, who works it, and its SLA clocks for the current
/// cycle. Pure data, serialisable as is, so clocks and fired warnings survive a restart.
/// Times are epoch milliseconds; the API layer renders them as RFC 3339.
public struct Ticket: Sendable, Codable, Hashable {
    /// The contract's states.
    public enum State: String, Sendable, Codable, CaseIterable {
        case open, acknowledged, inProgress = "in_progress", pending, resolved, closed, cancelled

        /// Someone still has to act: the clocks run (the resolution clock not while pending).
        public var isActive: Bool { [.open, .acknowledged, .inProgress, .pending].contains(self) }
    }

    public var id: String
    public var rule: String
    public var device: String
    public var deviceType: String
    public var community: String
    public var building: String
    public var unit: String
    /// The tier name (`emergency`, `general`, `complex`, ...).
    public var severity: String
    public var category: String
    public var title: String
    /// The Chinese title (the rule's `title.zh`, or its item's); `title` is the English one.
    public var titleZh: String?
    public var state: State = .open

    public var openedAt: Int64
    public var acknowledgedAt: Int64?
    public var resolvedAt: Int64?
    public var closedAt: Int64?
    /// When the current cycle's clocks started: `openedAt`, or the last reopen.
    public var cycleStartedAt: Int64
    public var respondBy: Int64 = 0
    /// The resolution deadline, already moved on by every finished pause.
    public var resolveBy: Int64 = 0
    /// When each warning level (1, 2, 3) falls due this cycle; frozen at the cycle's start so
    /// a configuration change never moves them.
    public var warnAt: [Int64] = []
    /// 0 none, 1-3 the warning levels fired this cycle: a level fires only above it, so never twice.
    public var escalationLevel: Int = 0
    public var responseBreached = false
    public var resolutionBreached = false

    public var occurrences = 1
    public var lastOccurrenceAt: Int64
    public var assignee: String?
    public var team: String
    public var reopenCount = 0
    /// Clock cycle number: 1 at opening, +1 at every reopen.
    public var cycle = 1
    /// The tier's standard as it was when the ticket opened: editing the configuration later
    /// must not rewrite promises already made to a resident.
    public var policy: SLAPolicy

    /// Set while pending: the resolution clock stands still since then.
    public var pendingSince: Int64?
    /// The state `resume` returns to.
    public var stateBeforePending: State?
    /// Total paused time of the resolution clock, this cycle.
    public var pausedMs: Int64 = 0

    /// The rule lets the ticket resolve itself when the alert clears (nobody acknowledged it).
    public var autoResolvable: Bool
    /// Life-safety tickets (a fall, a fire) never resolve themselves.
    public var lifeSafety: Bool
    /// Resolved by the alert clearing, not a person: reports exclude these.
    public var autoResolved = false
    /// The earlier ticket of the same (rule, device) this one follows up.
    public var linkedTo: String?
    /// For a request logged by staff (phone, front desk): what the resident asked. nil for alerts.
    public var request: String?
    /// A resident's request: its id as the requester sent it (one ticket per id and community).
    public var requestID: String?
    /// The channel a request came through: the MQTT topic's source, or `api`, `phone`, `visit`.
    public var source: String?
    /// The readings that made the rule fire, newest last (at most `evidenceLimit`).
    public var evidence: [TicketEvidence] = []
    /// Where help is needed: a wristband's wearer at the latest reading, else the unit's
    /// position from the inventory, so a responder can find the place.
    public var latitude: Double?
    public var longitude: Double?
    /// The unit's grid (网格) from the inventory; dispatch prefers the people who cover it.
    public var grid: String?
    /// The demand catalogue's item (`fall_or_sos`); `category` is then its class.
    public var item: String?
    /// The skill a responder needs (from the rule or the route); nil: anyone on duty.
    public var skill: String?
    /// Classes of service resources to list nearby (`aed`, `clinic`, ...), from the rule.
    public var resourceClasses: [String]?
    /// The latest dispatch decision, nobody-available included.
    public var dispatch: DispatchDecision?
    public var dispatchedAt: Int64?
    /// When the dispatched person first came within the arrival radius of the location.
    public var arrivedAt: Int64?
    /// People who declined the ticket or let it lapse: never dispatched to it again.
    public var passedOverBy: [String]?
    /// When each level of the resolve clock's warning (1, 2, 3) falls due this cycle; frozen at
    /// the cycle's start and moved on by pauses. nil on tickets stored before the resolve clock warned.
    public var resolveWarnAt: [Int64]?
    /// 0 (or nil) none, 1-3 the resolve clock's levels fired this cycle.
    public var resolveEscalationLevel: Int?
    /// The follow-up (回访) of the latest resolution by a person.
    public var followUp: FollowUp?
    /// Earlier cycles' follow-ups: a dissatisfied answer reopened the ticket, and the
    /// assessors count that answer too.
    public var followUpHistory: [FollowUp]?
    /// Reopens by cause (`alarm`, `dissatisfaction`, `staff`), for the remediation split.
    public var reopenCauses: [String: Int]?
    public var timeline: [TimelineEntry] = []
    /// The time of the latest timeline entry: a later action may not claim an earlier time,
    /// or the trajectory a supervisor audits would run backwards.
    public var updatedAt: Int64

    /// Enough readings to see a trend, few enough to keep a flapping sensor's ticket small.
    public static let evidenceLimit = 10

    public init(id: String, rule: String, device: String, deviceType: String, community: String,
                building: String = "", unit: String = "", severity: String, category: String = "",
                title: String, team: String, policy: SLAPolicy, openedAt: Int64,
                autoResolvable: Bool = false, lifeSafety: Bool = false, linkedTo: String? = nil) {
        self.id = id
        self.rule = rule
        self.device = device
        self.deviceType = deviceType
        self.community = community
        self.building = building
        self.unit = unit
        self.severity = severity
        self.category = category
        self.title = title
        self.team = team
        self.policy = policy
        self.openedAt = openedAt
        self.cycleStartedAt = openedAt
        self.lastOccurrenceAt = openedAt
        self.updatedAt = openedAt
        // A life-safety ticket must be closed by a person, whatever the rule says.
        self.autoResolvable = autoResolvable && !lifeSafety
        self.lifeSafety = lifeSafety
        self.linkedTo = linkedTo
    }

    /// The (rule, device) pair an alert ticket belongs to; nil for staff-logged requests, which
    /// may be many at once for the same place.
    public var alertKey: String? { request == nil ? rule + "|" + device : nil }

    /// Adds a reading to the evidence, dropping the oldest past the limit.
    public mutating func addEvidence(_ item: TicketEvidence) {
        evidence.append(item)
        if evidence.count > Self.evidenceLimit { evidence.removeFirst(evidence.count - Self.evidenceLimit) }
        if let lat = item.latitude, let lon = item.longitude {
            latitude = lat
            longitude = lon
        }
    }

    /// Takes the grid and position of `device`'s unit from the inventory. A wristband's own
    /// reading, added as evidence, moves the position to where its wearer is.
    public mutating func place(at device: Device) {
        if !device.grid.isEmpty { grid = device.grid }
        if latitude == nil, let lat = device.latitude, let lon = device.longitude {
            latitude = lat
            longitude = lon
        }
    }

    /// Every follow-up, earlier cycles' first.
    public var followUps: [FollowUp] { (followUpHistory ?? []) + (followUp.map { [$0] } ?? []) }

    /// The response clock runs until someone acknowledges (pending does not stop it).
    public var responseClockRunning: Bool { state.isActive && acknowledgedAt == nil }
    /// The resolution clock runs until resolved, and stands still while pending.
    public var resolutionClockRunning: Bool { state.isActive && state != .pending }

    // The contract's snake_case names, so the CLI and API can encode a ticket directly.
    enum CodingKeys: String, CodingKey {
        case id, rule, device, deviceType = "device_type", community, building, unit, severity, category, title, state
        case openedAt = "opened_at", acknowledgedAt = "acknowledged_at", resolvedAt = "resolved_at", closedAt = "closed_at"
        case cycleStartedAt = "cycle_started_at", respondBy = "respond_by", resolveBy = "resolve_by", warnAt = "warn_at"
        case escalationLevel = "escalation_level", responseBreached = "response_breached", resolutionBreached = "resolution_breached"
        case occurrences, lastOccurrenceAt = "last_occurrence_at", assignee, team, reopenCount = "reopen_count", cycle, policy
        case pendingSince = "pending_since", stateBeforePending = "state_before_pending", pausedMs = "paused_ms"
        case autoResolvable = "auto_resolvable", lifeSafety = "life_safety", autoResolved = "auto_resolved"
        case linkedTo = "linked_to", request, evidence, latitude, longitude, timeline, updatedAt = "updated_at"
        case grid, item, skill, resourceClasses = "resource_classes", dispatch, dispatchedAt = "dispatched_at", arrivedAt = "arrived_at"
        case passedOverBy = "passed_over_by"
        case resolveWarnAt = "resolve_warn_at", resolveEscalationLevel = "resolve_escalation_level"
        case followUp = "follow_up", followUpHistory = "follow_up_history", reopenCauses = "reopen_causes", titleZh = "title_zh"
        case requestID = "request_id", source
    }
}

/// A reading behind an alert: when it arrived and its values as JSON text (kept as text so the
/// ticket stays plain Codable data whatever the device type's fields are).
public struct TicketEvidence: Sendable, Codable, Hashable {
    public var atMs: Int64
    public var valuesJSON: String
    /// A wristband's position in this reading, when it had one.
    public var latitude: Double?
    public var longitude: Double?

    public init(atMs: Int64, values: [String: JSONValue]) {
        self.atMs = atMs
        valuesJSON = JSONValue.object(values).jsonText
        latitude = values["lat"]?.number
        longitude = values["lon"]?.number
    }

    enum CodingKeys: String, CodingKey {
        case atMs = "at_ms", valuesJSON = "values", latitude, longitude
    }
}

/// One line of a ticket's history: who did what, when.
public struct TimelineEntry: Sendable, Codable, Hashable {
    public var at: Int64
    public var actor: String
    /// `opened`, `occurred`, `acknowledged`, `started`, `pended`, `resumed`, `resolved`,
    /// `auto_resolved`, `closed`, `reopened`, `cancelled`, `assigned`, `commented`,
    /// `alert_cleared`, `warned`, `transferred`, `response_breached`, `resolution_breached`,
    /// `not_transferred`, `ack_timeout`, `dispatched`, `not_dispatched`, `declined`, `arrived`.
    public var action: String
    public var detail: String

    public init(at: Int64, actor: String, action: String, detail: String = "") {
        self.at = at
        self.actor = actor
        self.action = action
        self.detail = detail
    }
}
