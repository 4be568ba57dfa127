import Devices
import Rules
import Testing

/// Every checker error with its message and range, all errors reported in one pass, and the
/// conversion of expression offsets into `FILE:LINE:COL` diagnostics.
@Suite struct RuleExpressionCheckerTests {
    private static let catalog = RuleTestSupport.shippedTypes()

    private static func schema(_ type: String) -> RuleSchema {
        guard let deviceType = catalog[type] else {
            Issue.record("no device type \(type)")
            return RuleTestSupport.probe
        }
        return RuleSchema(deviceType: deviceType, attributes: ["hr_low": .number, "hr_high": .number])
    }

    private func errors(_ text: String, _ schema: RuleSchema = RuleTestSupport.probe, expecting: RuleType? = .bool) -> [String] {
        RuleTestSupport.errors(text, schema, expecting: expecting)
    }

    @Test func unknownFieldsSuggestTheNearestName() {
        #expect(errors("hr_bmp > 100", Self.schema("wristband")) == ["0..<6: unknown field 'hr_bmp' for type wristband; did you mean 'hr_bpm'?"])
        #expect(errors("sos or fal", Self.schema("wristband")) == ["7..<10: unknown field 'fal' for type wristband; did you mean 'fall'?"])
        #expect(errors("zzz > 1") == ["0..<3: unknown field 'zzz' for type probe (fields: a, b, battery, label, mode, n, seq, total, ts, x, y)"])
        #expect(errors("high > 1") == ["0..<4: unknown field 'high' for type probe; did you mean 'attr.high'?"])
        #expect(errors("hr_bpm > 1", .anyType()) == ["0..<6: unknown field 'hr_bpm' for type any (fields: battery, seq, ts)"])
        #expect(errors("battery < 20", .anyType()) == [])
    }

    @Test func unknownAttributesAndFunctions() {
        #expect(errors("x > attr.hihg") == ["4..<13: unknown attribute 'hihg'; did you mean 'attr.high'?"])
        #expect(errors("x > attr.zzz") == ["4..<12: unknown attribute 'zzz' (declare it under 'attributes:')"])
        #expect(errors("rat(total, 10m) > 1") == ["0..<3: unknown function 'rat'; did you mean 'rate'?"])
        #expect(errors("foo(x) and a") == ["0..<3: unknown function 'foo' (functions: abs, changes, count_true, delta, increase, is_false, is_true, max, min, rate)"])
        // The arguments of an unknown function are still checked.
        #expect(errors("foo(zzz) and a").count == 2)
    }

    @Test func wrongArity() {
        #expect(errors("rate(total) > 1") == ["0..<11: rate takes 2 arguments (field, window), got 1"])
        #expect(errors("abs(x, y) > 1") == ["0..<9: abs takes 1 argument (x), got 2"])
        #expect(errors("delta() > 1") == ["0..<7: delta takes 1 argument (field), got 0"])
        #expect(errors("max(x) > 1") == ["0..<6: max takes 2 arguments (a, b), got 1"])
    }

    @Test func comparisonsOfIncompatibleTypes() {
        #expect(errors("label == 5") == ["0..<10: cannot compare string with number"])
        #expect(errors("5 != label") == ["0..<10: cannot compare number with string"])
        #expect(errors("mode > 1") == ["0..<8: cannot compare enum probe.mode with number"])
        #expect(errors("a == 1") == ["0..<6: cannot compare bool with number"])
        #expect(errors("attr.window > 60") == ["0..<16: cannot compare duration with number; write the number as a duration such as 10m"])
        #expect(errors("attr.window > 1m") == [])
    }

    @Test func orderingOnlyAppliesToNumbers() {
        #expect(errors("a < b") == ["0..<5: cannot order bool values with '<'; only == and != apply"])
        #expect(errors(#"label >= "m""#) == ["0..<12: cannot order strings with '>='; only == and != apply"])
        #expect(errors(#"mode < "off""#) == ["0..<12: cannot order enum probe.mode values with '<'; only == and != apply"])
        #expect(errors("0 < a <= 1") == ["0..<5: cannot compare number with bool", "4..<10: cannot compare bool with number"])
    }

