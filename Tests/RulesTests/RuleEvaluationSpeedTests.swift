import Devices
import Rules
import Testing

/// How long one evaluation takes. Prints nanoseconds per evaluation and asserts nothing
/// about time (machines differ); run `swift test -c release` for the figure that matters.
@Suite struct RuleEvaluationSpeedTests {
    /// The context the engine is meant to be: values kept per device in arrays indexed by
    /// the compiled expression's slots, so a lookup is an array read.
    struct SlotContext: RuleContext {
        var values: [RuleValue]
        var attributes: [RuleValue]
        var history: [[RuleSample]]

        func value(field: RuleField) -> RuleValue { values[field.slot] }
        func attribute(_ attribute: RuleAttribute) -> RuleValue { attributes[attribute.slot] }
        func previous(field: RuleField) -> RuleValue { .unknown }
        func series(field: RuleField, windowSeconds: Double) -> ArraySlice<RuleSample> {
            let samples = history[field.slot]
            let start = (samples.last?.atMs ?? 0) - Int64(windowSeconds * 1000)
            let first = samples.firstIndex { $0.atMs > start } ?? samples.count
            return samples[first...]
        }
    }

    private static let wristband = RuleSchema(
        deviceType: DeviceType(name: "wristband", description: "", reportingInterval: 60, heartbeat: 300, fields: [
            DeviceType.Field(name: "hr_bpm", kind: .number), DeviceType.Field(name: "worn", kind: .bool),
            DeviceType.Field(name: "steps", kind: .integer),
        ]),
        attributes: ["hr_low": .number, "hr_high": .number])

    /// Evaluates `compiled` over `contexts` in turn and returns ns per evaluation.
    private static func measure<C: RuleContext>(_ compiled: CompiledRuleExpression, _ contexts: [C], iterations: Int) -> (Double, Int) {
        var trues = 0
        for context in contexts where compiled.truth(in: context) == .true { trues += 1 }  // warm up
        let clock = ContinuousClock()
        let start = clock.now
        for index in 0..<iterations where compiled.truth(in: contexts[index & 3]) == .true { trues += 1 }
        let elapsed = clock.now - start
        let nanoseconds = Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9
        return (nanoseconds / Double(iterations), trues)
    }

    @Test func nanosecondsPerEvaluation() throws {
        #if DEBUG
        let iterations = 200_000  // debug builds are ~10x slower; keep `swift test` quick
        #else
        let iterations = 1_000_000
        #endif
        let typical = try CompiledRuleExpression("hr_bpm > attr.hr_high or hr_bpm < attr.hr_low", schema: Self.wristband)
        let band = try CompiledRuleExpression("attr.hr_low + 5 <= hr_bpm <= attr.hr_high - 5 and worn", schema: Self.wristband)
        let steps = try CompiledRuleExpression("increase(steps, 4h) == 0", schema: Self.wristband)
        let attributes: [RuleValue] = [120, 45]
        let heartRates: [RuleValue] = [80, 130, 40, .unknown]
        let history = (0..<16).map { RuleSample(atMs: Int64($0) * 900_000, value: Double($0 / 4) * 10) }

        // Slots of the typical condition: hr_bpm is field 0; hr_high attribute 0, hr_low 1.
        #expect(typical.fields.map(\.name) == ["hr_bpm"] && typical.attributes.map(\.name) == ["hr_high", "hr_low"])
        let slotContexts = heartRates.map { SlotContext(values: [$0], attributes: attributes, history: []) }
        let (slotNs, slotTrues) = Self.measure(typical, slotContexts, iterations: iterations)
        #expect(slotTrues == iterations / 2 + 2)

        let dictionaryContexts = heartRates.map { InMemoryRuleContext(values: ["hr_bpm": $0], attributes: ["hr_low": 45, "hr_high": 120]) }
        let (dictionaryNs, _) = Self.measure(typical, dictionaryContexts, iterations: iterations)

        #expect(band.attributes.map(\.name) == ["hr_low", "hr_high"])
        let bandContexts = heartRates.map { SlotContext(values: [$0, true], attributes: [45, 120], history: []) }
        let (bandNs, _) = Self.measure(band, bandContexts, iterations: iterations)

        let stepContexts = Array(repeating: SlotContext(values: [], attributes: [], history: [history]), count: 4)
        let (stepsNs, _) = Self.measure(steps, stepContexts, iterations: iterations / 4)

        print("""
        rule evaluation, ns per evaluation:
          hr_bpm > attr.hr_high or hr_bpm < attr.hr_low   slot context \(Self.format(slotNs)), dictionary context \(Self.format(dictionaryNs))
          attr.hr_low + 5 <= hr_bpm <= attr.hr_high - 5 and worn   \(Self.format(bandNs))
          increase(steps, 4h) == 0 over 16 readings   \(Self.format(stepsNs))
        """)
    }

    private static func format(_ nanoseconds: Double) -> String {
        "\((nanoseconds * 10).rounded() / 10) ns"
    }
}
