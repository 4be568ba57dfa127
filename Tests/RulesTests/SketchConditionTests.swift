import Devices
import Rules
import Testing

/// The conditions of the rule-language sketch (shared/rules-sketch.yaml) parse and check
/// against the shipped device types, and evaluate as the rules intend.
@Suite struct SketchConditionTests {
    private static let catalog = RuleTestSupport.shippedTypes()

    /// The sketch's `attributes:` block, kinds inferred from the values as a loader would.
    private static let attributeValues = ["hr_low": "45", "hr_high": "120", "night_flow_lph": "30", "max_jump_m3": "0.5",
                                          "door_open_max": "10m", "battery_low": "20"]
    private static let attributes = attributeValues.mapValues(RuleSchema.AttributeKind.inferred(from:))

    private static func schema(_ type: String) -> RuleSchema {
        guard type != "any", let deviceType = catalog[type] else { return .anyType(attributes: attributes) }
        return RuleSchema(deviceType: deviceType, attributes: attributes)
    }

    /// (rule id and key, matched type, expression, expected type).
    private static let sketch: [(String, String, String, RuleType)] = [
        ("smoke_alarm.when", "smoke", "alarm == true and not test", .bool),
        ("water_night_flow.when", "water_meter", "rate(total_m3, 10m) * 1000 > attr.night_flow_lph", .bool),
        ("water_night_flow.clear", "water_meter", "rate(total_m3, 10m) * 1000 < 5", .bool),
        ("water_meter_jump.when", "water_meter", "delta(total_m3) > attr.max_jump_m3 or delta(total_m3) < 0", .bool),
        ("door_left_open.when", "door", "open", .bool),
        ("door_left_open.for", "door", "attr.door_open_max", .duration),
        ("door_left_open.clear", "door", "not open", .bool),
        ("door_forced_night.when", "door", #"event == "forced_open""#, .bool),
        ("failed_unlocks.when", "door", #"event == "unlock_failed""#, .bool),
        ("fall_or_sos.when", "wristband", "sos or fall", .bool),
        ("heart_rate.require", "wristband", "worn", .bool),
        ("heart_rate.when", "wristband", "hr_bpm > attr.hr_high or hr_bpm < attr.hr_low", .bool),
        ("heart_rate.clear", "wristband", "attr.hr_low + 5 <= hr_bpm <= attr.hr_high - 5", .bool),
        ("no_steps.when", "wristband", "increase(steps, 4h) == 0", .bool),
        ("low_battery.when", "any", "battery < attr.battery_low", .bool),
        ("low_battery.clear", "any", "battery > attr.battery_low + 10", .bool),
    ]

    @Test func everySketchConditionChecks() {
        #expect(Self.catalog.names == ["building_gateway", "door", "smoke", "water_meter", "wristband"])
        #expect(Self.attributes["door_open_max"] == .duration && Self.attributes["max_jump_m3"] == .number)
        for (id, type, text, expected) in Self.sketch {
            do {
                let compiled = try CompiledRuleExpression(text, schema: Self.schema(type), expecting: expected)
                #expect(compiled.type == expected, "\(id)")
            } catch {
                Issue.record("\(id): \(text)\n\(error)")
            }
        }
    }

    @Test func compiledExpressionsSayWhatHistoryTheyNeed() throws {
        let night = try CompiledRuleExpression("rate(total_m3, 10m) * 1000 > attr.night_flow_lph", schema: Self.schema("water_meter"))
        #expect(night.fields.map(\.name) == ["total_m3"])
        #expect(night.attributes.map(\.name) == ["night_flow_lph"])
        #expect(night.windows == [RuleWindowUse(field: "total_m3", function: .rate, length: .fixed(600))])
        let jump = try CompiledRuleExpression("delta(total_m3) > attr.max_jump_m3 or delta(total_m3) < 0", schema: Self.schema("water_meter"))
        #expect(jump.previousFields == ["total_m3"] && jump.windows.isEmpty)
        let band = try CompiledRuleExpression("attr.hr_low + 5 <= hr_bpm <= attr.hr_high - 5", schema: Self.schema("wristband"))
        #expect(band.fields == [RuleField(slot: 0, name: "hr_bpm")])
        #expect(band.attributes == [RuleAttribute(slot: 0, name: "hr_low"), RuleAttribute(slot: 1, name: "hr_high")])
    }

    @Test func heartRateFiresClearsAndHoldsOnUnknown() throws {
        let schema = Self.schema("wristband")
        let when = try CompiledRuleExpression("hr_bpm > attr.hr_high or hr_bpm < attr.hr_low", schema: schema)
        let clear = try CompiledRuleExpression("attr.hr_low + 5 <= hr_bpm <= attr.hr_high - 5", schema: schema)
        var context = InMemoryRuleContext(attributes: ["hr_low": 45, "hr_high": 120])
        let expected: [(RuleValue, Truth, Truth)] = [
            (80, .false, .true), (130, .true, .false), (.unknown, .unknown, .unknown),  // a gap never clears
            (118, .false, .false),  // inside the bounds but not the dead band: hold
            (110, .false, .true), (40, .true, .false),
        ]
        for (index, (hr, fire, cleared)) in expected.enumerated() {
            context.receive(["hr_bpm": hr, "worn": true], atMs: Int64(index) * 15_000)
            #expect(when.truth(in: context) == fire, "hr \(hr)")
            #expect(clear.truth(in: context) == cleared, "hr \(hr)")
        }
    }

    @Test func otherSketchRulesEvaluate() throws {
        let smoke = try CompiledRuleExpression("alarm == true and not test", schema: Self.schema("smoke"))
        #expect(smoke.truth(in: InMemoryRuleContext(values: ["alarm": true, "test": false])) == .true)
        #expect(smoke.truth(in: InMemoryRuleContext(values: ["alarm": true, "test": true])) == .false)
        #expect(smoke.truth(in: InMemoryRuleContext(values: ["alarm": true])) == .unknown)  // self-test flag missing
        #expect(smoke.truth(in: InMemoryRuleContext(values: ["alarm": false])) == .false)

        let door = try CompiledRuleExpression(#"event == "forced_open""#, schema: Self.schema("door"))
        #expect(door.truth(in: InMemoryRuleContext(values: ["event": "forced_open"])) == .true)
        #expect(door.truth(in: InMemoryRuleContext(values: ["open": true])) == .unknown)  // heartbeat without an event

        // 30 L in 10 minutes is 180 L/h, above the 30 L/h night threshold.
        let flow = try CompiledRuleExpression("rate(total_m3, 10m) * 1000 > attr.night_flow_lph", schema: Self.schema("water_meter"))
        var meter = InMemoryRuleContext(attributes: ["night_flow_lph": 30])
        for (minute, total) in [(0, 12.0), (5, 12.015), (10, 12.03)] { meter.receive(["total_m3": .number(total)], atMs: Int64(minute) * 60_000) }
        #expect(flow.truth(in: meter) == .true)

        let steps = try CompiledRuleExpression("increase(steps, 4h) == 0", schema: Self.schema("wristband"))
        var band = InMemoryRuleContext()
        for hour in 0..<5 { band.receive(["steps": 1200], atMs: Int64(hour) * 3_600_000) }
        #expect(steps.truth(in: band) == .true)
        band.receive(["steps": 1250], atMs: 5 * 3_600_000)
        #expect(steps.truth(in: band) == .false)

        let battery = try CompiledRuleExpression("battery < attr.battery_low", schema: Self.schema("any"))
        #expect(battery.truth(in: InMemoryRuleContext(values: ["battery": 12], attributes: ["battery_low": 20])) == .true)
        #expect(battery.truth(in: InMemoryRuleContext(values: [:], attributes: ["battery_low": 20])) == .unknown)
    }
}
