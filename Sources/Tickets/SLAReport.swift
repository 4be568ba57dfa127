/// A device as the health figure sees it: when it last reported and how often it must.
/// The caller fills `expectedIntervalMs` with the type's heartbeat interval times its tolerance,
/// so the report itself knows nothing of device types or configuration.
public struct DeviceReportingStatus: Sendable, Codable, Hashable {
    public var id: String
    public var type: String
    public var building: String
    /// nil: the device never reported, which counts against the health rate like silence.
    public var lastSeenMs: Int64?
    public var expectedIntervalMs: Int64

    public init(id: String, type: String, building: String = "", lastSeenMs: Int64?, expectedIntervalMs: Int64) {
        self.id = id
        self.type = type
        self.building = building
        self.lastSeenMs = lastSeenMs
        self.expectedIntervalMs = expectedIntervalMs
    }

    /// Reported within its interval before `nowMs` (a boundary report still counts).
    public func isHealthy(at nowMs: Int64) -> Bool {
        guard let lastSeenMs else { return false }
        return nowMs - lastSeenMs <= expectedIntervalMs
    }

    enum CodingKeys: String, CodingKey {
        case id, type, building, lastSeenMs = "last_seen_ms", expectedIntervalMs = "expected_interval_ms"
    }
}

/// The period's service figures against the community-service standards (`gridwatch report
/// sla`, `/api/v1/reports/sla`). Pure: the caller hands in the tickets, the devices and the
/// moment `nowMs` that decides what is already overdue, so the same inputs give the same report.
///
/// Tickets in scope are those opened in `[fromMs, toMs)`. Their SLA fields describe the current
/// clock cycle (a reopen restarts them), so response and resolution figures measure each ticket's
/// latest cycle. Durations are wall-clock milliseconds; rates are fractions, absent when nothing
/// could be measured.
public struct SLAReport: Sendable, Codable, Hashable {
    /// Remediation (返工, reopened items) at most 5 %.
    public static let remediationTarget = 0.05
    /// Device health (智能设备完好率) at least 85 %.
    public static let deviceHealthTarget = 0.85
    /// Service closure cycle (服务闭环周期): every item closed within 72 hours.
    public static let closureWindowMs: Int64 = 72 * 3_600_000

    public var fromMs: Int64
    public var toMs: Int64
    public var nowMs: Int64
    /// Tickets opened in the period, whatever became of them.
    public var tickets: Int
    /// One row per tier present, the standard tiers first.
    public var tiers: [Tier]
    /// The same figures over every tier (`tier` is `all`).
    public var overall: Tier
    public var closure: Closure
    public var remediation: Remediation
    public var warningFunnel: WarningFunnel
    public var deviceHealth: DeviceHealth
    /// Tickets per (community, building, category): the data behind a demand heat map.
    public var demand: [DemandCell]
    /// The same by grid, for tickets that recorded one (empty without grids in the inventory).
    public var demandByGrid: [GridDemandCell]
    public var falseAlarms: FalseAlarms
    /// What residents said at the follow-ups, remediation by cause and complaints.
    public var residents: ResidentFigures
    /// The same by demand class and item.
    public var residentsByDemand: [ResidentFigures]

    /// `complaintItems`: the catalogue's items that are complaints, for the complaint figures.
    public init(tickets: [Ticket], devices: [DeviceReportingStatus], fromMs: Int64, toMs: Int64, nowMs: Int64,
                complaintItems: Set<String> = []) {
        let scoped = tickets.filter { $0.openedAt >= fromMs && $0.openedAt < toMs }
        self.fromMs = fromMs
        self.toMs = toMs
        self.nowMs = nowMs
        self.tickets = scoped.count
        let byTier = Dictionary(grouping: scoped, by: \.severity)
        tiers = byTier.keys.sorted(by: Self.tierPrecedes).map { Tier(name: $0, tickets: byTier[$0] ?? [], nowMs: nowMs) }
        overall = Tier(name: "all", tickets: scoped, nowMs: nowMs)
        closure = Closure(tickets: scoped, nowMs: nowMs)
        remediation = Remediation(tickets: scoped)
        warningFunnel = WarningFunnel(tickets: scoped)
        deviceHealth = DeviceHealth(devices: devices, nowMs: nowMs)
        demand = DemandCell.cells(scoped)
        demandByGrid = GridDemandCell.cells(scoped)
        falseAlarms = FalseAlarms(tickets: scoped)
        residents = ResidentFigures(tickets: scoped, nowMs: nowMs, complaintItems: complaintItems)
        residentsByDemand = ResidentFigures.rows(scoped, nowMs: nowMs, complaintItems: complaintItems)
    }

    /// The standard's tiers in order of urgency, then any others by name, so the table reads
    /// the same every period.
    static func tierPrecedes(_ left: String, _ right: String) -> Bool {
        let order = ["emergency", "general", "complex"]
        let (l, r) = (order.firstIndex(of: left) ?? order.count, order.firstIndex(of: right) ?? order.count)
        return l != r ? l < r : left < right
    }

    /// `part / whole`, or nil when there is nothing to divide: "no data" is not 0 %.
    static func rate(_ part: Int, of whole: Int) -> Double? {
        whole > 0 ? Double(part) / Double(whole) : nil
    }

    enum CodingKeys: String, CodingKey {
        case fromMs = "from_ms", toMs = "to_ms", nowMs = "now_ms", tickets, tiers, overall
        case closure = "closed_within_72h", remediation, warningFunnel = "warning_funnel"
        case deviceHealth = "device_health", demand, demandByGrid = "demand_by_grid", falseAlarms = "false_alarms"
        case residents, residentsByDemand = "residents_by_demand"
    }
}
