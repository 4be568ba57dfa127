import Formats
import Foundation
import Tickets

/// The assessment as a director reads it (`text`, in Chinese or English) and as a spreadsheet
/// takes it (`csv`); JSON is the `Codable` form, XLSX is written by the gateway's workbook writer.
extension IndicatorReport {
    public func text(timeZone: TimeZone, language: String = "zh") -> String {
        let zh = language == "zh"
        let scope = community ?? (zh ? "全部社区" : "all communities")
        let complete = nowMs >= toMs ? "" : (zh ? "（期间未结束）" : " (period not over)")
        var lines = [zh ? "考核指标 \(period)，\(scope)\(complete)" : "Indicators \(period), \(scope)\(complete)",
                     (zh ? "服务效能指数：" : "Service effectiveness index: ") + Self.points(index) + " / 100", ""]
        let trendHeader = indicators.first?.trend.dropLast().map(\.period) ?? []
        var table = [[zh ? "指标" : "Indicator", zh ? "组" : "Group", zh ? "值" : "Value", zh ? "目标" : "Target",
                      zh ? "达标" : "Met", zh ? "得分" : "Score"] + trendHeader]
        for row in indicators {
            let target = (row.direction == .min ? "≥" : "≤") + Self.format(row.target, unit: row.unit)
            let met = row.met.map { $0 ? (zh ? "是" : "yes") : (zh ? "否" : "no") } ?? (zh ? "无数据" : "no data")
            let score = row.score.map { "\(Self.points($0))/\(Self.points(row.share))" } ?? "-"
            table.append([zh ? row.title.zh : row.title.en, row.group.title(chinese: zh), row.value.map { Self.format($0, unit: row.unit) } ?? "-",
                          target, met, score] + row.trend.dropLast().map { $0.value.map { Self.format($0, unit: row.unit) } ?? "-" })
        }
        table.append([zh ? "服务效能指数" : "Index", "", Self.points(index), "", "", ""] + indexTrend.dropLast().map { Self.points($0.value) })
        lines += Self.aligned(table)
        lines.append("")
        lines += groups.map { group in
            "\(group.group.title(chinese: zh))\(zh ? "指标" : "") (\(Self.points(group.weight))): \(Self.points(group.score)) / \(Self.points(group.share))"
        }
        if !communities.isEmpty {
            lines.append("")
            let titles = Dictionary(indicators.map { ($0.id, zh ? $0.title.zh : $0.title.en) }, uniquingKeysWith: { first, _ in first })
            lines += Self.aligned([[zh ? "社区" : "Community", zh ? "指数" : "Index", zh ? "未达标" : "Below target"]] + communities.map { row in
                [row.community, Self.points(row.index), row.belowTarget.map { titles[$0] ?? $0 }.joined(separator: zh ? "、" : ", ")]
            })
        }
        let below = indicators.filter { $0.periodsBelowTarget >= 2 }
        if !below.isEmpty {
            lines.append("")
            lines += below.map { row in
                let alarm = row.periodsBelowTarget >= alarmPeriods ? (zh ? "（已达预警期数）" : " (alarm)") : ""
                return (zh ? "连续未达标 \(row.periodsBelowTarget) 期：" : "Below target \(row.periodsBelowTarget) periods in a row: ")
                    + (zh ? row.title.zh : row.title.en) + alarm
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// One row per indicator and period (this one and the six before), then the index:
    /// `period,indicator,title_zh,title_en,group,unit,direction,target,weight,value,met,score,share`.
    public func csv() -> String {
        var rows = [["period", "indicator", "title_zh", "title_en", "group", "unit", "direction", "target", "weight", "value", "met", "score", "share"]]
        for row in indicators {
            for point in row.trend {
                let current = point.period == period
                rows.append([point.period, row.id, row.title.zh, row.title.en, row.group.rawValue, row.unit.rawValue, row.direction.rawValue,
                             "\(row.target)", "\(row.weight)", point.value.map { "\($0)" } ?? "", point.met.map { "\($0)" } ?? "",
                             current ? row.score.map { "\($0)" } ?? "" : "", current ? row.share.map { "\($0)" } ?? "" : ""])
            }
        }
        for point in indexTrend {
            rows.append([point.period, "index", "服务效能指数", "Service effectiveness index", "", "score", "", "", "",
                         point.value.map { "\($0)" } ?? "", "", "", ""])
        }
        return rows.map { $0.map(CSVText.escape).joined(separator: ",") }.joined(separator: "\n") + "\n"
    }

    /// A share as a percentage (`92.5 %`), a score as it is (`4.3`, `40`).
    public static func format(_ value: Double, unit: IndicatorMeasure.Unit) -> String {
        switch unit {
        case .share: String(format: "%.1f %%", value * 100)
        case .score: String(format: "%.1f", value)
        }
    }

    static func points(_ value: Double?) -> String { value.map { String(format: "%.1f", $0) } ?? "-" }

    /// Columns padded to the widest cell as a terminal shows it: a Chinese character takes two columns.
    static func aligned(_ rows: [[String]]) -> [String] {
        let columns = rows.map(\.count).max() ?? 0
        let widths = (0..<columns).map { column in rows.map { column < $0.count ? displayWidth($0[column]) : 0 }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[index] - displayWidth(cell))
            }.joined(separator: "  ")
        }
    }

    static func displayWidth(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { width, scalar in
            let wide = (0x1100...0x115F).contains(scalar.value) || (0x2E80...0xA4CF).contains(scalar.value)
                || (0xAC00...0xD7A3).contains(scalar.value) || (0xF900...0xFAFF).contains(scalar.value) || (0xFF00...0xFF60).contains(scalar.value)
            return width + (wide ? 2 : 1)
        }
    }
}
