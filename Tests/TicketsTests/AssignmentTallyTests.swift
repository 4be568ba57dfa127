import Foundation
import Simulation
import Testing
import Tickets

/// The memory ledger's assignment counts, kept save by save, against counting its tickets.
@Suite struct AssignmentTallyTests {
    typealias F = TicketFixture

    @Test func theMemoryLedgerCountsAsItsTicketsSayAfterEverySave() {
        var ledger = MemoryTicketLedger()
        var generator = SplitMix64(seed: 16)  // seeded: a failure replays the same saves
        let people: [String?] = ["li", "wang", "zhao", nil]
        let states: [Ticket.State] = [.open, .acknowledged, .inProgress, .pending, .resolved, .closed, .cancelled]
        for step in 0..<400 {
            var ticket = F.ticket()
            ticket.id = TicketNumber.id(Int.random(in: 1...25, using: &generator))
            ticket.assignee = people.randomElement(using: &generator)!
            ticket.state = states.randomElement(using: &generator)!
            ledger.save(ticket, nextDeadline: nil)
            var counted: [String: Int] = [:]
            for held in ledger.tickets.values where held.state.isActive {
                if let assignee = held.assignee { counted[assignee, default: 0] += 1 }
            }
            #expect(ledger.activeAssignments() == counted, "after save \(step)")
            if ledger.activeAssignments() != counted { return }
        }
    }

    @Test func nobodyIsCountedWithZero() {
        var tally = AssignmentTally(counts: ["li": 1, "wang": 0])
        #expect(tally.counts == ["li": 1])
        var ticket = F.ticket()
        ticket.assignee = "li"
        var resolved = ticket
        resolved.state = .resolved
        tally.saved(resolved, over: ticket)
        #expect(tally.counts.isEmpty)
    }
}
