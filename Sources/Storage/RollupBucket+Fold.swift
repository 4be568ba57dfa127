import Devices
import Formats
import Foundation
import Tickets

/// The roll-up arithmetic both stores share: which buckets a reading feeds, and with what.
extension RollupBucket {
    /// Adds one reading's roll-up fields to a step's `buckets`. A reading of a type with no
    /// roll-up fields, or a payload that is not a JSON object, adds nothing. Personal fields get
    /// no bucket that ended before `personalCutoffMs` (a late reading's): it would only be pruned again.
    public static func fold(type: String?, deviceID: String, payload: String, atMs: Int64, plan: RetentionPlan, personalCutoffMs: Int64,
                            into buckets: inout [RollupKey: RollupBucket]) {
        guard let type, let fields = plan.rollupFieldsByType[type], !fields.isEmpty else { return }
        let personal = plan.personalFieldsByType[type] ?? []
        // Only the roll-up fields are read; the payload is not built (`JSONParser.numericMembers`).
        var text = payload
        text.withUTF8 { bytes in
            _ = JSONParser.numericMembers(bytes, named: fields) { values in
                for (field, value) in zip(fields, values) {
                    guard let value else { continue }
                    add(value, field: field, isPersonal: personal.contains(field), deviceID: deviceID, atMs: atMs,
                        personalCutoffMs: personalCutoffMs, into: &buckets)
                }
            }
        }
    }

    /// One field's value into its 5-minute and hourly buckets.
    private static func add(_ value: Double, field: String, isPersonal: Bool, deviceID: String, atMs: Int64, personalCutoffMs: Int64,
                            into buckets: inout [RollupKey: RollupBucket]) {
        for width in RetentionPlan.widthsSeconds {
            let start = GatewayDatabase.bucketStart(atMs, widthSeconds: width)
            if start + width * 1000 <= personalCutoffMs && isPersonal { continue }
            let key = RollupKey(deviceID: deviceID, field: field, widthSeconds: width, bucketStartMs: start)
            buckets[key, default: RollupBucket(deviceID: deviceID, field: field, widthSeconds: width, bucketStartMs: start, count: 0, sum: 0,
                                               min: .infinity, max: -.infinity, last: value, lastMs: .min)].add(value, atMs: atMs)
        }
    }
}

extension Ticket {
    /// The ticket without its personal values: no position, and evidence without `fields`.
    /// The ticket itself, its timeline and its SLA figures stay (the service record).
    public func scrubbedOfPersonalData(fields: [String]) -> Ticket {
        let removed = Set(fields)
        var ticket = self
        ticket.latitude = nil
        ticket.longitude = nil
        ticket.evidence = ticket.evidence.map { item in
            guard case let .object(values)? = try? JSONParser.parse(Array(item.valuesJSON.utf8)) else { return item }
            return TicketEvidence(atMs: item.atMs, values: values.filter { !removed.contains($0.key) })
        }
        return ticket
    }
}
