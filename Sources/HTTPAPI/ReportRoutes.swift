import Devices
import Foundation
import Hummingbird
import Storage
import Tickets

/// `/api/v1/reports`: the SLA report (as `gridwatch report sla --format json`) and the demand
/// heat map by building and category.
struct ReportRoutes {
    let environment: APIEnvironment

    func add(to group: RouterGroup<APIRequestContext>) {
        group.get("reports/sla") { request, context in try sla(request, context) }
        group.get("reports/heatmap") { request, context in try heatmap(request, context) }
    }

    func sla(_ request: Request, _ context: APIRequestContext) throws -> Response {
        _ = try context.require(.viewer)
        let now = environment.nowMs()
        let to = try APIResponse.moment(request, "to") ?? now
        let from = try APIResponse.moment(request, "from") ?? to - 30 * 86_400_000
        guard from < to else { throw APIError(.badRequest, "'from' must be before 'to'") }
        return try APIResponse.encoded(try environment.database.slaReport(fromMs: from, toMs: to, nowMs: now, catalog: environment.catalog))
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
        let cells = try environment.database.ticketHeatmap(openedFromMs: from)
        return APIResponse.json(.object([
            "from": environment.time(from), "to": environment.time(now),
            "cells": .array(cells.map { .object(["building": .string($0.building), "category": .string($0.category),
                                                "tickets": .int(Int64($0.tickets)), "active": .int(Int64($0.active))]) }),
            "buildings": .array(Set(cells.map(\.building)).sorted().map { .string($0) }),
            "categories": .array(Set(cells.map(\.category)).sorted().map { .string($0) }),
        ]))
    }
}