    @Test func arithmeticNeedsNumbers() {
        #expect(errors("a + 1 > 0") == ["0..<1: '+' needs numbers; this is a bool"])
        #expect(errors("label * mode > 1") == ["0..<5: '*' needs numbers; this is a string", "8..<12: '*' needs numbers; this is an enum probe.mode"])
        #expect(errors("-a") == ["1..<2: '-' needs a number; this is a bool"])
        #expect(errors("attr.window + 5 > 10m") == ["0..<15: cannot apply '+' to duration and number; write the number as a duration such as 10m"])
        #expect(errors("attr.window * attr.window > 10m") == ["0..<25: cannot apply '*' to duration and duration"])
        #expect(errors("attr.window * 2 > 10m and attr.window / 2 < 1h and attr.window / 1m > 3") == [])
    }

    @Test func enumLiteralsMustBeValues() {
        let door = Self.schema("door")
        let message = "'forced' is not a value of door.event (unlock, unlock_failed, forced_open, tamper, doorbell)"
        #expect(errors(#"event == "forced""#, door) == ["9..<17: " + message])
        #expect(errors(#""forced" != event"#, door) == ["0..<8: " + message])
        #expect(errors(#"event == "forced_open""#, door) == [])
        #expect(errors(#"valve == "shut""#, Self.schema("water_meter")) == ["9..<15: 'shut' is not a value of water_meter.valve (open, closed)"])
        #expect(errors("mode == attr.site") == [])  // not a literal: cannot be checked before run time
    }

    @Test func windowFunctionArguments() {
        #expect(errors("rate(total, 600) > 1") == ["12..<15: the window of rate must be a duration such as 10m; this is a number"])
        #expect(errors("rate(total, 0s) > 1") == ["12..<14: the window of rate must be longer than zero"])
        #expect(errors("rate(a, 10m) > 1") == ["5..<6: rate needs a numeric field; 'a' is a bool"])
        #expect(errors("increase(mode, 10m) > 1") == ["9..<13: increase needs a numeric field; 'mode' is an enum probe.mode"])
        #expect(errors("delta(label) > 1") == ["6..<11: delta needs a numeric field; 'label' is a string"])
        #expect(errors("count_true(x, 10m) > 1") == ["11..<12: count_true needs a bool field; 'x' is a number"])
        #expect(errors("changes(label, 10m) > 1") == ["8..<13: changes needs a number, bool or enum field; 'label' is a string"])
        #expect(errors("changes(mode, 10m) > 1 or changes(a, 1h) > 2 or changes(n, attr.window) > 0") == [])
        #expect(errors("rate(attr.high, 10m) > 1") == ["5..<14: the first argument of rate must be a field name, such as rate(total_m3, 10m)"])
        #expect(errors("delta(x + 1) > 1") == ["6..<11: the first argument of delta must be a field name, such as delta(total_m3)"])
        #expect(errors("abs(a) > 1") == ["4..<5: abs needs a number or duration; this is a bool"])
        #expect(errors("min(x, attr.window) > 1") == ["4..<18: min needs two numbers or two durations; got number and duration"])
    }

