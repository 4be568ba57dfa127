import Devices
import Formats
import Foundation
import Testing
import Tickets

/// The demand catalogue: the shipped one reads clean with its five classes, and every mistake
/// in a catalogue is reported at its line and column, all at once.
@Suite struct DemandCatalogueTests {
    static let tiers: Set<String> = ["emergency", "general", "complex"]

    @Test func theShippedCatalogueHasFiveClassesAndTheirItems() throws {
        var diagnostics = DiagnosticList()
        let path = TicketFixture.root.appendingPathComponent("config/catalogue.yaml").path
        let catalogue = DemandCatalogue.load(path: path, tiers: Self.tiers, diagnostics: &diagnostics)
        #expect(diagnostics.items.isEmpty, "\(diagnostics.items)")
        #expect(catalogue.classes.map(\.id) == ["elderly_care", "health", "repairs", "safety", "neighbourhood"])
        #expect(catalogue.items.count == 21)
        // The maintenance round's tickets (issue 14): a battery before it runs flat, a smoke detector's lapsed self-test.
        #expect(catalogue["battery_replacement"]?.classID == "repairs" && catalogue["smoke_detector_inspection"]?.classID == "safety")
        let fall = try #require(catalogue["fall_or_sos"])
        #expect(fall.classID == "elderly_care" && fall.tier == "emergency" && fall.skill == "elderly_care")
        #expect(fall.title.text(language: "zh-CN") == "跌倒或紧急呼叫" && fall.title.text(language: "en") == "Fall or emergency call")
        #expect(catalogue["noise_complaint"]?.skill == nil)
    }

    @Test func everyMistakeIsReportedAtItsPlace() {
        let text = """
        classes:
          - id: care
            title: {zh: 养老, en: Care}
            items:
              - {id: fall, tier: urgent, title: {zh: 跌倒, en: Fall}}
              - {id: Visit Home, tier: general, title: {zh: 探访, en: Visit}}
              - {id: meal, tier: general, title: {zh: 送餐}}
              - {id: fall, tier: general, title: {zh: 跌倒, en: Fall}, colour: red}
          - id: care
            title: {zh: 重复, en: ""}
            items: []
        """
        var diagnostics = DiagnosticList()
        let catalogue = DemandCatalogue.parse(text, path: "catalogue.yaml", tiers: Self.tiers, diagnostics: &diagnostics)
        let lines = diagnostics.items.map(\.description)
        let expected = [
            "catalogue.yaml:5:26: error: unknown tier 'urgent'",
            "catalogue.yaml:6:14: error: item id 'Visit Home' must be lower-case letters, digits and '_'",
            "catalogue.yaml:7:42: error: 'title' is missing required key 'en'",
            "catalogue.yaml:8:62: error: unknown key 'colour'",
            "catalogue.yaml:8:14: error: item 'fall' is already defined on line 5",
            "catalogue.yaml:9:9: error: class 'care' is already defined on line 2",
            "catalogue.yaml:10:25: error: the en title must not be empty",
            "catalogue.yaml:11:12: error: 'items' must be a non-empty list",
        ]
        for prefix in expected { #expect(lines.contains { $0.hasPrefix(prefix) }, "\(prefix)\n\(lines.joined(separator: "\n"))") }
        #expect(diagnostics.errors.count == expected.count, "\(lines.joined(separator: "\n"))")
        #expect(catalogue.items.isEmpty, "every item had a mistake")
    }

    @Test func aRuleNamingAnItemGivesItsTicketTheItemItsClassTeamAndSkill() throws {
        var diagnostics = DiagnosticList()
        let catalogue = DemandCatalogue.load(path: TicketFixture.root.appendingPathComponent("config/catalogue.yaml").path, tiers: Self.tiers,
                                             diagnostics: &diagnostics)
        var desk = TicketDesk(settings: TicketFixture.settings(), policies: SLAPolicy.defaults, router: TicketRouter(defaultTeam: "grid"))
        desk.catalogue = catalogue
        var alert = TicketDesk.Alert(rule: "dispute", device: Device(id: "panel-1", type: "door", community: "maple", building: "2", unit: "301"),
                                     severity: "complex", category: "device", title: "Dispute", lifeSafety: false, autoResolvable: false)
        alert.item = "dispute_mediation"
        var ledger = MemoryTicketLedger()
        let ticket = try #require(desk.alertFired(alert, at: TicketFixture.t0, in: &ledger).first?.ticket)
        #expect(ticket.item == "dispute_mediation" && ticket.category == "neighbourhood" && ticket.team == "community")
        alert.rule = "leak"
        alert.item = "water_leak"
        let leak = try #require(desk.alertFired(alert, at: TicketFixture.t0, in: &ledger).first?.ticket)
        #expect(leak.skill == "plumbing" && leak.category == "repairs" && leak.team == "grid")
        #expect(leak.contractJSON(timeZone: TicketFixture.zone).jsonText.contains(#""item":"water_leak""#))
    }

    @Test func aRequestForAnItemTakesItsTierClassAndSkillAndAnUnknownItemIsRefused() throws {
        var diagnostics = DiagnosticList()
        var desk = TicketDesk(settings: TicketFixture.settings(), policies: SLAPolicy.defaults, router: TicketRouter(defaultTeam: "grid"))
        desk.catalogue = DemandCatalogue.load(path: TicketFixture.root.appendingPathComponent("config/catalogue.yaml").path, tiers: Self.tiers,
                                              diagnostics: &diagnostics)
        var ledger = MemoryTicketLedger()
        var request = TicketDesk.Request(category: "", severity: "", community: "maple", building: "2", unit: "301", text: "The lock jams")
        request.item = "lock_repair"
        let ticket = try #require(desk.open(request, at: TicketFixture.t0, by: "desk", in: &ledger).first?.ticket)
        #expect(ticket.item == "lock_repair" && ticket.category == "repairs" && ticket.severity == "general" && ticket.skill == "locks")
        request.item = "unicorn"
        #expect(throws: TicketDeskError.self) { _ = try desk.open(request, at: TicketFixture.t0, by: "desk", in: &ledger) }
    }
}
