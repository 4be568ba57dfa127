import HTTPAPI
import Rules
import Storage

/// The rules route of a cluster instance, whose partitions' engines live elsewhere: every
/// explanation is rebuilt from the shared store.
public struct StoredRuleExplanations: RuleExplainSource {
    let explainer: RuleExplainer
    let store: any GatewayStore
    let nowMs: @Sendable () -> Int64

    public init(explainer: RuleExplainer, store: any GatewayStore, nowMs: @escaping @Sendable () -> Int64) {
        self.explainer = explainer
        self.store = store
        self.nowMs = nowMs
    }

    public func explain(device: String, rule: String?, atMs: Int64?) throws -> (explanations: [RuleExplanation], source: String) {
        (try explainer.answering(explainer.fromStore(store, device: device, rule: rule, atMs: atMs ?? nowMs())), "store")
    }
}

extension RuleExplainer {
    /// The explanations, or the reason there are none as the API's 400: a history the store
    /// cannot give in full is the caller's choice of instant, not a fault of the gateway.
    func answering(_ explain: @autoclosure () throws -> [RuleExplanation]) throws -> [RuleExplanation] {
        do { return try explain() } catch let failure as RuleExplainFailure { throw APIError(.badRequest, failure.description) }
    }
}
