import Foundation
import Indicators

/// The summary and the indicators sheets: what the director reads first.
extension IndicatorWorkbook {
    func writeSummary(on sheet: XLSXSheet) throws {
        try sheet.write(row: 0, [.text(label("项目", "Item")), .text(label("值", "Value"))], style: .header)
        let facts: [(String, XLSXValue, XLSXStyle)] = [
            (label("期间", "Period"), .text(report.period), .plain),
            (label("社区", "Community"), .text(report.community ?? label("全部社区", "All communities")), .plain),
            (label("开始", "From"), .moment(report.fromMs, timeZone), .moment),
            (label("结束（不含）", "Until (exclusive)"), .moment(report.toMs, timeZone), .moment),
            (label("统计时刻", "As of"), .moment(report.nowMs, timeZone), .moment),
            (label("期间已结束", "Period over"), .flag(report.nowMs >= report.toMs), .plain),
            (label("服务效能指数", "Service effectiveness index"), .number(report.index), .score),
        ]
        for (offset, fact) in facts.enumerated() {
            try sheet.write(.text(fact.0), row: offset + 1, column: 0, style: .header)
            try sheet.write(fact.1, row: offset + 1, column: 1, style: fact.2)
        }
        var row = facts.count + 2
        try sheet.write(row: row, [.text(label("指标组", "Group")), .text(label("权重", "Weight")), .text(label("得分", "Score")),
                                   .text(label("可得分", "Possible points"))], style: .header)
        for group in report.groups {
            row += 1
            try sheet.write(.text(groupName(group.group)), row: row, column: 0)
            try sheet.write(.number(group.weight), row: row, column: 1)
            try sheet.write(row: row, column: 2, [.number(group.score), .number(group.share)], style: .score)
        }
        row += 2
        try sheet.write(row: row, [.text(label("期间", "Period")), .text(label("服务效能指数", "Index"))], style: .header)
        for point in report.indexTrend {
            row += 1
            try sheet.write(.text(point.period), row: row, column: 0)
            try sheet.write(.number(point.value), row: row, column: 1, style: .score)
        }
        try writeCommunities(on: sheet, from: row + 2)
        try sheet.setWidths([30, 20, 12, 40])
        sheet.freeze(rows: 1)
    }

    /// A report over every community ranks them: each one's index and the indicators it missed.
    private func writeCommunities(on sheet: XLSXSheet, from first: Int) throws {
        guard !report.communities.isEmpty else { return }
        try sheet.write(row: first, [.text(label("社区", "Community")), .text(label("服务效能指数", "Index")),
                                     .text(label("有数据的指标", "Indicators measured")), .text(label("未达标", "Below target"))], style: .header)
        let titles = Dictionary(report.indicators.map { ($0.id, title($0)) }, uniquingKeysWith: { first, _ in first })
        for (offset, community) in report.communities.enumerated() {
            let row = first + 1 + offset
            try sheet.write(.text(community.community), row: row, column: 0)
            try sheet.write(.number(community.index), row: row, column: 1, style: .score)
            try sheet.write(.number(Double(community.measured)), row: row, column: 2, style: .count)
            try sheet.write(.text(community.belowTarget.map { titles[$0] ?? $0 }.joined(separator: label("、", ", "))), row: row, column: 3)
        }
    }

    /// One row per indicator: the value with its target beside it, met, the points.
    func writeIndicators(on sheet: XLSXSheet) throws {
        let headers = [label("编号", "ID"), label("指标（中文）", "Title (Chinese)"), label("指标（英文）", "Title (English)"),
                       label("指标组", "Group"), label("方向", "Direction"), label("权重", "Weight"), label("值", "Value"),
                       label("目标", "Target"), label("达标", "Met"), label("得分", "Score"), label("可得分", "Possible points"),
                       label("连续未达标期数", "Periods below target")]
        try sheet.write(row: 0, headers.map { .text($0) }, style: .header)
        for (offset, indicator) in report.indicators.enumerated() {
            let row = offset + 1
            let unit = Self.style(indicator.unit)
            let direction = indicator.direction == .min ? label("不低于目标", "at least the target") : label("不高于目标", "at most the target")
            try sheet.write(row: row, [.text(indicator.id), .text(indicator.title.zh), .text(indicator.title.en),
                                       .text(groupName(indicator.group)), .text(direction)])
            try sheet.write(.number(indicator.weight), row: row, column: 5)
            try sheet.write(.number(indicator.value), row: row, column: 6, style: indicator.met == false ? unit.missed : unit)
            try sheet.write(.number(indicator.target), row: row, column: 7, style: unit)
            try sheet.write(.flag(indicator.met), row: row, column: 8)
            try sheet.write(row: row, column: 9, [.number(indicator.score), .number(indicator.share)], style: .score)
            try sheet.write(.number(Double(indicator.periodsBelowTarget)), row: row, column: 11, style: .count)
        }
        let indexRow = report.indicators.count + 1
        try sheet.write(.text(label("服务效能指数", "Service effectiveness index")), row: indexRow, column: 1, style: .header)
        try sheet.write(.number(report.index), row: indexRow, column: 9, style: XLSXStyle(bold: true, numberFormat: "0.0"))
        let possible = report.indicators.compactMap(\.share)
        try sheet.write(.number(possible.isEmpty ? nil : possible.reduce(0, +)), row: indexRow, column: 10, style: .score)
        try sheet.setWidths([24, 24, 30, 12, 16, 8, 10, 10, 8, 8, 10, 12])
        sheet.freeze(rows: 1, columns: 1)
    }
}
