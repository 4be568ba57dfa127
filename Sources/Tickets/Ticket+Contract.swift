import Devices
import Formats
import GridDispatch
import Foundation

/// The ticket as docs/design.md §1.5 shows it to people and programs (`--format json`, the HTTP API):
/// RFC 3339 times in the calendar's zone, a `location` object and the evidence as readings.
extension Ticket {
    /// The title for a reader's language (`zh`, `zh-CN`, `en` ...): Chinese unless English is asked for.
    public func title(language: String) -> String { language.lowercased().hasPrefix("en") ? title : titleZh ?? title }

    public func contractJSON(timeZone: TimeZone, withTimeline: Bool = false) -> JSONValue {
        func time(_ ms: Int64?) -> JSONValue { ms.map { .string(RFC3339.format(milliseconds: $0, timeZone: timeZone)) } ?? .null }
        func text(_ value: String?) -> JSONValue { value.map { .string($0) } ?? .null }
        var location: [String: JSONValue] = ["community": .string(community), "building": .string(building), "unit": .string(unit)]
        if let latitude, let longitude {
            location["latitude"] = .double(latitude)
            location["longitude"] = .double(longitude)
        }
        var object: [String: JSONValue] = [
            "id": .string(id), "rule": .string(rule), "device": .string(device), "device_type": .string(deviceType),
            "community": .string(community), "building": .string(building), "unit": .string(unit),
            "severity": .string(severity), "category": .string(category), "state": .string(state.rawValue), "title": .string(title),
            "opened_at": time(openedAt), "acknowledged_at": time(acknowledgedAt), "resolved_at": time(resolvedAt), "closed_at": time(closedAt),
            "respond_by": time(respondBy), "resolve_by": time(resolveBy), "escalation_level": .int(Int64(escalationLevel)),
            "warn_at": .array(warnAt.map { time($0) }),
            "response_breached": .bool(responseBreached), "resolution_breached": .bool(resolutionBreached),
            "occurrences": .int(Int64(occurrences)), "last_occurrence_at": time(lastOccurrenceAt),
            "assignee": text(assignee), "team": .string(team), "location": .object(location),
            "cycle": .int(Int64(cycle)), "reopen_count": .int(Int64(reopenCount)), "auto_resolved": .bool(autoResolved),
            "life_safety": .bool(lifeSafety), "linked_to": text(linkedTo), "request": text(request),
            "request_id": text(requestID), "source": text(source),
            "pending_since": time(pendingSince),
            "grid": text(grid), "item": text(item), "arrived_at": time(arrivedAt), "dispatched_at": time(dispatchedAt),
            "dispatch": dispatch.map(Self.dispatchJSON) ?? .null,
            "titles": .object(["zh": .string(titleZh ?? title), "en": .string(title)]),
            "resolve_escalation_level": .int(Int64(resolveEscalationLevel ?? 0)),
            "resolve_warn_at": .array((resolveWarnAt ?? []).map { time($0) }),
            "follow_up": followUp.map { Self.followUpJSON($0, time: time) } ?? .null,
            "follow_up_history": .array((followUpHistory ?? []).map { Self.followUpJSON($0, time: time) }),
            "reopen_causes": .object((reopenCauses ?? [:]).mapValues { .int(Int64($0)) }),
            "evidence": .array(evidence.map { item in
                let values = (try? JSONParser.parse(Array(item.valuesJSON.utf8))) ?? .string(item.valuesJSON)
                return .object(["at": time(item.atMs), "values": values])
            }),
            "sla": .object(["tier": .string(policy.tier), "respond": .string(policy.respond.description), "resolve": .string(policy.resolve.description)]),
        ]
        if withTimeline {
            object["timeline"] = .array(timeline.map { entry in
                .object(["at": time(entry.at), "actor": .string(entry.actor), "action": .string(entry.action), "detail": .string(entry.detail)])
            })
        }
        return .object(object)
    }

    /// `contract` (a ticket's contract JSON) with every follow-up comment null: what a resident
    /// said at a follow-up stays in the ticket for those the API lets read it, and never travels
    /// in an event copy (MQTT, webhooks) or reaches a viewer.
    public static func withoutFollowUpComments(_ contract: JSONValue) -> JSONValue {
        guard case var .object(object) = contract else { return contract }
        func blanked(_ value: JSONValue) -> JSONValue {
            guard case var .object(followUp) = value, followUp["comment"] != nil else { return value }
            followUp["comment"] = .null
            return .object(followUp)
        }
        if let followUp = object["follow_up"] { object["follow_up"] = blanked(followUp) }
        if case let .array(history)? = object["follow_up_history"] { object["follow_up_history"] = .array(history.map(blanked)) }
        return .object(object)
    }

    /// The contract's `follow_up` object: `{"due_at", "done_at", "reached", "satisfaction",
    /// "recommend", "comment", "by"}`, with the cycle, the failed attempts and whether it was on time.
    static func followUpJSON(_ followUp: FollowUp, time: (Int64?) -> JSONValue) -> JSONValue {
        func number(_ value: Int?) -> JSONValue { value.map { .int(Int64($0)) } ?? .null }
        return .object([
            "cycle": .int(Int64(followUp.cycle)), "opened_at": time(followUp.openedAt), "due_at": time(followUp.dueAt),
            "done_at": time(followUp.doneAt), "reached": followUp.reached.map { .bool($0) } ?? .null,
            "satisfaction": number(followUp.satisfaction), "recommend": number(followUp.recommend),
            "comment": followUp.comment.map { .string($0) } ?? .null, "by": followUp.by.map { .string($0) } ?? .null,
            "failed_attempts": .int(Int64(followUp.failedAttempts)), "on_time": followUp.onTime.map { .bool($0) } ?? .null,
            "warned_at": time(followUp.warnedAt),
        ])
    }

    /// The contract's `dispatch` object: `{"assignee", "distance_m", "reason", "candidates": [{"id",
    /// "distance_m"}], "resources": [{"id", "class", "distance_m"}]}`.
    static func dispatchJSON(_ decision: DispatchDecision) -> JSONValue {
        func metres(_ value: Int?) -> JSONValue { value.map { .int(Int64($0)) } ?? .null }
        return .object([
            "assignee": decision.assignee.map { .string($0) } ?? .null, "distance_m": metres(decision.distanceMetres),
            "reason": .string(decision.reason),
            "candidates": .array(decision.candidates.map { .object(["id": .string($0.id), "distance_m": metres($0.distanceMetres)]) }),
            "resources": .array(decision.resources.map {
                .object(["id": .string($0.id), "class": .string($0.resourceClass), "distance_m": .int(Int64($0.distanceMetres))])
            }),
        ])
    }
}
