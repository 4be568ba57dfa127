import Foundation
import Indicators
import Testing
import Tickets

/// The assessment over tickets worked through the real lifecycle in virtual time, month by
/// month: values, attainment, shares, the composite index and the trends, checked exactly.
@Suite struct IndicatorReportTests {
    static let zone = TimeZone(identifier: "Asia/Shanghai") ?? .gmt
    static let minute: Int64 = 60_000
    static let hour: Int64 = 3_600_000

    /// An emergency ticket opened `dayOffset` days into `period`, acknowledged after
    /// `respondMinutes` and resolved an hour later, or left alone when nil.
    static func ticket(_ id: String, in period: ReportPeriod, day dayOffset: Int64 = 2, respondMinutes: Int64?,
                       community: String = "maple") throws -> Ticket {
        let at = period.bounds(in: zone).fromMs + dayOffset * 24 * hour + 10 * hour
        var ticket = Ticket(id: id, rule: "smoke_alarm", device: "smoke-0101", deviceType: "smoke", community: community, building: "1",
                            unit: "101", severity: "emergency", category: "safety", title: "Smoke alarm", team: "grid",
                            policy: SLAPolicy.defaults["emergency"]!, openedAt: at)
        ticket.id = id
        let settings = TicketSettings(calendar: .standard(timeZone: zone), warnings: .standard,
                                      hierarchy: TeamHierarchy(chain: ["grid", "community"]))
        var lifecycle = TicketLifecycle(opening: ticket, by: "rule:smoke_alarm", settings: settings)
        if let respondMinutes {
            _ = lifecycle.timePassed(to: at + respondMinutes * minute)
            _ = try lifecycle.eventHappened(.acknowledge, at: at + respondMinutes * minute, by: "wang")
            _ = try lifecycle.eventHappened(.resolve(note: "reset"), at: at + respondMinutes * minute + hour, by: "wang")
        }
        return lifecycle.ticket
    }

    static let emergency = Indicator(id: "emergency_response", title: .init(zh: "紧急事项响应及时率", en: "Emergency response on time"),
                                     measure: .init(.responseOnTime, tier: "emergency"), target: 0.9, direction: .min, weight: 1, group: .core)
    static let remediation = Indicator(id: "remediation_rate", title: .init(zh: "返工率", en: "Remediation"),
                                       measure: .init(.remediationRate), target: 0.05, direction: .max, weight: 1, group: .process)
    static let health = Indicator(id: "device_health", title: .init(zh: "智能设备完好率", en: "Device health"),
                                  measure: .init(.deviceHealth), target: 0.85, direction: .min, weight: 1, group: .auxiliary)

    static func report(_ tickets: [Ticket], health: [String: Double] = [:], period: String = "2026-11",
                       set: IndicatorSet = IndicatorSet(indicators: [emergency, remediation, health])) throws -> IndicatorReport {
        let current = try #require(ReportPeriod(parsing: period))
        let now = current.bounds(in: zone).toMs + hour
        let figures = current.withPrevious(6).map { period in
            let (from, to) = period.bounds(in: zone)
            return PeriodFigures(period: period, sla: SLAReport(tickets: tickets, devices: [], fromMs: from, toMs: to, nowMs: now),
                                 deviceHealth: health[period.description])
        }
        return IndicatorReport(set: set, figures: figures, community: nil, zone: zone, nowMs: now)
    }

    @Test func scoresEachIndicatorAgainstItsTargetAndWeighsTheGroups() throws {
        let november = try #require(ReportPeriod(parsing: "2026-11"))
        // Four emergencies: three answered in 10 min, one after 45 (late): 75 % against 90 %.
        let tickets = try [10, 10, 10, 45].enumerated().map { try Self.ticket("N\($0.offset)", in: november, respondMinutes: Int64($0.element)) }
        let report = try Self.report(tickets, health: ["2026-11": 0.9])
        let emergency = try #require(report.indicators.first { $0.id == "emergency_response" })
        #expect(emergency.value == 0.75)
        #expect(emergency.met == false)
        // 40 + 30 + 30 points; the emergency indicator holds the core's 40 and reaches 0.75 / 0.9 of it.
        #expect(emergency.share == 40)
        #expect(abs((emergency.score ?? 0) - 40 * 0.75 / 0.9) < 1e-9)
        let remediation = try #require(report.indicators.first { $0.id == "remediation_rate" })
        #expect(remediation.value == 0)
        #expect(remediation.met == true)
        #expect(remediation.score == 30)
        let health = try #require(report.indicators.first { $0.id == "device_health" })
        #expect(health.value == 0.9)
        #expect(health.score == 30)
        #expect(abs((report.index ?? 0) - (40 * 0.75 / 0.9 + 60)) < 1e-9)
        #expect(report.period == "2026-11")
        #expect(report.groups.map(\.group) == [.core, .process, .auxiliary])
    }

