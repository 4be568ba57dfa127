extension SLAReport {
    /// Remediation (返工): people's fixes that did not hold. A ticket counts once however often
    /// it came back; `reopen_count` only grows for fixes by people, so a cleared alert that
    /// returns is not held against anyone.
    public struct Remediation: Sendable, Codable, Hashable {
        /// Tickets a person resolved at least once: resolved now (not by the alert clearing),
        /// or reopened after a fix, whatever their state today.
        public var resolved: Int
        public var reopened: Int
        /// `reopened / resolved`.
        public var rate: Double?
        public var target: Double
        /// `rate <= target`; nil without a rate.
        public var met: Bool?

        init(tickets: [Ticket]) {
            let fixed = tickets.filter { $0.reopenCount > 0 || ($0.resolvedAt != nil && !$0.autoResolved) }
            resolved = fixed.count
            reopened = fixed.count { $0.reopenCount > 0 }
            rate = SLAReport.rate(reopened, of: resolved)
            target = SLAReport.remediationTarget
            met = rate.map { $0 <= target }
        }

        enum CodingKeys: String, CodingKey { case resolved, reopened, rate, target, met }
    }

    /// How far the three-level warnings (三级预警) went: tickets that reached each level in any
    /// cycle, and transfers up the hierarchy. Every ticket of the period counts, false alarms
    /// included: the warnings went out to someone all the same.
    public struct WarningFunnel: Sendable, Codable, Hashable {
        public var tickets: Int
        public var level1: Int
        public var level2: Int
        public var level3: Int
        /// Tickets handed to a higher team at least once.
        public var transferredTickets: Int
        /// Every hand-over (a ticket reopened and overdue again may move twice).
        public var transfers: Int
        /// The same levels on the resolve clock: service overdue (服务超期).
        public var resolveLevel1: Int
        public var resolveLevel2: Int
        public var resolveLevel3: Int
        /// Tickets handed up because their resolution was overdue.
        public var resolveTransferredTickets: Int

        init(tickets: [Ticket]) {
            let reached = tickets.map { $0.warningLevelsReached(action: "warned", current: $0.escalationLevel) }
            self.tickets = tickets.count
            level1 = reached.count { $0.contains(1) }
            level2 = reached.count { $0.contains(2) }
            level3 = reached.count { $0.contains(3) }
            // The response clock's transfers; the resolve clock's are counted apart.
            let moves = tickets.map { $0.timeline.count { $0.action == "transferred" && !$0.detail.hasSuffix("resolution overdue") } }
            transferredTickets = moves.count { $0 > 0 }
            transfers = moves.reduce(0, +)
            let resolveReached = tickets.map { $0.warningLevelsReached(action: "resolve_warned", current: $0.resolveEscalationLevel ?? 0) }
            resolveLevel1 = resolveReached.count { $0.contains(1) }
            resolveLevel2 = resolveReached.count { $0.contains(2) }
            resolveLevel3 = resolveReached.count { $0.contains(3) }
            resolveTransferredTickets = tickets.count { $0.timeline.contains { $0.action == "transferred" && $0.detail.hasSuffix("resolution overdue") } }
        }

        enum CodingKeys: String, CodingKey {
            case tickets, level1 = "level_1", level2 = "level_2", level3 = "level_3"
            case transferredTickets = "transferred_tickets", transfers
            case resolveLevel1 = "resolve_level_1", resolveLevel2 = "resolve_level_2", resolveLevel3 = "resolve_level_3"
            case resolveTransferredTickets = "resolve_transferred_tickets"
        }
    }

    /// Registered devices reporting on time (智能设备完好率), overall and per type. A snapshot at
    /// the report's moment, not over the period: a device's past silences are not stored.
    public struct DeviceHealth: Sendable, Codable, Hashable {
        public var healthy: Int
        public var total: Int
        public var rate: Double?
        public var target: Double
        /// `rate >= target`; nil without devices.
        public var met: Bool?
        /// By type name: one type going silent (a flat batch of batteries) shows here first.
        public var byType: [TypeHealth]

        init(devices: [DeviceReportingStatus], nowMs: Int64) {
            let target = SLAReport.deviceHealthTarget
            healthy = devices.count { $0.isHealthy(at: nowMs) }
            total = devices.count
            rate = SLAReport.rate(healthy, of: total)
            self.target = target
            met = rate.map { $0 >= target }
            byType = Dictionary(grouping: devices, by: \.type).sorted { $0.key < $1.key }.map { type, members in
                let healthy = members.count { $0.isHealthy(at: nowMs) }
                let rate = SLAReport.rate(healthy, of: members.count)
                return TypeHealth(type: type, healthy: healthy, total: members.count, rate: rate, met: rate.map { $0 >= target })
            }
        }

        enum CodingKeys: String, CodingKey { case healthy, total, rate, target, met, byType = "by_type" }
    }

    /// One device type's health.
    public struct TypeHealth: Sendable, Codable, Hashable {
        public var type: String
        public var healthy: Int
        public var total: Int
        public var rate: Double?
        public var met: Bool?
    }

    /// Tickets of one category in one building: a heat-map cell. Every ticket of the period
    /// counts, false alarms too, since a building that keeps raising them needs a visit as well.
    public struct DemandCell: Sendable, Codable, Hashable {
        public var community: String
        public var building: String
        public var category: String
        public var count: Int

        /// The busiest cells first; ties by name so the order never depends on hashing.
        static func cells(_ tickets: [Ticket]) -> [DemandCell] {
            Dictionary(grouping: tickets) { [$0.community, $0.building, $0.category] }
                .map { DemandCell(community: $0.key[0], building: $0.key[1], category: $0.key[2], count: $0.value.count) }
                .sorted { ($1.count, $0.community, $0.building, $0.category) < ($0.count, $1.community, $1.building, $1.category) }
        }
    }

    /// Tickets per (community, grid, category): the demand heat map by grid (网格). Only tickets
    /// that recorded a grid are counted.
    public struct GridDemandCell: Sendable, Codable, Hashable {
        public var community: String
        public var grid: String
        public var category: String
        public var count: Int

        /// The busiest cells first; ties by name.
        static func cells(_ tickets: [Ticket]) -> [GridDemandCell] {
            Dictionary(grouping: tickets.filter { !($0.grid ?? "").isEmpty }) { [$0.community, $0.grid ?? "", $0.category] }
                .map { GridDemandCell(community: $0.key[0], grid: $0.key[1], category: $0.key[2], count: $0.value.count) }
                .sorted { ($1.count, $0.community, $0.grid, $0.category) < ($0.count, $1.community, $1.grid, $1.category) }
        }
    }

    /// Tickets cancelled (as false alarms or duplicates) among all tickets of the period.
    public struct FalseAlarms: Sendable, Codable, Hashable {
        public var tickets: Int
        public var cancelled: Int
        public var rate: Double?

        init(tickets: [Ticket]) {
            self.tickets = tickets.count
            cancelled = tickets.count { $0.state == .cancelled }
            rate = SLAReport.rate(cancelled, of: tickets.count)
        }
    }
}

/// The funnel's reading of one ticket's history.
extension Ticket {
    /// Warning levels fired in any cycle. The timeline keeps every cycle; `escalationLevel`
    /// only the current one, so it only fills in for a ticket stored without its history.
    func warningLevelsReached(action: String, current: Int) -> Set<Int> {
        var levels = Set(timeline.compactMap { entry -> Int? in
            guard entry.action == action, entry.detail.hasPrefix("level ") else { return nil }
            return Int(entry.detail.dropFirst("level ".count).prefix { $0.isNumber })
        })
        if current > 0 { levels.formUnion(1...current) }
        return levels
    }
}
