import Foundation

/// The residents' figures as text and CSV rows, beside the clocks' figures.
extension SLAReport {
    /// The "Residents" section of the text report.
    func residentLines() -> [String] {
        let all = residents
        var lines = ["Residents (follow-up 回访)"]
        lines.append("  Follow-ups done: \(Self.percent(all.followUpRate)) (\(all.followUpsDone) of \(all.followUpsDue) due); "
            + "on time \(Self.percent(all.followUpOnTimeRate)); not reached \(Self.percent(all.notReachedRate)) (\(all.notReached))")
        let distribution = all.satisfactionDistribution.enumerated().map { "\($0.offset + 1): \($0.element)" }.joined(separator: ", ")
        lines.append("  Satisfaction: \(all.satisfactionMean.map { String(format: "%.2f", $0) } ?? "n/a") of 5 "
            + "(target ≥\(String(format: "%.1f", Self.satisfactionMeanTarget)): \(Self.verdict(all.satisfactionMean.map { $0 >= Self.satisfactionMeanTarget }))); "
            + "satisfied \(Self.percent(all.satisfiedRate)) (target ≥\(Self.targetPercent(Self.satisfiedShareTarget)) %: "
            + "\(Self.verdict(all.satisfiedRate.map { $0 >= Self.satisfiedShareTarget }))); \(all.satisfactionAnswers) answers [\(distribution)]")
        lines.append("  Net promoter score: \(all.netPromoterScore.map { String(format: "%.0f", $0) } ?? "n/a") "
            + "(target ≥\(Int(Self.netPromoterTarget)): \(Self.verdict(all.netPromoterScore.map { $0 >= Self.netPromoterTarget }))); \(all.recommendAnswers) answers")
        lines.append("  Dissatisfied (remediation 服务补救): \(Self.percent(all.dissatisfiedRate)) (target ≤\(Self.targetPercent(Self.dissatisfiedShareTarget)) %: "
            + "\(Self.verdict(all.dissatisfiedRate.map { $0 <= Self.dissatisfiedShareTarget })))")
        lines.append("  Reopened by the alarm: \(all.reopenedByAlarm), by dissatisfaction: \(all.reopenedByDissatisfaction), by staff: \(all.reopenedByStaff)")
        lines.append("  Complaints: \(all.complaints) (\(Self.percent(all.complaintRate)) of tickets); resolved on time "
            + "\(Self.percent(all.complaintOnTimeRate)) (\(all.complaintsResolvedOnTime))")
        guard !residentsByDemand.isEmpty else { return lines }
        lines.append("")
        lines.append("Residents by class and item")
        lines += Self.aligned([["  Class", "Item", "Tickets", "Follow-ups", "Satisfaction", "NPS", "Complaints"]] + residentsByDemand.map { row in
            ["  \(row.demandClass ?? "")", row.item ?? "(all)", String(row.tickets), "\(row.followUpsDone)/\(row.followUpsDue)",
             row.satisfactionMean.map { String(format: "%.2f", $0) } ?? "-", row.netPromoterScore.map { String(format: "%.0f", $0) } ?? "-",
             String(row.complaints)]
        })
        return lines
    }

    /// The CSV rows of the residents' figures: `residents,all,...` and `residents,CLASS[/ITEM],...`.
    func residentRows() -> [[String]] {
        ([residents] + residentsByDemand).flatMap { row -> [[String]] in
            let key = row.demandClass.map { $0 + (row.item.map { "/" + $0 } ?? "") } ?? "all"
            let distribution = row.satisfactionDistribution.enumerated().map { ("satisfaction_\($0.offset + 1)", "\($0.element)") }
            let values: [(String, String)] = [
                ("tickets", "\(row.tickets)"), ("follow_ups_due", "\(row.followUpsDue)"), ("follow_ups_done", "\(row.followUpsDone)"),
                ("follow_up_rate", Self.value(row.followUpRate)), ("follow_up_on_time_rate", Self.value(row.followUpOnTimeRate)),
                ("not_reached", "\(row.notReached)"), ("not_reached_rate", Self.value(row.notReachedRate)),
                ("satisfaction_answers", "\(row.satisfactionAnswers)"), ("satisfaction_mean", Self.value(row.satisfactionMean)),
                ("satisfied_rate", Self.value(row.satisfiedRate)), ("dissatisfied_rate", Self.value(row.dissatisfiedRate)),
                ("recommend_answers", "\(row.recommendAnswers)"), ("net_promoter_score", Self.value(row.netPromoterScore)),
                ("reopened_by_alarm", "\(row.reopenedByAlarm)"), ("reopened_by_dissatisfaction", "\(row.reopenedByDissatisfaction)"),
                ("reopened_by_staff", "\(row.reopenedByStaff)"), ("complaints", "\(row.complaints)"),
                ("complaint_rate", Self.value(row.complaintRate)), ("complaints_resolved_on_time", "\(row.complaintsResolvedOnTime)"),
                ("complaint_on_time_rate", Self.value(row.complaintOnTimeRate)),
            ] + distribution
            return values.map { ["residents", key, $0.0, $0.1] }
        }
    }
}
