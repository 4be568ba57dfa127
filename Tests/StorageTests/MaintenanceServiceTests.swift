import Devices
import Foundation
import Gateway
import Logging
import Maintenance
import Storage
import Testing
import Tickets

/// The maintenance service over a stored history, stepping virtual time in six-hour rounds:
/// each ticket opens at the first round past its due time and never twice.
@Suite struct MaintenanceServiceTests {
    typealias M = MaintenanceStoreTests
    let hour = M.hour
    let day = M.day
    let t0 = M.t0

    /// A store holding `MaintenanceStoreTests.storeHistory` and a service over it.
    static func serviceOverHistory(_ kind: StoreKind, name: String) throws -> (TestStore, MaintenanceService) {
        let test = try TestStore(kind, name: name)
        try M.storeHistory(test.store)
        return (test, service(test.store))
    }

    static func service(_ store: any GatewayStore) -> MaintenanceService {
        let office = TicketOffice(desk: TicketLedgerTests.desk(), database: store, logger: Logger(label: "maintenance-test"))
        return MaintenanceService(database: store, catalog: M.catalog, config: MaintenanceConfig(), timeZone: TicketLedgerTests.zone,
                                  office: office, logger: Logger(label: "maintenance-test"))
    }

    @Test(arguments: StoreKind.allCases) func ticketsOpenBeforeTheRunOutAndOnlyOnce(kind: StoreKind) throws {
        let (test, service) = try Self.serviceOverHistory(kind, name: "maintenance")
        defer { test.remove() }
        let store = test.store
        var opened: [(atMs: Int64, ticket: Ticket)] = []
        var now = t0 + 5 * day + hour
        while now < t0 + 14 * day {
            opened += service.runRound(nowMs: now).map { (now, $0) }
            now += 6 * hour
        }
        // smoke-1 reaches 5 % on day 17.5; forecast_days 7: due on day 10.5.
        let battery = opened.filter { $0.ticket.rule == "maintenance.battery" }
        #expect(battery.map(\.ticket.device) == ["smoke-1"])
        let batteryDue = t0 + 10 * day + 12 * hour
        #expect(battery.first.map { $0.atMs >= batteryDue && $0.atMs < batteryDue + 6 * hour } == true, "\(battery.map(\.atMs))")
        // A self-test every 10 days: smoke-1 tested in its 4th hour, smoke-2 never (counted from registration).
        let selfTests = opened.filter { $0.ticket.rule == "maintenance.self_test" }
        #expect(Set(selfTests.map(\.ticket.device)) == ["smoke-1", "smoke-2"])
        for (atMs, ticket) in selfTests {
            let due = t0 + 10 * day + (ticket.device == "smoke-1" ? 3 * hour : 0)
            #expect(atMs >= due && atMs < due + 6 * hour, "\(ticket.device) at \(atMs - t0)")
        }
        let ticket = try #require(battery.first?.ticket)
        #expect(ticket.severity == "general" && !ticket.autoResolvable && ticket.building == "1" && ticket.unit == "101")
        let evidence = try #require(try store.ticket(id: ticket.id)?.evidence.first?.valuesJSON)
        #expect(evidence.contains("\"run_out_at\":\"2026-03-") && evidence.contains("\"drain_per_day\":2"), "\(evidence)")
        let forecast = try #require(try store.batteryForecasts(device: "smoke-1")["smoke-1"])
        #expect(forecast.state == .forecast && abs((forecast.drainPerDay ?? 0) - 2) < 0.01)
        #expect(try store.batteryForecasts(device: "smoke-2")["smoke-2"]?.replacedAtMs == t0 + 8 * day)
        #expect(try store.batteryForecasts(device: "door-1").isEmpty)
        #expect(try store.tickets(TicketFilter()).count == 3)
    }

    @Test(arguments: StoreKind.allCases) func aResolvedTicketIsFollowedByANewOneOnlyAfterTheQuietDay(kind: StoreKind) throws {
        let (test, service) = try Self.serviceOverHistory(kind, name: "maintenance-quiet")
        defer { test.remove() }
        let store = test.store
        let first = try #require(service.runRound(nowMs: t0 + 11 * day).first { $0.rule == "maintenance.battery" })
        _ = try store.updateTickets { ledger in
            try TicketLedgerTests.desk().handle(.resolve(note: "checked"), ticketID: first.id, at: t0 + 11 * day + hour, by: "wang", in: &ledger)
        }
        // The battery was not changed: the history still says it runs out, but not within the day.
        #expect(service.runRound(nowMs: t0 + 11 * day + 12 * hour).isEmpty)
        let again = service.runRound(nowMs: t0 + 12 * day + 2 * hour).filter { $0.rule == "maintenance.battery" }
        #expect(again.map(\.device) == ["smoke-1"] && again.first?.id != first.id)
    }
}
