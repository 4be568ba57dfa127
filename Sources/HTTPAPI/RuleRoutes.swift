import Devices
import Foundation
import Hummingbird
import Rules

/// What the rules route asks: the gateway's running engine, or the store rebuilt at an
/// instant. A protocol because the engine lives in the gateway, which this target does not import.
public protocol RuleExplainSource: Sendable {
    /// The explanations at `atMs` (nil: now), and where they came from: `engine` (the running
    /// engine's own state) or `store` (the stored readings replayed up to `atMs`).
    func explain(device: String, rule: String?, atMs: Int64?) throws -> (explanations: [RuleExplanation], source: String)
}

/// `/api/v1/rules/explain?device=D&rule=R&at=T`: why each rule watching a device did or did
/// not fire (docs/rules.md §12), as `gridwatch rules explain --format json` prints it.
struct RuleRoutes {
    let environment: APIEnvironment

    func add(to group: RouterGroup<APIRequestContext>) {
        group.get("rules/explain") { request, context in try await environment.blocking { try explain(request, context) } }
    }

    func explain(_ request: Request, _ context: APIRequestContext) throws -> Response {
        let caller = try context.require(.viewer)
        guard let device = APIResponse.query(request, "device") else { throw APIError(.badRequest, "'device' is required") }
        let rule = APIResponse.query(request, "rule")
        let atMs = try APIResponse.moment(request, "at")
        guard let source = environment.rules else { throw APIError(.serviceUnavailable, "this gateway runs no rules") }
        let answer: (explanations: [RuleExplanation], source: String)
        do {
            answer = try source.explain(device: device, rule: rule, atMs: atMs)
        } catch let error as RuleEngine.ExplainError {
            switch error {
            case .unknownDevice, .unknownRule: throw APIError(.notFound, error.description)
            case .ruleDoesNotMatch: throw APIError(.badRequest, error.description)
            }
        }
        let explanations = caller.seesPersonalData ? answer.explanations : answer.explanations.map { explanation in
            explanation.hidingValues(of: environment.catalog[explanation.deviceType]?.personalFields ?? [])
        }
        let zone = environment.timeZone
        return APIResponse.json(.object([
            "device": .string(device), "source": .string(answer.source),
            "at": explanations.first.map { environment.time($0.atMs) } ?? atMs.map(environment.time) ?? environment.time(environment.nowMs()),
            "explanations": .array(explanations.map { $0.json(timeZone: zone) }),
            "text": .string(explanations.map { $0.text(timeZone: zone) }.joined(separator: "\n\n")),
        ]))
    }
}
