import Devices
import Formats
import GridDispatch
import Foundation

/// The ticket as docs/design.md §1.5 shows it to people and programs (`--format json`, the HTTP API):
/// RFC 3339 times in the calendar's zone, a `location` object and the evidence as readings.
extension Ticket {
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
            "pending_since": time(pendingSince),
            "grid": text(grid), "item": text(item), "arrived_at": time(arrivedAt), "dispatched_at": time(dispatchedAt),
            "dispatch": dispatch.map(Self.dispatchJSON) ?? .null,
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
