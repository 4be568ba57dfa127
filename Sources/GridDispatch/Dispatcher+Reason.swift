import Foundation

extension Dispatcher {
    /// "on duty" or "on duty with skill first_aid": who was eligible, in the reason's words.
    static func eligible(_ request: DispatchRequest) -> String {
        request.skill.map { "on duty with skill \($0)" } ?? "on duty"
    }

    /// Why `best` was chosen: its grid standing, its distance and where that was measured
    /// from, and what broke a tie with the runner-up, so a dispatcher can check the choice.
    static func chosenReason(_ request: DispatchRequest, best: Ranked, runnerUp: Ranked?) -> String {
        var parts: [String] = []
        if let grid = request.ticketGrid {
            parts.append(best.sameGrid ? "same grid \(grid)" : "nobody of grid \(grid) in reach")
        }
        if let metres = best.distanceMetres, let source = best.source {
            parts.append("nearest \(eligible(request)) \(DistanceText.format(metres: metres)) (\(source.text))")
        } else {
            parts.append("no location on the ticket")
        }
        var text = parts.joined(separator: ", ")
        if let runnerUp, runnerUp.sameGrid == best.sameGrid, runnerUp.wholeMetres == best.wholeMetres {
            if runnerUp.state.activeTickets > best.state.activeTickets {
                text += "; fewest active tickets (\(best.state.activeTickets) against \(runnerUp.state.activeTickets))"
            } else {
                text += "; tied with \(runnerUp.id), first by id"
            }
        }
        return text
    }

    /// Why nobody was chosen, naming the filter that emptied the field; when distance did,
    /// the nearest person beyond the radius, which tells whether widening it would help.
    static func nobodyReason(_ request: DispatchRequest, funnel: Funnel, nearestOutside: Ranked?) -> String {
        if let early = emptiedBeforeDistance(request, funnel: funnel) { return early }
        let radius = DistanceText.format(metres: request.settings.maxDistanceMetres)
        var text = "nobody \(eligible(request)) within \(radius)"
        if let nearest = nearestOutside, let metres = nearest.distanceMetres, let source = nearest.source {
            text += "; nearest is \(nearest.id) at \(DistanceText.format(metres: metres)) (\(source.text))"
        }
        return text
    }

    static func nobodyReasonWithoutLocation(_ request: DispatchRequest, funnel: Funnel) -> String {
        if let early = emptiedBeforeDistance(request, funnel: funnel) { return early }
        guard let grid = request.ticketGrid else { return "ticket has neither a location nor a grid: nobody can be placed near it" }
        return "ticket has no location and nobody \(eligible(request)) covers grid \(grid)"
    }

    private static func emptiedBeforeDistance(_ request: DispatchRequest, funnel: Funnel) -> String? {
        if funnel.onDuty == 0 { return "nobody on duty" }
        if funnel.skilled == 0 { return "nobody \(eligible(request))" }
        if funnel.willing == 0 {
            let everyone = funnel.skilled == 1 ? "the only one" : "all \(funnel.skilled)"
            return "\(everyone) \(eligible(request)) declined this ticket"
        }
        return nil
    }
}
