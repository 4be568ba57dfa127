import Devices
import Formats
import Foundation
@testable import HTTPAPI
import Testing
import Tickets

/// The API's pure parts: token secrets and roles, the actions offered per state, and what a
/// viewer may not see.
@Suite struct HTTPAPITests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func tokensAreRandomAndOnlyTheirHashIsKept() {
        let first = APITokenSecret.generate()
        let second = APITokenSecret.generate()
        #expect(first.hasPrefix("gw_") && first.count == 46 && first != second)
        #expect(!first.contains("+") && !first.contains("/") && !first.contains("="), "safe in a header and a shell")
        // FIPS 180-2's "abc" vector.
        #expect(APITokenSecret.hash("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(APIRole.admin.grants(.responder) && APIRole.responder.grants(.viewer) && !APIRole.viewer.grants(.responder))
        // Intake is off the ladder: no staff role includes it, and it includes no staff role.
        #expect(APIRole.allCases.filter { $0.grants(.intake) } == [.intake])
        #expect(APIRole.allCases.filter { APIRole.intake.grants($0) } == [.intake])
    }

    @Test func onlyTheActionsTheStateAllowsAreOffered() throws {
        let settings = TicketSettings(calendar: .standard(timeZone: .gmt), warnings: .standard,
                                      hierarchy: TeamHierarchy(chain: ["grid", "community"]), ackTimeoutMs: nil)
        var lifecycle = TicketLifecycle(opening: Self.ticket(), by: "rules", settings: settings)
        #expect(TicketView.validActions(lifecycle.ticket, settings: settings) == ["ack", "start", "pending", "resolve", "cancel", "assign", "comment"])
        _ = try lifecycle.eventHappened(.acknowledge, at: 1_000, by: "wang")
        #expect(!TicketView.validActions(lifecycle.ticket, settings: settings).contains("ack"))
        _ = try lifecycle.eventHappened(.resolve(note: ""), at: 2_000, by: "wang")
        #expect(TicketView.validActions(lifecycle.ticket, settings: settings) == ["close", "reopen", "comment", "follow_up"])
        #expect(throws: APIError.self) { try TicketView.event("pending", body: [:]) }
        #expect(try TicketView.event("assign", body: ["to": .string("li")]) == .assign(person: "li"))
    }

    @Test func viewersSeeNoPersonalData() throws {
        var diagnostics = DiagnosticList()
        let catalog = DeviceTypeCatalog.load(directory: Self.root.appendingPathComponent("devices").path, diagnostics: &diagnostics)
        var ticket = Self.ticket(type: "wristband")
        ticket.latitude = 31.2
        ticket.longitude = 121.5
        ticket.addEvidence(TicketEvidence(atMs: 0, values: ["hr_bpm": .int(42), "spo2": .int(88), "lat": .double(31.2), "lon": .double(121.5), "fall": .bool(true)]))
        guard case var .object(object) = ticket.contractJSON(timeZone: .gmt) else { Issue.record("not an object"); return }
        object["resident"] = .string("R-01")
        let filtered = PersonalDataFilter(catalog: catalog).ticket(.object(object)).jsonText
        for personal in ["hr_bpm", "spo2", "\"lat\"", "\"lon\"", "latitude", "longitude", "R-01"] { #expect(!filtered.contains(personal), "\(personal)") }
        #expect(filtered.contains("\"fall\":true") && filtered.contains("\"redacted\":true"))
        let door = PersonalDataFilter(catalog: catalog).ticket(Self.ticket(type: "door").contractJSON(timeZone: .gmt)).jsonText
        #expect(!door.contains("redacted"), "nothing personal, nothing to flag")
        let event = PersonalDataFilter(catalog: catalog).event(JSONValue.object(["seq": .int(1), "ticket": .object(object)]).jsonText)
        #expect(!event.contains("hr_bpm") && event.contains("\"seq\":1"))
        // Fail closed: what the filter cannot judge is not shown.
        var unknown = Self.ticket(type: "pacemaker")
        unknown.addEvidence(TicketEvidence(atMs: 0, values: ["bpm": .int(60)]))
        let dropped = PersonalDataFilter(catalog: catalog).ticket(unknown.contractJSON(timeZone: .gmt)).jsonText
        #expect(!dropped.contains("bpm") && dropped.contains("\"redacted\":true"))
        #expect(PersonalDataFilter(catalog: catalog).event("not json") == #"{"redacted":true}"#)
    }

    static func ticket(type: String = "smoke") -> Ticket {
        Ticket(id: "T-1", rule: "r", device: "d-1", deviceType: type, community: "demo", building: "b01", unit: "0101", severity: "emergency",
               category: "fire", title: "t", team: "grid", policy: SLAPolicy.defaults["emergency"]!, openedAt: 0, autoResolvable: false, lifeSafety: true)
    }
}
