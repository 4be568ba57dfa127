import Devices
import Formats
import Foundation
import Hummingbird
import HummingbirdTesting
@testable import HTTPAPI
import Indicators
import Logging
import Storage
import Testing
import Tickets

/// The API's routes in process (HummingbirdTesting's router client) over a real SQLite file:
/// tokens and roles, a request logged and acted on, refusals that change nothing, and the
/// newer routes' answers. The end-to-end tests keep the real gateway and curl.
@Suite struct APIRouteTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let nowMs: Int64 = 1_772_416_800_000 // Monday 2 March 2026, 10:00 Shanghai

    /// The ticket desk over the store, as the staff commands use it: each action in one transaction.
    struct StoreDesk: StaffDesk {
        let desk: TicketDesk
        let store: any GatewayStore

        func act(_ event: TicketEvent, on ticketID: String, by actor: String) throws -> Ticket {
            let happenings = try store.updateTickets { ledger in try desk.handle(event, ticketID: ticketID, at: APIRouteTests.nowMs, by: actor, in: &ledger) }
            return try store.ticket(id: happenings.last?.ticket.id ?? ticketID) ?? happenings[happenings.count - 1].ticket
        }

        func open(_ request: TicketDesk.Request, by actor: String) throws -> Ticket {
            let happenings = try store.updateTickets { ledger in try desk.open(request, at: APIRouteTests.nowMs, by: actor, in: &ledger) }
            guard let id = happenings.last?.ticket.id, let ticket = try store.ticket(id: id) else { throw TicketDeskError.missingField("a ticket") }
            return ticket
        }

        var catalogue: DemandCatalogue { desk.catalogue }

        func submit(_ request: ResidentRequest, by actor: String) throws -> SubmittedRequest {
            let place = try store.place(of: request.deskRequest)
            var submitted = try store.updateTickets { ledger in
                try ledger.submit(request, place: place, desk: desk, at: APIRouteTests.nowMs, by: actor).outcome
            }
            submitted.ticket = try submitted.stored.ticketID.flatMap { try store.ticket(id: $0) }
            return submitted
        }
    }

    /// A router over a fresh database with a viewer and a responder token, assessing `indicators`.
    static func router(indicators: IndicatorSet = .standard) throws -> (Router<APIRequestContext>, viewer: String, responder: String,
                                                                         store: GatewayDatabase) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gw-routes-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let store = try GatewayDatabase(path: directory + "/gridwatch.db")
        var diagnostics = DiagnosticList()
        let catalog = DeviceTypeCatalog.load(directory: root.appendingPathComponent("devices").path, diagnostics: &diagnostics)
        _ = try store.upsertDevices([Device(id: "door-b01-0101", type: "door", community: "demo", building: "b01", unit: "0101", grid: "G1",
                                            latitude: 32.06, longitude: 118.78)], source: "inventory", nowMs: nowMs)
        var tokens: [String] = []
        for role in ["viewer", "responder"] {
            let secret = APITokenSecret.generate()
            try store.createAPIToken(name: "\(role)-1", role: role, hash: APITokenSecret.hash(secret), nowMs: nowMs)
            tokens.append(secret)
        }
        let zone = TimeZone(identifier: "Asia/Shanghai") ?? .gmt
        let settings = TicketSettings(calendar: .standard(timeZone: zone), warnings: .standard, hierarchy: TeamHierarchy(chain: ["grid", "community"]))
        var desk = TicketDesk(settings: settings, policies: SLAPolicy.defaults)
        desk.catalogue = DemandCatalogue.load(path: root.appendingPathComponent("config/catalogue.yaml").path, tiers: ["emergency", "general", "complex"],
                                              diagnostics: &diagnostics)
        var environment = APIEnvironment(database: store, catalog: catalog, timeZone: zone, ticketSettings: settings,
                                         desk: StoreDesk(desk: desk, store: store), bell: EventBell(), nowMs: { nowMs }, dashboardPath: nil)
        environment.indicators = indicators
        let router = GatewayHTTPServer.router(logger: Logger(label: "test"), readiness: { ReadinessReport(checks: [:]) }, api: environment)
        return (router, tokens[0], tokens[1], store)
    }

    static func json(_ buffer: ByteBuffer) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView))) as? [String: Any] ?? [:]
    }

    @Test func aRequestIsLoggedByItemActedOnAndRefusedWhereTheStateForbids() async throws {
        let (router, viewer, responder, _) = try Self.router()
        let app = Application(router: router)
        try await app.test(.router) { client in
            try await client.execute(uri: "/api/v1/tickets", method: .get) { #expect($0.status == .unauthorized) }
            let request = #"{"item": "lock_repair", "community": "demo", "building": "b01", "unit": "0101", "text": "The lock jams"}"#
            try await client.execute(uri: "/api/v1/tickets", method: .post, headers: [.authorization: "Bearer \(viewer)"],
                                     body: ByteBuffer(string: request)) { #expect($0.status == .forbidden) }
            var id = ""
            try await client.execute(uri: "/api/v1/tickets", method: .post, headers: [.authorization: "Bearer \(responder)"],
                                     body: ByteBuffer(string: request)) { response in
                #expect(response.status == .created)
                let ticket = Self.json(response.body)
                id = ticket["id"] as? String ?? ""
                #expect(ticket["item"] as? String == "lock_repair" && ticket["category"] as? String == "repairs" && ticket["grid"] as? String == "G1",
                        "the catalogue's class and the unit's grid: \(ticket)")
                #expect((ticket["actions"] as? [String])?.contains("decline") == false, "nobody to decline it yet")
            }
            try await client.execute(uri: "/api/v1/tickets/\(id)/decline", method: .post, headers: [.authorization: "Bearer \(responder)"],
                                     body: ByteBuffer(string: #"{"reason": "busy"}"#)) { response in
                #expect(response.status == .conflict || response.status == .badRequest, "no assignee to decline: \(String(buffer: response.body))")
            }
            try await client.execute(uri: "/api/v1/tickets/\(id)/ack", method: .post, headers: [.authorization: "Bearer \(responder)"],
                                     body: ByteBuffer(string: "{}")) { #expect(Self.json($0.body)["state"] as? String == "acknowledged") }
            try await client.execute(uri: "/api/v1/tickets?grid=G1", method: .get, headers: [.authorization: "Bearer \(viewer)"]) { response in
                #expect((Self.json(response.body)["tickets"] as? [[String: Any]])?.map { $0["id"] as? String } == [id])
            }
            try await client.execute(uri: "/api/v1/tickets/\(id)/trajectory", method: .get, headers: [.authorization: "Bearer \(viewer)"]) {
                #expect($0.status == .forbidden, "staff positions are personal data")
            }
            try await client.execute(uri: "/api/v1/tickets/\(id)/trajectory", method: .get, headers: [.authorization: "Bearer \(responder)"]) {
                let body = Self.json($0.body)
                #expect(body["assignee"] is NSNull && (body["points"] as? [Any])?.isEmpty == true, "never dispatched: no way taken")
            }
            let unknown = #"{"item": "unicorn", "community": "demo", "text": "?"}"#
            try await client.execute(uri: "/api/v1/tickets", method: .post, headers: [.authorization: "Bearer \(responder)"],
                                     body: ByteBuffer(string: unknown)) { response in
                #expect(response.status == .badRequest && String(buffer: response.body).contains("unknown item 'unicorn'"))
            }
        }
    }

    @Test func theHeatMapAndTheSitePlanAnswerFromTheStore() async throws {
        let (router, viewer, _, _) = try Self.router()
        try await Application(router: router).test(.router) { client in
            try await client.execute(uri: "/api/v1/reports/heatmap?days=7&by=grid", method: .get, headers: [.authorization: "Bearer \(viewer)"]) {
                #expect($0.status == .ok && Self.json($0.body)["by"] as? String == "grid")
            }
            try await client.execute(uri: "/api/v1/reports/heatmap?days=7&by=floor", method: .get, headers: [.authorization: "Bearer \(viewer)"]) {
                #expect($0.status == .badRequest)
            }
            try await client.execute(uri: "/api/v1/reports/heatmap?days=7&of=item", method: .get, headers: [.authorization: "Bearer \(viewer)"]) {
                let body = Self.json($0.body)
                #expect($0.status == .ok && body["of"] as? String == "item" && body["items"] is [Any], "\(body)")
            }
            try await client.execute(uri: "/api/v1/reports/heatmap?days=7&of=colour", method: .get, headers: [.authorization: "Bearer \(viewer)"]) {
                #expect($0.status == .badRequest)
            }
            try await client.execute(uri: "/api/v1/site?community=demo", method: .get, headers: [.authorization: "Bearer \(viewer)"]) { response in
                let buildings = Self.json(response.body)["buildings"] as? [[String: Any]] ?? []
                #expect(buildings.first?["building"] as? String == "b01" && buildings.first?["grid"] as? String == "G1", "\(buildings)")
            }
        }
    }
}