    @Test func conditionsMustBeBoolean() {
        #expect(errors("x + 1") == ["0..<5: a condition must be true or false; this expression is a number"])
        #expect(errors("mode") == ["0..<4: a condition must be true or false; this expression is an enum probe.mode"])
        #expect(errors("not x") == ["4..<5: 'not' needs a condition (true or false); this is a number"])
        #expect(errors("a and x or label") == ["6..<7: 'and' needs a condition (true or false); this is a number",
                                               "11..<16: 'or' needs a condition (true or false); this is a string"])
        #expect(errors("x", expecting: .duration) == ["0..<1: expected a duration; this expression is a number"])
        #expect(errors("attr.window * 2", expecting: .duration) == [])
        #expect(errors("x * 2", expecting: nil) == [])
    }

    @Test func everyErrorIsReportedInOnePass() {
        let found = errors(#"hr_bmp > attr.hi and event == "forced" or rat(steps) and (spo2 > 90"#, Self.schema("wristband"))
        #expect(found == [
            "0..<6: unknown field 'hr_bmp' for type wristband; did you mean 'hr_bpm'?",
            "9..<16: unknown attribute 'hi' (declare it under 'attributes:')",
            "21..<26: unknown field 'event' for type wristband (fields: battery, fall, hr_bpm, lat, lon, seq, skin_temp_c, sos, spo2, steps, ts, worn)",
            "42..<45: unknown function 'rat'; did you mean 'rate'?",
            "67..<67: expected ')' to close '(' at column 58",
        ])
    }

    @Test func checkerAloneReturnsTheType() {
        let checker = RuleExpressionChecker(schema: RuleTestSupport.probe)
        let (expression, _) = RuleExpressionParser.parse("max(x, y) * 2")
        let result = checker.check(expression, expecting: nil)
        #expect(result.type == .number && result.issues.isEmpty)
        #expect(checker.check(RuleExpressionParser.parse("mode").expression, expecting: nil).type
            == .enumeration(RuleEnumeration(typeName: "probe", field: "mode", values: ["auto", "manual", "off"])))
        #expect(checker.check(RuleExpressionParser.parse("x > zzz").expression).type == nil)
    }

    @Test func offsetsBecomeFileColumns() throws {
        let failure = #expect(throws: RuleExpressionErrors.self) {
            _ = try CompiledRuleExpression(#"event == "forced""#, schema: Self.schema("door"))
        }
        guard let failure else { return }
        // `    when: event == "forced"` : the scalar starts at line 40, column 11.
        let plain = failure.diagnostics(file: "rules.yaml", line: 40, column: 11)
        #expect(plain.map(\.description) == ["rules.yaml:40:20: error: 'forced' is not a value of door.event (unlock, unlock_failed, forced_open, tamper, doorbell)"])
        // `    when: 'event == "forced"'` : one more for the quote.
        #expect(failure.diagnostics(file: "rules.yaml", line: 40, column: 11, style: .singleQuoted).first?.column == 21)
        // A related place in the message is a file column too.
        let paren = RuleExpressionParser.parse("(a > 1").issues
        #expect(paren.diagnostics(file: "r.yaml", line: 3, column: 11).map(\.description)
            == ["r.yaml:3:17: error: expected ')' to close '(' at column 11"])
        #expect(paren.diagnostics(file: "r.yaml", line: 3, column: 11, style: .doubleQuoted).map(\.description)
            == ["r.yaml:3:18: error: expected ')' to close '(' at column 12"])
        #expect(paren.diagnostics(file: "r.yaml", line: 3, column: 9, style: .block).map(\.description)
            == ["r.yaml:3:9: error: expected ')' to close '(' at column 1 (at character 7 of the expression)"])
    }

    @Test func attributeKindsInferredFromValues() {
        #expect(RuleSchema.AttributeKind.inferred(from: "45") == .number)
        #expect(RuleSchema.AttributeKind.inferred(from: "0.5") == .number)
        #expect(RuleSchema.AttributeKind.inferred(from: "10m") == .duration)
        #expect(RuleSchema.AttributeKind.inferred(from: "true") == .bool)
        #expect(RuleSchema.AttributeKind.inferred(from: "building A") == .string)
        #expect(RuleSchema.AttributeKind.inferred(from: "m") == .string)
        #expect(RuleSchema.AttributeKind.inferred(from: "nan") == .string)
    }
}