    @Test func anIndicatorWithoutDataIsLeftOutAndTheOthersFillTheIndex() throws {
        let november = try #require(ReportPeriod(parsing: "2026-11"))
        let tickets = [try Self.ticket("N", in: november, respondMinutes: 5)]
        // No health samples: the auxiliary group has no data; core and process share the 100 points 40:30.
        let report = try Self.report(tickets)
        let health = try #require(report.indicators.first { $0.id == "device_health" })
        #expect(health.value == nil)
        #expect(health.met == nil)
        #expect(health.score == nil)
        let emergency = try #require(report.indicators.first { $0.id == "emergency_response" })
        #expect(abs((emergency.share ?? 0) - 100 * 40 / 70) < 1e-9)
        #expect(abs((report.index ?? 0) - 100) < 1e-9)
    }

    @Test func trendsCarryTheSixPeriodsBeforeAndCountTheRunBelowTarget() throws {
        let months = try ["2026-08", "2026-09", "2026-10", "2026-11"].map { try #require(ReportPeriod(parsing: $0)) }
        // August on time; September, October and November late: three periods below target in a row.
        var tickets = [try Self.ticket("A", in: months[0], respondMinutes: 5)]
        tickets += try months.dropFirst().enumerated().map { try Self.ticket("L\($0.offset)", in: $0.element, respondMinutes: 50) }
        let report = try Self.report(tickets)
        let emergency = try #require(report.indicators.first { $0.id == "emergency_response" })
        #expect(emergency.trend.map(\.period) == ["2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10", "2026-11"])
        #expect(emergency.trend.map(\.value) == [nil, nil, nil, 1, 0, 0, 0])
        #expect(emergency.trend.map(\.met) == [nil, nil, nil, true, false, false, false])
        #expect(emergency.periodsBelowTarget == 3)
        let late: Double = 100.0 * 30 / 70
        let expected: [Double?] = [nil, nil, nil, 100, late, late, late]
        #expect(report.indexTrend.map(\.value) == expected)
        // Met in November: the run is broken.
        let onTime = try (1...9).map { try Self.ticket("M\($0)", in: months[3], respondMinutes: 5) }
        let mended = try Self.report(tickets + onTime)
        let after = try #require(mended.indicators.first { $0.id == "emergency_response" })
        #expect(after.value == 0.9)
        #expect(after.periodsBelowTarget == 0)
    }

    @Test func attainmentReadsBothDirectionsAndNeverGoesNegative() {
        #expect(Self.emergency.attainment(0.45) == 0.5)
        #expect(Self.emergency.attainment(0.95) == 1)
        #expect(Self.remediation.attainment(0.10) == 0.5)
        #expect(Self.remediation.attainment(0.05) == 1)
        let nps = Indicator(id: "nps", title: .init(zh: "净推荐值", en: "NPS"), measure: .init(.netPromoterScore), target: 40,
                            direction: .min, weight: 1, group: .auxiliary)
        #expect(nps.attainment(-20) == 0)
        #expect(nps.attainment(20) == 0.5)
    }

    @Test func rendersTextAndCSVWithTheTrend() throws {
        let november = try #require(ReportPeriod(parsing: "2026-11"))
        let report = try Self.report([try Self.ticket("N", in: november, respondMinutes: 45)], health: ["2026-11": 0.8, "2026-10": 0.9])
        let text = report.text(timeZone: Self.zone, language: "en")
        #expect(text.contains("Indicators 2026-11, all communities"))
        #expect(text.contains("Emergency response on time"))
        #expect(text.contains("0.0 %"))
        #expect(text.contains("≥85.0 %"))
        let zh = report.text(timeZone: Self.zone)
        #expect(zh.contains("服务效能指数"))
        let csv = report.csv().split(separator: "\n")
        #expect(csv[0] == "period,indicator,title_zh,title_en,group,unit,direction,target,weight,value,met,score,share")
        #expect(csv.contains("2026-10,device_health,智能设备完好率,Device health,auxiliary,share,min,0.85,1.0,0.9,true,,"))
        #expect(csv.contains { $0.hasPrefix("2026-11,device_health,智能设备完好率,Device health,auxiliary,share,min,0.85,1.0,0.8,false,") })
        #expect(csv.count == 1 + 3 * 7 + 7)
    }
}
