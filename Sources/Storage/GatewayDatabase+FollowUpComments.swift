import Foundation
import GRDB
import Tickets

/// Follow-up comments past the personal period (`FollowUpCommentScrub`), in the SQLite store.
extension GatewayDatabase {
    /// Removes follow-up comments from tickets over and untouched for the personal period, and
    /// from the event copies older than it; at most `plan.stepRows` of each per step.
    public func scrubFollowUpCommentsStep(_ plan: RetentionPlan, nowMs: Int64) throws -> RetentionStepResult {
        let cutoffMs = nowMs - plan.personalRetentionMs
        return try pool.write { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT id, body FROM tickets WHERE state IN ('resolved', 'closed', 'cancelled') AND instr(body, ?) > 0
                AND json_extract(body, '$.updated_at') < ? ORDER BY number LIMIT ?
                """, arguments: [FollowUpCommentScrub.needle, cutoffMs, plan.stepRows])
            for row in rows {
                let ticket = FollowUpCommentScrub.ticket(try JSONDecoder().decode(Ticket.self, from: Data((row["body"] as String).utf8)))
                try db.execute(sql: "UPDATE tickets SET body = ? WHERE id = ?",
                               arguments: [String(decoding: try JSONEncoder().encode(ticket), as: UTF8.self), row["id"] as String])
            }
            let events = try Row.fetchAll(db, sql: "SELECT seq, body FROM ticket_events WHERE at < ? AND instr(body, ?) > 0 ORDER BY seq LIMIT ?",
                                          arguments: [cutoffMs, FollowUpCommentScrub.needle, plan.stepRows])
            for event in events {
                guard let body = FollowUpCommentScrub.eventBody(event["body"] as String) else { continue }
                try db.execute(sql: "UPDATE ticket_events SET body = ? WHERE seq = ?", arguments: [body, event["seq"] as Int64])
            }
            return RetentionStepResult(changed: rows.count + events.count, finished: rows.count < plan.stepRows && events.count < plan.stepRows)
        }
    }
}
