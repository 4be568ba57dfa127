import Devices
import HTTPAPI
import Rules
import Storage

extension RuleEvaluation: RuleExplainSource {
    /// From the running engine's own state when `atMs` is now or later (a copy, moved on to
    /// `atMs`: the live engine is not touched); an earlier instant is rebuilt from the store,
    /// since the engine keeps no past.
    public func explain(device: String, rule: String?, atMs: Int64?) throws -> (explanations: [RuleExplanation], source: String) {
        // Copied out under the lock, explained outside it: ingest does not wait on an explanation.
        let engine = self.engine.withLock { $0 }
        guard let atMs, atMs < engine.nowMs else {
            return (try engine.explain(device: device, rule: rule, at: atMs ?? engine.nowMs), "engine")
        }
        let explainer = RuleExplainer(rules: engine.ruleSet, catalog: catalog, inventory: engine.devices)
        return (try explainer.answering(explainer.fromStore(database, device: device, rule: rule, atMs: atMs)), "store")
    }
}
