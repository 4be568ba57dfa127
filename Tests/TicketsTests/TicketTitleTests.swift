import Devices
import Foundation
import Testing
import Tickets

/// Chinese first: a ticket carries its rule's Chinese title beside the English one, or its
/// catalogue item's with the place; readers pick by language.
@Suite struct TicketTitleTests {
    typealias F = TicketFixture
    static let device = Device(id: "smoke-1", type: "smoke", community: "maple", building: "b01", unit: "0101")
    static let catalogue = DemandCatalogue(classes: [.init(id: "safety", title: .init(zh: "安全隐患", en: "Safety"), items: [
        .init(id: "fire_alarm", classID: "safety", tier: "emergency", title: .init(zh: "火情报警", en: "Fire alarm"), line: 1, column: 1),
    ])])

    @Test func theRulesChineseTitleElseTheItemsWithThePlace() throws {
        var desk = TicketDesk(settings: F.settings(), policies: SLAPolicy.defaults)
        desk.catalogue = Self.catalogue
        var ledger = MemoryTicketLedger()
        var alert = TicketDesk.Alert(rule: "smoke_alarm", device: Self.device, severity: "emergency", category: "fire",
                                     title: "Smoke alarm in b01-0101", lifeSafety: true, autoResolvable: false)
        alert.item = "fire_alarm"
        alert.titleZh = "烟感报警 b01-0101"
        let first = try #require(try desk.alertFired(alert, at: F.t0, in: &ledger).first?.ticket)
        #expect(first.title(language: "zh-CN") == "烟感报警 b01-0101" && first.title(language: "en") == "Smoke alarm in b01-0101")
        #expect(first.category == "safety", "the item's class")
        let json = first.contractJSON(timeZone: F.zone)
        #expect(json["titles"]?["zh"]?.string == "烟感报警 b01-0101" && json["titles"]?["en"]?.string == "Smoke alarm in b01-0101")

        alert.rule = "smoke_alarm_2"
        alert.titleZh = nil
        let second = try #require(try desk.alertFired(alert, at: F.t0, in: &ledger).first?.ticket)
        #expect(second.titleZh == "火情报警 b01-0101")
        alert.rule = "smoke_alarm_3"
        alert.item = nil
        let third = try #require(try desk.alertFired(alert, at: F.t0, in: &ledger).first?.ticket)
        #expect(third.title(language: "zh") == "Smoke alarm in b01-0101", "no Chinese title anywhere: the English one")
    }
}
