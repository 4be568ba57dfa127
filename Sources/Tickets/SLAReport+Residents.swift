import Foundation

/// What residents said, the figures a centre is assessed on beside its clocks: satisfaction
/// (mean of 5 and the share satisfied, ≥ 92 points), the net promoter score (≥ 40), follow-up
/// (回访) coverage and timeliness, residents not reached, remediation by cause, and complaints.
extension SLAReport {
    /// Satisfaction at least 4.0 of 5.
    public static let satisfactionMeanTarget = 4.0
    /// At least 92 of 100 residents satisfied (4 or 5).
    public static let satisfiedShareTarget = 0.92
    /// Net promoter score at least 40.
    public static let netPromoterTarget = 40.0
    /// Dissatisfied answers needing remediation (服务补救) at most 5 %.
    public static let dissatisfiedShareTarget = 0.05

    /// The residents' figures over a set of tickets: the whole period, or one class or item.
    public struct ResidentFigures: Sendable, Codable, Hashable {
        /// The class (`category`) and item the row is about; both nil for the whole period.
        public var demandClass: String?
        public var item: String?
        public var tickets: Int
        /// Follow-ups opened by resolutions, every cycle.
        public var followUps: Int
        /// Those due by the report's moment, or done earlier.
        public var followUpsDue: Int
        public var followUpsDone: Int
        /// `done / due`.
        public var followUpRate: Double?
        /// Done by their due time, of those done.
        public var followUpOnTimeRate: Double?
        public var notReached: Int
        public var notReachedRate: Double?
        /// Answers with a satisfaction score, and how many gave each score 1-5.
        public var satisfactionAnswers: Int
        public var satisfactionDistribution: [Int]
        public var satisfactionMean: Double?
        /// Answers of 4 or 5, as a share (×100 = points).
        public var satisfiedRate: Double?
        /// Answers of 2 or less: each reopened its ticket as remediation.
        public var dissatisfiedRate: Double?
        public var recommendAnswers: Int
        /// Promoters (9-10) minus detractors (0-6), in points from -100 to 100.
        public var netPromoterScore: Double?
        /// Reopens by cause: the alarm fired again, the resident was dissatisfied, a person reopened it.
        public var reopenedByAlarm: Int
        public var reopenedByDissatisfaction: Int
        public var reopenedByStaff: Int
        /// Tickets of a complaint item, the share of all, and those resolved by `resolve_by`.
        public var complaints: Int
        public var complaintRate: Double?
        public var complaintsResolvedOnTime: Int
        public var complaintOnTimeRate: Double?

        init(tickets: [Ticket], nowMs: Int64, complaintItems: Set<String>, demandClass: String? = nil, item: String? = nil) {
            self.demandClass = demandClass
            self.item = item
            self.tickets = tickets.count
            let followUps = tickets.flatMap(\.followUps)
            self.followUps = followUps.count
            let done = followUps.filter { !$0.isOpen }
            followUpsDue = followUps.count { !$0.isOpen || $0.dueAt <= nowMs }
            followUpsDone = done.count
            followUpRate = SLAReport.rate(done.count, of: followUpsDue)
            followUpOnTimeRate = SLAReport.rate(done.count { $0.onTime == true }, of: done.count)
            notReached = done.count { $0.reached == false }
            notReachedRate = SLAReport.rate(notReached, of: done.count)
            let scores = done.compactMap(\.satisfaction)
            satisfactionAnswers = scores.count
            satisfactionDistribution = (1...5).map { score in scores.count { $0 == score } }
            satisfactionMean = scores.isEmpty ? nil : Double(scores.reduce(0, +)) / Double(scores.count)
            satisfiedRate = SLAReport.rate(scores.count { $0 >= 4 }, of: scores.count)
            dissatisfiedRate = SLAReport.rate(scores.count { $0 <= FollowUpAnswer.dissatisfiedAtOrBelow }, of: scores.count)
            let recommends = done.compactMap(\.recommend)
            recommendAnswers = recommends.count
            netPromoterScore = recommends.isEmpty ? nil
                : 100 * Double(recommends.count { $0 >= 9 } - recommends.count { $0 <= 6 }) / Double(recommends.count)
            func reopens(_ cause: ReopenCause) -> Int { tickets.reduce(0) { $0 + ($1.reopenCauses?[cause.rawValue] ?? 0) } }
            reopenedByAlarm = reopens(.alarm)
            reopenedByDissatisfaction = reopens(.dissatisfaction)
            reopenedByStaff = reopens(.staff)
            // A cancelled complaint (a duplicate) was not handled late; a breach in any cycle counts.
            let complaintTickets = tickets.filter { ($0.item.map(complaintItems.contains) ?? false) && $0.state != .cancelled }
            complaints = complaintTickets.count
            complaintRate = SLAReport.rate(complaints, of: tickets.count)
            func breached(_ ticket: Ticket) -> Bool { ticket.resolutionBreached || ticket.timeline.contains { $0.action == "resolution_breached" } }
            complaintsResolvedOnTime = complaintTickets.count { $0.resolvedAt != nil && !breached($0) }
            complaintOnTimeRate = SLAReport.rate(complaintsResolvedOnTime, of: complaintTickets.count { $0.resolvedAt != nil || $0.resolveBy <= nowMs })
        }

        /// One row per class, then per item of it, for tickets that name an item or a category.
        static func rows(_ tickets: [Ticket], nowMs: Int64, complaintItems: Set<String>) -> [ResidentFigures] {
            var rows: [ResidentFigures] = []
            let byClass = Dictionary(grouping: tickets.filter { !$0.category.isEmpty }, by: \.category)
            for demandClass in byClass.keys.sorted() {
                let inClass = byClass[demandClass] ?? []
                rows.append(ResidentFigures(tickets: inClass, nowMs: nowMs, complaintItems: complaintItems, demandClass: demandClass))
                let byItem = Dictionary(grouping: inClass.filter { $0.item != nil }, by: { $0.item ?? "" })
                for item in byItem.keys.sorted() {
                    rows.append(ResidentFigures(tickets: byItem[item] ?? [], nowMs: nowMs, complaintItems: complaintItems,
                                                demandClass: demandClass, item: item))
                }
            }
            return rows
        }

        enum CodingKeys: String, CodingKey {
            case demandClass = "class", item, tickets, followUps = "follow_ups", followUpsDue = "follow_ups_due", followUpsDone = "follow_ups_done"
            case followUpRate = "follow_up_rate", followUpOnTimeRate = "follow_up_on_time_rate", notReached = "not_reached"
            case notReachedRate = "not_reached_rate", satisfactionAnswers = "satisfaction_answers"
            case satisfactionDistribution = "satisfaction_distribution", satisfactionMean = "satisfaction_mean", satisfiedRate = "satisfied_rate"
            case dissatisfiedRate = "dissatisfied_rate", recommendAnswers = "recommend_answers", netPromoterScore = "net_promoter_score"
            case reopenedByAlarm = "reopened_by_alarm", reopenedByDissatisfaction = "reopened_by_dissatisfaction"
            case reopenedByStaff = "reopened_by_staff", complaints, complaintRate = "complaint_rate"
            case complaintsResolvedOnTime = "complaints_resolved_on_time", complaintOnTimeRate = "complaint_on_time_rate"
        }
    }
}
