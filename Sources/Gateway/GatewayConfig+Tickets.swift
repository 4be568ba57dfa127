import Devices
import Formats
import Foundation
import Tickets
import Yams

/// Reading the `tickets:` section (`TicketConfig`), one part of it per function.
extension GatewayConfig {
    mutating func readTickets(_ tickets: YAMLMapping, resolve: (String) -> String, diagnostics: inout DiagnosticList) {
        let source = tickets.source
        tickets.rejectUnknownKeys(["default_team", "hierarchy", "routes", "warnings", "ack_timeout", "reopen_window", "catalogue",
                                   "follow_up", "follow_up_attempts", "resolve_warnings"],
                                  what: "'tickets'", diagnostics: &diagnostics)
        if tickets["catalogue"]?.null != nil { cataloguePath = nil } else if let value = tickets.string("catalogue", diagnostics: &diagnostics) {
            cataloguePath = value.isEmpty ? nil : resolve(value)
        }
        if let team = tickets.string("default_team", diagnostics: &diagnostics) { ticketConfig.router.defaultTeam = team }
        if let chain = tickets.stringList("hierarchy", diagnostics: &diagnostics) {
            if chain.isEmpty || Set(chain).count != chain.count {
                diagnostics.append(source.diagnostic(at: tickets["hierarchy"], "'hierarchy' must list each team once, lowest first (e.g. [grid, community, street_office])"))
            } else {
                ticketConfig.hierarchy = TeamHierarchy(chain: chain)
            }
        }
        if let routes = tickets["routes"] { readRoutes(routes, source: source, diagnostics: &diagnostics) }
        if let warnings = YAMLMapping(tickets["warnings"], in: source, what: "'warnings'", diagnostics: &diagnostics) {
            readWarnings(warnings, diagnostics: &diagnostics)
        }
        if let node = tickets["ack_timeout"] { readAckTimeouts(node, source: source, diagnostics: &diagnostics) }
        if let seconds = tickets.duration("reopen_window", diagnostics: &diagnostics) {
            ticketConfig.reopenWindow = ReopenWindow(windowMs: Int64(seconds * 1000))
        }
        readFollowUp(tickets, diagnostics: &diagnostics)
    }

    /// `follow_up` (`3 working days`, `48h` or `off`), `follow_up_attempts` and the resolve
    /// clock's `resolve_warnings` levels.
    mutating func readFollowUp(_ tickets: YAMLMapping, diagnostics: inout DiagnosticList) {
        let source = tickets.source
        if let text = tickets.string("follow_up", diagnostics: &diagnostics) {
            if text == "off" { ticketConfig.followUpWithin = nil } else if let within = SLADuration(text) { ticketConfig.followUpWithin = within } else {
                diagnostics.append(source.diagnostic(at: tickets["follow_up"], "'follow_up' must be a duration such as '3 working days', '48h' or 'off'"))
            }
        }
        if let attempts = tickets.int("follow_up_attempts", diagnostics: &diagnostics) {
            if (1...20).contains(attempts) { ticketConfig.followUpAttempts = attempts } else {
                diagnostics.append(source.diagnostic(at: tickets["follow_up_attempts"], "'follow_up_attempts' must be 1 to 20"))
            }
        }
        if let levels = tickets.stringList("resolve_warnings", diagnostics: &diagnostics) {
            if let policy = WarningPolicy(levels: levels, exemptTiers: []) { ticketConfig.resolveWarnings = policy } else {
                diagnostics.append(source.diagnostic(at: tickets["resolve_warnings"],
                                                     "'resolve_warnings' must be three percentages of the resolution window or three durations, e.g. [50%, 80%, 100%]"))
            }
        }
    }

