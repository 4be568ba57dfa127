import Foundation
import GRDB
@testable import Storage
import Testing
import Tickets

/// The ticket queries every ticket change runs must find their rows through an index: a plan
/// that walks the whole table grows with every ticket ever opened (tickets are never deleted).
@Suite struct TicketQueryPlanTests {
    @Test func ticketsDueSearchesTheDeadlineIndexWithHistoryInTheTable() throws {
        let test = try TestStore(.sqlite, name: "plan")
        defer { test.remove() }
        let database = try #require(test.store as? GatewayDatabase)
        // A history of resolved tickets (no deadline) and a few with one.
        try database.updateTickets { ledger in
            for number in 1...300 {
                var ticket = AssignmentTallyStoreTests.ticket(number, assignee: nil, state: number % 50 == 0 ? .open : .resolved)
                ticket.openedAt += Int64(number)
                try ledger.save(ticket, nextDeadline: number % 50 == 0 ? TicketLedgerTests.t0 + Int64(number) : nil)
            }
        }
        let plan = try database.pool.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + DatabaseTicketLedger.ticketsDueSQL, arguments: [TicketLedgerTests.t0 + 1000])
                .map { $0["detail"] as String }
        }
        #expect(plan.contains { $0.contains("USING INDEX tickets_deadline") }, "\(plan)")
        #expect(!plan.contains { $0.hasPrefix("SCAN tickets") }, "\(plan)")
        let due = try database.updateTickets { ledger in try ledger.ticketsDue(by: TicketLedgerTests.t0 + 1000) }
        #expect(due == ["T-000050", "T-000100", "T-000150", "T-000200", "T-000250", "T-000300"])
    }
}
