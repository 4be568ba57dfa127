import Devices
import Formats

/// Checks a template when the configuration loads, against a sample event that carries every
/// field a ticket event can have: a typo in a path, or a template that is not JSON, is found
/// by `gridwatch check`, not by a silent chat group during an emergency.
extension PayloadTemplate {
    /// What is wrong with this template for a webhook receiving `events` (nil: every event);
    /// empty when it is fit to use. A placeholder must exist in one of the events it may render.
    public func problems(events: Set<String>? = nil) -> [String] {
        var problems: [String] = []
        let reports = Set(WebhookConfig.reportEvents)
        var samples: [JSONValue] = []
        if events.map({ !$0.isSubset(of: reports) }) ?? true { samples.append(Self.sampleEvent) }
        if events.map({ !$0.isDisjoint(with: reports) }) ?? true { samples.append(Self.sampleReportEvent) }
        for path in paths where samples.allSatisfy({ Self.lookup(path.split(separator: ".").map(String.init), in: $0) == nil }) {
            problems.append("unknown placeholder '{{\(path)}}' (an event has \(samples.map(Self.knownPaths).joined(separator: "; a report event has ")))")
        }
        for sample in samples {
            if let failure = Self.jsonFailure(render(sample)) {
                problems.append("the template does not render to a JSON object for a sample event: \(failure)")
            } else if let failure = Self.jsonFailure(render(Self.awkward(sample, droppingOptional: true))) {
                // Valid with plain values, invalid with quotes or missing values: a placeholder
                // stands outside a JSON string.
                problems.append("the template is not valid JSON once a value holds quotes or is absent (\(failure)): put every placeholder inside a JSON string")
            }
            if !problems.isEmpty { break }
        }
        return problems
    }

    static func jsonFailure(_ text: String) -> String? {
        do {
            guard case .object = try JSONParser.parse(Array(text.utf8)) else { return "it is not an object" }
            return nil
        } catch let .syntax(offset, message) {
            return "\(message) at byte \(offset)"
        } catch {
            return "\(error)"
        }
    }

    /// `seq, event, ..., ticket.{id, title, ...}` for an error message.
    static func knownPaths(_ sample: JSONValue) -> String {
        guard case let .object(members) = sample else { return "" }
        let top = members.keys.filter { $0 != "ticket" }.sorted().joined(separator: ", ")
        guard case let .object(ticket)? = members["ticket"] else { return top }
        return top + ", ticket.{" + ticket.keys.sorted().joined(separator: ", ") + "}"
    }

    /// `sample` with every string made of quotes, backslashes, a newline and Chinese text, and
    /// (when asked) without the fields only some events carry.
    static func awkward(_ value: JSONValue, droppingOptional: Bool) -> JSONValue {
        switch value {
        case .string: return .string("\"q\" \\ a\nb 中文")
        case let .array(items): return .array(items.map { awkward($0, droppingOptional: droppingOptional) })
        case let .object(members):
            var result: [String: JSONValue] = [:]
            for (key, member) in members where !(droppingOptional && optionalKeys.contains(key)) {
                result[key] = awkward(member, droppingOptional: droppingOptional)
            }
            return .object(result)
        default: return value
        }
    }

    /// Fields only some events carry (TicketAction+Message.swift) or only some tickets have.
    static let optionalKeys: Set<String> = ["level", "team", "automatically", "cycle", "assignee", "latitude", "longitude", "resident"]

    /// A `ticket_warned` event with every field any event can have (docs/api.md "Live events",
    /// docs/design.md §1.5's ticket): the top-level extras of the other events are in too.
    /// A `report_published` event (docs/api.md "Live events"): no ticket, the period's figures.
    static let sampleReportEvent: JSONValue = {
        let text = """
        {"seq": 97, "event": "report_published", "at": "2026-12-01T00:00:30+08:00", "ticket_id": "", "community": "", "severity": "",
         "period": "2026-11", "kind": "month", "from": "2026-11-01T00:00:00+08:00", "to": "2026-12-01T00:00:00+08:00",
         "folder": "/srv/gridwatch/reports", "index": 81.4,
         "below_target": [{"id": "device_health", "titles": {"zh": "智能设备完好率", "en": "Device health"}, "value": 0.79, "target": 0.85,
                           "direction": "min", "periods_below_target": 3}],
         "files": ["2026-11/kpi-2026-11-all.json"],
         "communities": [{"community": "demo", "index": 81.4, "below_target": [], "files": ["2026-11/kpi-2026-11-demo.json"]}],
         "alarm_tickets": [{"ticket_id": "T-000123", "community": "demo", "indicator": "device_health", "periods_below_target": 3}]}
        """
        return (try? JSONParser.parse(Array(text.utf8))) ?? .object([:])
    }()

    static let sampleEvent: JSONValue = {
        let text = """
        {"seq": 42, "event": "ticket_warned", "at": "2026-11-22T23:10:00+08:00", "ticket_id": "T-000007", "actor": "gridwatch",
         "severity": "emergency", "community": "demo", "level": 2, "clock": "respond", "outcome": "closed", "team": "community", "automatically": false,
         "cycle": 2, "assignee": "Li",
         "ticket": {"id": "T-000007", "rule": "smoke_alarm", "device": "smoke-b01-0101", "device_type": "smoke", "community": "demo",
          "building": "B01", "unit": "0101", "severity": "emergency", "category": "fire", "state": "open", "title": "Smoke alarm",
          "titles": {"zh": "烟感报警", "en": "Smoke alarm"}, "item": "fire_alarm",
          "opened_at": "2026-11-22T23:00:00+08:00", "acknowledged_at": null, "resolved_at": null, "closed_at": null,
          "respond_by": "2026-11-22T23:30:00+08:00", "resolve_by": "2026-11-25T23:00:00+08:00", "escalation_level": 2,
          "warn_at": ["2026-11-22T23:15:00+08:00", "2026-11-22T23:24:00+08:00", "2026-11-22T23:30:00+08:00"],
          "response_breached": false, "resolution_breached": false, "occurrences": 1, "last_occurrence_at": "2026-11-22T23:00:00+08:00",
          "assignee": null, "team": "grid", "resident": "Wang",
          "location": {"community": "demo", "building": "B01", "unit": "0101", "latitude": 31.2, "longitude": 121.5},
          "evidence": [{"at": "2026-11-22T23:00:00+08:00", "values": {"alarm": true}}], "cycle": 1, "reopen_count": 0,
          "auto_resolved": false, "life_safety": true, "linked_to": null, "request": null, "pending_since": null,
          "sla": {"tier": "emergency", "respond": "30m", "resolve": "72h"}, "actions": ["ack"]}}
        """
        return (try? JSONParser.parse(Array(text.utf8))) ?? .object([:])
    }()
}
