import Foundation
import Testing
import Tickets

/// The residents' figures of `report sla`: satisfaction (mean, distribution, share satisfied),
/// NPS, follow-up coverage and timeliness, not reached, remediation by cause, complaints, by
/// class and item.
@Suite struct ResidentFiguresTests {
    typealias F = TicketFixture

    static func ticket(_ id: String, item: String, category: String, answers: [FollowUpAnswer], settings: TicketSettings = F.settings(),
                       lateByHours: Int64 = 0) throws -> Ticket {
        var ticket = F.ticket(tier: "general")
        ticket.id = id
        ticket.item = item
        ticket.category = category
        var lifecycle = TicketLifecycle(opening: ticket, by: "desk", settings: settings)
        var at = F.t0 + F.hour
        _ = try lifecycle.eventHappened(.resolve(note: "done"), at: at, by: "wang")
        for answer in answers {
            at = max(at + F.hour, (lifecycle.ticket.followUp?.dueAt ?? at) + lateByHours * F.hour)
            _ = try lifecycle.eventHappened(.followUp(answer), at: at, by: "chen")
            if lifecycle.ticket.state == .open { _ = try lifecycle.eventHappened(.resolve(note: "again"), at: at + F.minute, by: "wang") }
        }
        return lifecycle.ticket
    }

    @Test func satisfactionNPSFollowUpsRemediationAndComplaints() throws {
        let tickets = [
            try Self.ticket("A", item: "lock_repair", category: "repairs", answers: [FollowUpAnswer(reached: true, satisfaction: 5, recommend: 10)]),
            try Self.ticket("B", item: "lock_repair", category: "repairs", answers: [FollowUpAnswer(reached: true, satisfaction: 2, recommend: 3),
                                                                                      FollowUpAnswer(reached: true, satisfaction: 4, recommend: 9)]),
            try Self.ticket("C", item: "noise_complaint", category: "neighbourhood",
                            answers: [FollowUpAnswer(reached: false), FollowUpAnswer(reached: false), FollowUpAnswer(reached: false)], lateByHours: 1),
            try Self.ticket("D", item: "noise_complaint", category: "neighbourhood", answers: []),
        ]
        let nowMs = F.t0 + 30 * 24 * F.hour
        let report = SLAReport(tickets: tickets, devices: [], fromMs: F.t0 - F.hour, toMs: F.t0 + F.hour, nowMs: nowMs,
                               complaintItems: ["noise_complaint"])
        let all = report.residents
        // A: 1, B: 2 (the dissatisfied one reopened it), C: 1 not reached, D: 1 overdue and not done.
        #expect(all.followUps == 5 && all.followUpsDue == 5 && all.followUpsDone == 4)
        #expect(all.followUpRate == 0.8 && all.notReached == 1 && all.notReachedRate == 0.25)
        #expect(all.followUpOnTimeRate == 0.75, "C's last attempt was an hour late")
        #expect(all.satisfactionDistribution == [0, 1, 0, 1, 1] && all.satisfactionMean.map { abs($0 - 11.0 / 3) < 1e-9 } == true)
        #expect(all.satisfiedRate == 2.0 / 3 && all.dissatisfiedRate == 1.0 / 3)
        // Promoters 10 and 9, one detractor (3): (2 - 1) / 3.
        #expect(all.recommendAnswers == 3 && all.netPromoterScore.map { abs($0 - 100.0 / 3) < 1e-9 } == true)
        #expect(all.reopenedByDissatisfaction == 1 && all.reopenedByAlarm == 0)
        #expect(all.complaints == 2 && all.complaintRate == 0.5)
        #expect(all.complaintsResolvedOnTime == 2 && all.complaintOnTimeRate == 1)
        #expect(report.residentsByDemand.map { "\($0.demandClass ?? "")/\($0.item ?? "")" }
            == ["neighbourhood/", "neighbourhood/noise_complaint", "repairs/", "repairs/lock_repair"])
        #expect(report.residentsByDemand.first { $0.item == "lock_repair" }?.satisfactionAnswers == 3)

        let text = report.text(timeZone: F.zone)
        #expect(text.contains("Satisfaction: 3.67 of 5 (target ≥4.0: not met); satisfied 66.7 % (target ≥92 %: not met); 3 answers [1: 0, 2: 1, 3: 0, 4: 1, 5: 1]"))
        #expect(text.contains("Net promoter score: 33 (target ≥40: not met); 3 answers"))
        #expect(text.contains("Reopened by the alarm: 0, by dissatisfaction: 1, by staff: 0"))
        let csv = report.csv()
        #expect(csv.contains("residents,all,net_promoter_score,33.3") && csv.contains("residents,repairs/lock_repair,satisfaction_answers,3\n"))
        let json = String(decoding: try JSONEncoder().encode(report), as: UTF8.self)
        #expect(json.contains("\"residents_by_demand\"") && json.contains("\"net_promoter_score\""))
    }
}
