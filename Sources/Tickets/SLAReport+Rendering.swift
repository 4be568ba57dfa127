import Formats
import Foundation

/// The report as a supervisor reads it (`text`) and as a spreadsheet takes it (`csv`); JSON is
/// the `Codable` form, which the caller encodes with sorted keys.
extension SLAReport {
    public func text(timeZone: TimeZone) -> String {
        let period = "\(Self.local(fromMs, timeZone)) to \(Self.local(toMs, timeZone)) (\(timeZone.identifier))"
        var lines = ["SLA report \(period)", "As of \(Self.local(nowMs, timeZone)); \(tickets) ticket\(tickets == 1 ? "" : "s") opened in the period."]
        lines.append("")
        var table = [["Tier", "Tickets", "Responded on time", "Resolved on time", "Acknowledged p50 / p90 / max", "Resolved p50 / p90 / max"]]
        for tier in tiers + [overall] {
            table.append([tier.tier, String(tier.tickets), Self.onTime(tier.response), Self.onTime(tier.resolution),
                          Self.durations(tier.timeToAcknowledge), Self.durations(tier.timeToResolve)])
        }
        lines += Self.aligned(table)
        lines.append("Cancelled and auto-resolved tickets are left out of the rates; \"waiting\" tickets are not yet due.")
        lines.append("")
        if overall.timeToArrive.samples > 0 {
            lines.append("Time to arrive after dispatch (p50 / p90 / max)")
            lines += Self.aligned((tiers + [overall]).map { ["  \($0.tier)", Self.durations($0.timeToArrive)] })
            lines.append("")
        }

        lines.append("Closed within 72 h: \(Self.percent(closure.rate)) (\(closure.withinWindow) of \(closure.measured)"
            + "\(closure.notYetDue > 0 ? ", \(closure.notYetDue) not yet due" : "")); "
            + "\(closure.closed) closed, \(closure.resolvedAwaitingClose) resolved awaiting close")
        lines.append("Remediation rate: \(Self.percent(remediation.rate)) (\(remediation.reopened) of \(remediation.resolved) "
            + "resolved tickets reopened) - target ≤\(Self.targetPercent(remediation.target)) %: \(Self.verdict(remediation.met))")
        let funnel = warningFunnel
        lines.append("Warnings: level 1: \(funnel.level1) → level 2: \(funnel.level2) → level 3: \(funnel.level3) → "
            + "transferred: \(funnel.transferredTickets) (\(funnel.transfers) transfer\(funnel.transfers == 1 ? "" : "s"))")
        lines.append("Resolution overdue warnings: level 1: \(funnel.resolveLevel1) → level 2: \(funnel.resolveLevel2) → "
            + "level 3: \(funnel.resolveLevel3) → transferred: \(funnel.resolveTransferredTickets)")
        lines.append("False alarms: \(Self.percent(falseAlarms.rate)) (\(falseAlarms.cancelled) of \(falseAlarms.tickets) tickets cancelled)")
        let health = deviceHealth
        lines.append("Device health: \(Self.percent(health.rate)) (\(health.healthy) of \(health.total) devices reporting on time) "
            + "- target ≥\(Self.targetPercent(health.target)) %: \(Self.verdict(health.met))")
        lines += Self.aligned(health.byType.map {
            ["  \($0.type)", Self.percent($0.rate), "\($0.healthy)/\($0.total)", Self.verdict($0.met)]
        })
        lines.append("")
        lines += residentLines()
        lines.append("")

        lines.append("Tickets by building and category")
        lines += Self.aligned([["  Community", "Building", "Category", "Tickets"]]
            + demand.map { ["  \($0.community)", $0.building, $0.category, String($0.count)] })
        if !demandByGrid.isEmpty {
            lines.append("")
            lines.append("Tickets by grid and category")
            lines += Self.aligned([["  Community", "Grid", "Category", "Tickets"]]
                + demandByGrid.map { ["  \($0.community)", $0.grid, $0.category, String($0.count)] })
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Long format, `section,tier_or_key,metric,value`: every figure in one shape, so a new
    /// figure adds rows, never columns. Absent figures are empty values. Lines end in `\n`, as
    /// the other commands' output does; fields are quoted as RFC 4180 says.
    public func csv() -> String {
        var rows: [[String]] = [["section", "tier_or_key", "metric", "value"]]
        func add(_ section: String, _ key: String, _ values: KeyValuePairs<String, String>) {
            rows += values.map { [section, key, $0.key, $0.value] }
        }
        add("period", "all", ["from_ms": "\(fromMs)", "to_ms": "\(toMs)", "now_ms": "\(nowMs)", "tickets": "\(tickets)"])
        for tier in tiers + [overall] {
            add("tickets", tier.tier, ["total": "\(tier.tickets)", "cancelled": "\(tier.cancelled)", "auto_resolved": "\(tier.autoResolved)"])
            for (section, figures) in [("response", tier.response), ("resolution", tier.resolution)] {
                add(section, tier.tier, ["measured": "\(figures.measured)", "on_time": "\(figures.onTime)", "breached": "\(figures.breached)",
                                         "open_overdue": "\(figures.openOverdue)", "not_yet_due": "\(figures.notYetDue)",
                                         "rate": Self.value(figures.rate)])
            }
            // Arrival rows only where dispatch is in use, so a centre without it sees no empty figures.
            let arrival = overall.timeToArrive.samples > 0 ? [("time_to_arrive", tier.timeToArrive)] : []
            for (section, figures) in [("time_to_acknowledge", tier.timeToAcknowledge), ("time_to_resolve", tier.timeToResolve)] + arrival {
                add(section, tier.tier, ["samples": "\(figures.samples)", "p50_ms": Self.value(figures.p50Ms),
                                         "p90_ms": Self.value(figures.p90Ms), "max_ms": Self.value(figures.maxMs)])
            }
        }
        add("closed_within_72h", "all", ["measured": "\(closure.measured)", "within_window": "\(closure.withinWindow)",
                                         "not_yet_due": "\(closure.notYetDue)", "rate": Self.value(closure.rate),
                                         "closed": "\(closure.closed)", "resolved_awaiting_close": "\(closure.resolvedAwaitingClose)"])
        add("remediation", "all", ["resolved": "\(remediation.resolved)", "reopened": "\(remediation.reopened)",
                                   "rate": Self.value(remediation.rate), "target": "\(remediation.target)", "met": Self.value(remediation.met)])
        add("warning_funnel", "all", ["tickets": "\(warningFunnel.tickets)", "level_1": "\(warningFunnel.level1)",
                                      "level_2": "\(warningFunnel.level2)", "level_3": "\(warningFunnel.level3)",
                                      "transferred_tickets": "\(warningFunnel.transferredTickets)", "transfers": "\(warningFunnel.transfers)"])
        add("resolve_warning_funnel", "all", ["level_1": "\(warningFunnel.resolveLevel1)", "level_2": "\(warningFunnel.resolveLevel2)",
                                              "level_3": "\(warningFunnel.resolveLevel3)",
                                              "transferred_tickets": "\(warningFunnel.resolveTransferredTickets)"])
        add("false_alarms", "all", ["tickets": "\(falseAlarms.tickets)", "cancelled": "\(falseAlarms.cancelled)", "rate": Self.value(falseAlarms.rate)])
        add("device_health", "all", ["healthy": "\(deviceHealth.healthy)", "total": "\(deviceHealth.total)", "rate": Self.value(deviceHealth.rate),
                                     "target": "\(deviceHealth.target)", "met": Self.value(deviceHealth.met)])
        for type in deviceHealth.byType {
            add("device_health", type.type, ["healthy": "\(type.healthy)", "total": "\(type.total)", "rate": Self.value(type.rate),
                                             "met": Self.value(type.met)])
        }
        for cell in demand {
            add("demand", "\(cell.community)/\(cell.building)/\(cell.category)", ["tickets": "\(cell.count)"])
        }
        for cell in demandByGrid {
            add("demand_by_grid", "\(cell.community)/\(cell.grid)/\(cell.category)", ["tickets": "\(cell.count)"])
        }
        rows += residentRows()
        return rows.map { $0.map(CSVText.escape).joined(separator: ",") }.joined(separator: "\n") + "\n"
    }

    static func value<T>(_ optional: T?) -> String { optional.map { "\($0)" } ?? "" }

    static func percent(_ rate: Double?) -> String { rate.map { String(format: "%.1f %%", $0 * 100) } ?? "n/a" }

    /// `85`, or `2.5` for a target that is not a whole percentage.
    static func targetPercent(_ target: Double) -> String {
        let percent = (target * 1000).rounded() / 10
        return percent == percent.rounded() ? String(Int(percent)) : String(percent)
    }

    static func verdict(_ met: Bool?) -> String { met.map { $0 ? "met" : "not met" } ?? "no data" }

    static func onTime(_ figures: OnTime) -> String {
        let waiting = figures.notYetDue > 0 ? ", \(figures.notYetDue) waiting" : ""
        return "\(percent(figures.rate)) (\(figures.onTime)/\(figures.measured)\(waiting))"
    }

    static func durations(_ figures: Durations) -> String {
        guard figures.samples > 0 else { return "-" }
        return [figures.p50Ms, figures.p90Ms, figures.maxMs].map(duration).joined(separator: " / ")
    }

    /// Minutes below an hour, hours with one decimal above: how staff speak of response times.
    static func duration(_ ms: Int64?) -> String {
        guard let ms else { return "-" }
        if ms < 60_000 { return "\(ms / 1000) s" }
        if ms < 3_600_000 { return "\(Int((Double(ms) / 60_000).rounded())) min" }
        return String(format: "%.1f h", Double(ms) / 3_600_000)
    }

    /// `2026-03-02 10:00`: the period's ends as staff write them, in their zone.
    static func local(_ ms: Int64, _ timeZone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: Date(timeIntervalSince1970: Double(ms) / 1000))
        return String(format: "%04d-%02d-%02d %02d:%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0, parts.hour ?? 0, parts.minute ?? 0)
    }

    /// Left-aligned columns two spaces apart; the last column is not padded.
    static func aligned(_ rows: [[String]]) -> [String] {
        let columns = rows.map(\.count).max() ?? 0
        let widths = (0..<columns).map { column in rows.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
    }
}