    /// `routes`: which team a new ticket goes to, first match wins.
    private mutating func readRoutes(_ routes: Node, source: YAMLSource, diagnostics: inout DiagnosticList) {
        if let items = routes.sequence {
            var parsed: [TicketRouter.Route] = []
            for item in items {
                guard let route = YAMLMapping(item, in: source, what: "a route", diagnostics: &diagnostics) else { continue }
                route.rejectUnknownKeys(["community", "building", "category", "team", "assignee", "skill"], what: "a route", diagnostics: &diagnostics)
                guard route.require("team", what: "a route", diagnostics: &diagnostics) != nil,
                      let team = route.string("team", diagnostics: &diagnostics) else { continue }
                parsed.append(TicketRouter.Route(community: route.string("community", diagnostics: &diagnostics),
                                                 building: route.string("building", diagnostics: &diagnostics),
                                                 category: route.string("category", diagnostics: &diagnostics), team: team,
                                                 assignee: route.string("assignee", diagnostics: &diagnostics),
                                                 skill: route.string("skill", diagnostics: &diagnostics)))
            }
            ticketConfig.router.routes = parsed
            for problem in ticketConfig.router.problems() {
                diagnostics.append(source.diagnostic(at: routes, problem, severity: .warning))
            }
        } else {
            diagnostics.append(source.diagnostic(at: routes, "'routes' must be a list of {community, building, category, team, assignee, skill}"))
        }
    }

    /// `warnings`: when the three warning levels fall due and whom each one notifies.
    private mutating func readWarnings(_ warnings: YAMLMapping, diagnostics: inout DiagnosticList) {
        let source = warnings.source
        warnings.rejectUnknownKeys(["levels", "defer_to_working_hours", "exempt_tiers", "notify"], what: "'warnings'", diagnostics: &diagnostics)
        var policy = ticketConfig.warnings
        if let levels = warnings.stringList("levels", diagnostics: &diagnostics) {
            if let parsed = WarningPolicy(levels: levels) { policy.levels = parsed.levels } else {
                diagnostics.append(source.diagnostic(at: warnings["levels"], "'levels' must be three percentages of the response window or three durations, e.g. [50%, 80%, 100%]"))
            }
        }
        if let value = warnings.bool("defer_to_working_hours", diagnostics: &diagnostics) { policy.deferToWorkingHours = value }
        if let tiers = warnings.stringList("exempt_tiers", diagnostics: &diagnostics) { policy.exemptTiers = Set(tiers) }
        if let notify = YAMLMapping(warnings["notify"], in: source, what: "'notify'", diagnostics: &diagnostics) {
            for (key, keyNode, _) in notify.entries {
                guard let level = Int(key), (1...3).contains(level) else {
                    diagnostics.append(source.diagnostic(at: keyNode, "'notify' keys are the warning levels 1, 2 and 3"))
                    continue
                }
                if let targets = notify.stringList(key, diagnostics: &diagnostics) { policy.notify[level] = targets }
            }
        }
        ticketConfig.warnings = policy
    }

    /// `ack_timeout`: per tier, how long a ticket may wait for acknowledgement ('off': forever).
    private mutating func readAckTimeouts(_ node: Node, source: YAMLSource, diagnostics: inout DiagnosticList) {
        if let timeouts = node.mapping {
            var parsed: [String: Int64] = [:]
            for (key, value) in timeouts {
                guard let tier = key.string else { continue }
                if value.string == "off" { continue }
                guard let text = value.string, let seconds = DurationText.seconds(text), seconds > 0 else {
                    diagnostics.append(source.diagnostic(at: value, "the acknowledgement timeout of '\(tier)' must be a duration such as 30m or 'off'"))
                    continue
                }
                parsed[tier] = Int64(seconds * 1000)
            }
            ticketConfig.ackTimeoutMsByTier = parsed
        } else {
            diagnostics.append(source.diagnostic(at: node, "'ack_timeout' must map tiers to durations, e.g. {emergency: 30m, general: 8h}"))
        }
    }

    /// Tiers named in `tickets.ack_timeout` that `sla.tiers` does not define (a typo, likely).
    func ticketProblems(at node: Node?, in source: YAMLSource) -> [Diagnostic] {
        ticketConfig.ackTimeoutMsByTier.keys.sorted().filter { slaPolicies[$0] == nil }.map {
            source.diagnostic(at: node, "ack_timeout names tier '\($0)', which 'sla.tiers' does not define", severity: .warning)
        }
    }
}
