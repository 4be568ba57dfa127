import Formats
import Foundation
import Indicators
import Storage

/// The `report_published` event: the period, its index, the indicators below target and the
/// files written, overall and per community, and the alarm tickets opened. What a webhook
/// receives (docs/api.md, "Live events"); the files hold the figures themselves.
struct ReportAnnouncement {
    var period: ReportPeriod
    var publications: [(ReportPublication, IndicatorReport)]
    var alarms: [(IndicatorAlarm, String)]
    var folder: String
    var zone: TimeZone
    var nowMs: Int64

    var json: JSONValue {
        let (fromMs, toMs) = period.bounds(in: zone)
        var object: [String: JSONValue] = [
            "event": .string(ReportPublisher.eventName), "at": .string(RFC3339.format(milliseconds: nowMs, timeZone: zone)),
            "period": .string(period.description), "kind": .string(period.kind.rawValue),
            "from": .string(RFC3339.format(milliseconds: fromMs, timeZone: zone)), "to": .string(RFC3339.format(milliseconds: toMs, timeZone: zone)),
            "folder": .string(folder),
            "alarm_tickets": .array(alarms.map { alarm, ticketID in
                .object(["ticket_id": .string(ticketID), "community": .string(alarm.community), "indicator": .string(alarm.row.id),
                         "periods_below_target": .int(Int64(alarm.row.periodsBelowTarget))])
            }),
        ]
        if let overall = publications.first(where: { $0.0.community.isEmpty }) {
            object.merge(Self.summary(overall.0, overall.1)) { _, new in new }
        }
        object["communities"] = .array(publications.filter { !$0.0.community.isEmpty }.map { publication, report in
            var entry = Self.summary(publication, report)
            entry["community"] = .string(publication.community)
            return .object(entry)
        })
        return .object(object)
    }

    /// `index`, `below_target` and `files` of one scope.
    static func summary(_ publication: ReportPublication, _ report: IndicatorReport) -> [String: JSONValue] {
        let below = report.indicators.filter { $0.met == false }.map { row -> JSONValue in
            .object(["id": .string(row.id), "titles": .object(["zh": .string(row.title.zh), "en": .string(row.title.en)]),
                     "value": row.value.map { .double($0) } ?? .null, "target": .double(row.target),
                     "direction": .string(row.direction.rawValue), "periods_below_target": .int(Int64(row.periodsBelowTarget))])
        }
        return ["index": report.index.map { .double($0) } ?? .null, "below_target": .array(below),
                "files": .array(publication.files.map { .string($0) })]
    }
}
