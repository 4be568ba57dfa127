import Foundation
import Tickets

/// The SLA sheet: the period's service figures (`report sla`) per tier, then the closure,
/// remediation, device-health and false-alarm rates.
extension IndicatorWorkbook {
    func writeSLA(on sheet: XLSXSheet) throws {
        let headers = [label("等级", "Tier"), label("工单", "Tickets"), label("取消（误报）", "Cancelled"), label("自动恢复", "Auto-resolved"),
                       label("响应：计入", "Response: measured"), label("响应：及时", "Response: on time"),
                       label("响应：超时", "Response: breached"), label("超时未处理", "Open overdue"), label("响应：未到期", "Response: not yet due"),
                       label("响应及时率", "Response on-time rate"), label("办结：计入", "Resolution: measured"),
                       label("办结：及时", "Resolution: on time"), label("办结：超时", "Resolution: breached"),
                       label("办结及时率", "Resolution on-time rate"), label("响应用时 P50", "Acknowledge P50"),
                       label("响应用时 P90", "Acknowledge P90"), label("办结用时 P50", "Resolve P50"), label("办结用时 P90", "Resolve P90"),
                       label("到场用时 P50", "Arrive P50"), label("到场用时 P90", "Arrive P90")]
        try sheet.write(row: 0, headers.map { .text($0) }, style: .header)
        let sla = report.sla
        for (offset, tier) in (sla.tiers + [sla.overall]).enumerated() {
            try writeTier(tier, overall: offset == sla.tiers.count, on: sheet, row: offset + 1)
        }
        var row = sla.tiers.count + 3
        try sheet.write(row: row, [.text(label("项目", "Figure")), .text(label("比率", "Rate")), .text(label("计数", "Count")),
                                   .text(label("总数", "Of")), .text(label("目标", "Target")), .text(label("达标", "Met"))], style: .header)
        let rates: [(String, Double?, Int, Int, Double?, Bool?)] = [
            (label("72 小时闭环率", "Closed within 72 h"), sla.closure.rate, sla.closure.withinWindow, sla.closure.measured, nil, nil),
            (label("返工率", "Remediation"), sla.remediation.rate, sla.remediation.reopened, sla.remediation.resolved,
             sla.remediation.target, sla.remediation.met),
            (label("智能设备完好率", "Device health"), sla.deviceHealth.rate, sla.deviceHealth.healthy, sla.deviceHealth.total,
             sla.deviceHealth.target, sla.deviceHealth.met),
            (label("误报率", "False alarms"), sla.falseAlarms.rate, sla.falseAlarms.cancelled, sla.falseAlarms.tickets, nil, nil),
        ]
        for (name, rate, count, total, target, met) in rates {
            row += 1
            try sheet.write(.text(name), row: row, column: 0)
            try sheet.write(.number(rate), row: row, column: 1, style: met == false ? XLSXStyle.share.missed : .share)
            try sheet.write(row: row, column: 2, [.number(Double(count)), .number(Double(total))], style: .count)
            try sheet.write(.number(target), row: row, column: 4, style: .share)
            try sheet.write(.flag(met), row: row, column: 5)
        }
        try sheet.setWidths([22] + Array(repeating: 12, count: headers.count - 1))
        sheet.freeze(rows: 1, columns: 1)
    }

    private func writeTier(_ tier: SLAReport.Tier, overall: Bool, on sheet: XLSXSheet, row: Int) throws {
        let counts = [tier.tickets, tier.cancelled, tier.autoResolved, tier.response.measured, tier.response.onTime,
                      tier.response.breached, tier.response.openOverdue, tier.response.notYetDue]
        try sheet.write(.text(overall ? label("全部", "all") : tier.tier), row: row, column: 0, style: overall ? .header : .plain)
        try sheet.write(row: row, column: 1, counts.map { .number(Double($0)) }, style: .count)
        try sheet.write(.number(tier.response.rate), row: row, column: 9, style: .share)
        try sheet.write(row: row, column: 10, [tier.resolution.measured, tier.resolution.onTime, tier.resolution.breached].map { .number(Double($0)) },
                        style: .count)
        try sheet.write(.number(tier.resolution.rate), row: row, column: 13, style: .share)
        let durations = [tier.timeToAcknowledge, tier.timeToResolve, tier.timeToArrive].flatMap { [$0.p50Ms, $0.p90Ms] }
        // Excel keeps durations in days.
        try sheet.write(row: row, column: 14, durations.map { .number($0.map { Double($0) / 86_400_000 }) }, style: .duration)
    }
}
