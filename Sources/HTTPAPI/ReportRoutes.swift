import Devices
import Formats
import Foundation
import Hummingbird
import Storage
import Tickets

/// `/api/v1/reports`: the SLA report (as `gridwatch report sla --format json`) and the demand
/// heat map by building and category.
struct ReportRoutes {
    let environment: APIEnvironment

    func add(to group: RouterGroup<APIRequestContext>) {
        group.get("reports/sla") { request, context in try await environment.blocking { try sla(request, context) } }
        group.get("reports/heatmap") { request, context in try await environment.blocking { try heatmap(request, context) } }
    }

    func sla(_ request: Request, _ context: APIRequestContext) throws -> Response {
        _ = try context.require(.viewer)
        let now = environment.nowMs()
        let to = try APIResponse.moment(request, "to") ?? now
        let from = try APIResponse.moment(request, "from") ?? to - 30 * 86_400_000
        guard from < to else { throw APIError(.badRequest, "'from' must be before 'to'") }
        return try APIResponse.encoded(try environment.database.slaReport(fromMs: from, toMs: to, nowMs: now, catalog: environment.catalog,
                                                                          complaintItems: environment.desk.catalogue.complaintItems))
    }

    func heatmap(_ request: Request, _ context: APIRequestContext) throws -> Response {
        _ = try context.require(.viewer)
        let days = Int(APIResponse.query(request, "days") ?? "7") ?? 0
        guard [1, 7, 30].contains(days) else { throw APIError(.badRequest, "'days' must be 1 (today), 7 or 30") }
        let now = environment.nowMs()
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = environment.timeZone
        // "Today" starts at local midnight; 7 and 30 count back whole days from it.
        let midnight = Int64(calendar.startOfDay(for: Date(timeIntervalSince1970: Double(now) / 1000)).timeIntervalSince1970 * 1000)
        let from = midnight - Int64(days - 1) * 86_400_000
        let byGrid = try Self.heatRows(APIResponse.query(request, "by"))
        let byItem = try Self.heatColumns(APIResponse.query(request, "of"))
        let community = APIResponse.query(request, "community")
        let cells = Self.rows(try environment.database.ticketHeatmap(openedFromMs: from, community: community), byGrid: byGrid, byItem: byItem)
        let key = byGrid ? "grid" : "building"
        return APIResponse.json(.object([
            "from": environment.time(from), "to": environment.time(now), "by": .string(key),
            "cells": .array(cells.map { cell in
                var object: [String: JSONValue] = [key: .string(byGrid ? cell.grid : cell.building), "category": .string(cell.category),
                                                   "tickets": .int(Int64(cell.tickets)), "active": .int(Int64(cell.active))]
                if !byGrid { object["grid"] = .string(cell.grid) }
                if byItem { object["item"] = .string(cell.item) }
                return .object(object)
            }),
            "of": .string(byItem ? "item" : "class"),
            byGrid ? "grids" : "buildings": .array(Set(cells.map { byGrid ? $0.grid : $0.building }).sorted().map { .string($0) }),
            "categories": .array(Set(cells.map(\.category)).sorted().map { .string($0) }),
            "items": .array(Set(cells.map(\.item)).subtracting([""]).sorted().map { .string($0) }),
        ]))
    }

    /// `by=building` (the default) or `by=grid`.
    static func heatRows(_ value: String?) throws -> Bool {
        switch value ?? "building" {
        case "building": false
        case "grid": true
        default: throw APIError(.badRequest, "'by' must be building or grid")
        }
    }

    /// `of=class` (the default: columns are demand classes) or `of=item` (catalogue items).
    static func heatColumns(_ value: String?) throws -> Bool {
        switch value ?? "class" {
        case "class": false
        case "item": true
        default: throw APIError(.badRequest, "'of' must be class or item")
        }
    }

    /// The store's (building, grid, category, item) cells summed per building (or grid) and
    /// class, or per building (or grid), class and item.
    static func rows(_ cells: [TicketHeatCell], byGrid: Bool, byItem: Bool = false) -> [TicketHeatCell] {
        var sums: [String: TicketHeatCell] = [:]
        for cell in cells {
            let item = byItem ? cell.item : ""
            let key = [byGrid ? "" : cell.building, cell.grid, cell.category, item].joined(separator: "\u{1F}")
            var sum = sums[key] ?? TicketHeatCell(building: byGrid ? "" : cell.building, category: cell.category, tickets: 0, active: 0)
            sum.grid = cell.grid
            sum.item = item
            sum.tickets += cell.tickets
            sum.active += cell.active
            sums[key] = sum
        }
        return sums.values.sorted { ($0.building, $0.grid, $0.category, $0.item) < ($1.building, $1.grid, $1.category, $1.item) }
    }
}
