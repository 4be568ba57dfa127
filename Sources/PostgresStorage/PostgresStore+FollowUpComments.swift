import Foundation
import Storage
import Tickets

/// Follow-up comments past the personal period, as in the SQLite store (`FollowUpCommentScrub`).
extension PostgresStore {
    public func scrubFollowUpCommentsStep(_ plan: RetentionPlan, nowMs: Int64) throws -> RetentionStepResult {
        let cutoffMs = nowMs - plan.personalRetentionMs
        let needle = SQLValue.text(FollowUpCommentScrub.needle)
        return try write { session in
            let rows = try session.query("""
                SELECT id, body FROM tickets WHERE state IN ('resolved', 'closed', 'cancelled') AND strpos(body, $1) > 0
                AND (body::json ->> 'updated_at')::numeric < $2 ORDER BY number LIMIT $3
                """, [needle, .int(cutoffMs), .int(plan.stepRows)])
            var ids: [String] = [], bodies: [String] = []
            for row in rows {
                let ticket = try JSONDecoder().decode(Ticket.self, from: Data(try row.required("body", as: String.self).utf8))
                ids.append(try row.required("id", as: String.self))
                bodies.append(String(decoding: try JSONEncoder().encode(FollowUpCommentScrub.ticket(ticket)), as: UTF8.self))
            }
            if !ids.isEmpty {
                try session.execute("UPDATE tickets t SET body = u.body FROM unnest($1::text[], $2::text[]) AS u(id, body) WHERE t.id = u.id",
                                    [.texts(ids), .texts(bodies)])
            }
            let events = try session.query("SELECT seq, body FROM ticket_events WHERE at < $1 AND strpos(body, $2) > 0 ORDER BY seq LIMIT $3",
                                           [.int(cutoffMs), needle, .int(plan.stepRows)])
            var seqs: [Int64] = [], eventBodies: [String] = []
            for event in events {
                guard let body = FollowUpCommentScrub.eventBody(try event.required("body", as: String.self)) else { continue }
                seqs.append(try event.required("seq", as: Int64.self))
                eventBodies.append(body)
            }
            if !seqs.isEmpty {
                try session.execute("UPDATE ticket_events e SET body = u.body FROM unnest($1::bigint[], $2::text[]) AS u(seq, body) WHERE e.seq = u.seq",
                                    [.ints(seqs), .texts(eventBodies)])
            }
            return RetentionStepResult(changed: rows.count + events.count, finished: rows.count < plan.stepRows && events.count < plan.stepRows)
        }
    }
}
